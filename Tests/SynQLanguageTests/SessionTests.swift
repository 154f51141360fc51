import Glibc
import XCTest
import Support
@testable import SynQLanguage

final class SessionTests: XCTestCase {
    func run(_ cells: [String], session: Session? = nil) -> [String] {
        runCells(cells, in: session ?? Session(output: CapturedOutput()))
    }

    func testBindingsFunctionsAndTypesPersistAcrossCells() {
        XCTAssertEqual(run([
            "let x = 41", "fn inc(n) -> n + 1", "struct P { v: Int }", "inc(x)", "P(v: inc(1)).v",
        ]), ["", "", "", "42", "2"])
    }

    func testALaterCellMayRedefineAName() {
        XCTAssertEqual(run(["let x = 1", "let x = \"now a string\"", "x", "fn f() -> 1", "fn f() -> 2", "f()"]),
                       ["", "", "\"now a string\"", "", "", "2"])
    }

    func testFunctionsSeeRedefinedGlobals() {
        XCTAssertEqual(run(["var scale = 2", "fn times(x) -> x * scale", "times(5)", "scale = 10", "times(5)"]),
                       ["", "", "10", "", "50"])
    }

    func testAnErrorKeepsTheStateOfCompletedStatements() {
        XCTAssertEqual(run(["var x = 1", "x = 2\nx = x / 0\nx = 3", "x"]), ["", "error E002", "2"])
    }

    func testACompileErrorChangesNothing() {
        XCTAssertEqual(run(["let a = 1", "let b = 2\nlet a = zzz_unknown", "a", "b"]), ["", "error R001", "1", "error R001"])
    }

    func testAFailedStatementLeavesTheQuantumStateUntouched() {
        XCTAssertEqual(run([
            "qubit q[2]", "x q[0]", "kernel k(a: Qubit, b: Qubit) { h a; cx a, b; let boom = 1 / 0 }",
            "k(q[1], q[0])", "probs(q)", "h q[1]\nlet boom = 1 / 0", "[round(p, 9) for p in probs(q)]",
        ]), ["", "", "", "error E002", "[0.0, 1.0, 0.0, 0.0]", "error E002", "[0.0, 0.5, 0.0, 0.5]"])
    }

    func testDeepRecursionWorksAndTheLimitIsAnError() {
        XCTAssertEqual(run(["fn d(n) { if n == 0 { 0 } else { 1 + d(n - 1) } }", "d(15000)", "d(100000)", "d(3)"]),
                       ["", "15000", "error E006", "3"])
    }

    func testInterruptStopsAnEndlessLoopAndKeepsBindings() {
        let session = Session(output: CapturedOutput())
        let watchdog = Threads.start {
            usleep(200_000)
            session.interrupt.cancel()
        }
        let results = run(["let kept = 7", "var i = 0\nwhile true { i += 1 }", "kept", "i > 0"], session: session)
        pthread_join(watchdog, nil)
        XCTAssertEqual(results, ["", "error E009", "7", "true"])
    }

    func testInterruptStopsARecursiveFunction() {
        let session = Session(output: CapturedOutput())
        let watchdog = Threads.start { usleep(200_000); session.interrupt.cancel() }
        let results = run(["fn spin(n) { if n > 1000 { 0 } else { spin(n + 1) } }", "while true { spin(0) }"], session: session)
        pthread_join(watchdog, nil)
        XCTAssertEqual(results.last, "error E009")
    }

    func testCompletionKnowsScopeKeywordsGatesModulesAndMembers() {
        let session = Session(output: CapturedOutput())
        _ = run(["let total_count = 1", "struct Pt { xx: Int, yy: Int }", "let pt = Pt(xx: 1, yy: 2)", "qubit reg[2]"], session: session)
        XCTAssertEqual(session.complete("tot", cursor: 3).matches, ["total_count"])
        XCTAssertTrue(session.complete("whi", cursor: 3).matches.contains("while"))
        XCTAssertTrue(session.complete("cs", cursor: 2).matches.contains("cswap"))
        XCTAssertEqual(session.complete("math.sq", cursor: 7).matches, ["sqrt"])
        XCTAssertEqual(session.complete("pt.x", cursor: 4).matches, ["xx"])
        let listMembers = session.complete("[1].so", cursor: 6)
        XCTAssertTrue(listMembers.matches.isEmpty || listMembers.matches.contains("sort"))
        XCTAssertEqual(session.complete("reg.si", cursor: 6).matches, ["size"])
        let r = session.complete("print(tot", cursor: 9)
        XCTAssertEqual(r.start, 6)
        XCTAssertEqual(r.end, 9)
    }

    func testCompletionCountsUnicodeScalars() {
        let session = Session(output: CapturedOutput())
        _ = run(["let γamma = 1"], session: session)
        let r = session.complete("\"é\" + γa", cursor: 8)
        XCTAssertEqual(r.matches, ["γamma"])
        XCTAssertEqual(r.start, 6)
    }

    func testInspectionShowsSignaturesAndDocs() {
        let session = Session(output: CapturedOutput())
        _ = run(["/// Squares a number.\nfn sq(x) -> x * x"], session: session)
        XCTAssertTrue(session.inspect("sq", cursor: 2)!.contains("fn sq(x)"))
        XCTAssertTrue(session.inspect("sq", cursor: 2)!.contains("Squares a number."))
        XCTAssertTrue(session.inspect("print(1)", cursor: 3)!.hasPrefix("print(values..."))
        XCTAssertTrue(session.inspect("cx", cursor: 2)!.contains("2 qubits"))
        XCTAssertNil(session.inspect("nothing_here", cursor: 5))
    }

    func testHelpGoesToTheHelpHandler() {
        let session = Session(output: CapturedOutput())
        var shown: [String] = []
        session.showHelp = { shown.append($0) }
        _ = run(["help(len)"], session: session)
        XCTAssertEqual(shown.count, 1)
        XCTAssertTrue(shown[0].hasPrefix("len(x) -> Int"))
    }

    func testSeededSamplingRepeats() {
        let cells = ["seed(7)", "kernel b() { qubit r[2]; h r[0]; cx r[0], r[1]; measure r }", "run(b(), shots: 500)"]
        XCTAssertEqual(run(cells), run(cells))
    }
}
