import Glibc
import XCTest
import Support
@testable import SynQLanguage

/// Functions that compute with Ints alone run on unboxed Int slots (`IntFunctions.swift`);
/// everything they do must read exactly as on the general path.
final class IntFunctionTests: XCTestCase {
    func run(_ cells: [String], session: Session) -> [String] { runCells(cells, in: session) }

    func intFunction(_ name: String, in session: Session) -> IntFunction? {
        guard case .function(let c)? = session.lookup(name) else { return nil }
        return c.proto.intFunction
    }

    func testIntOnlyFunctionsRunOnTheIntPathWithTheSameResults() {
        let session = Session(output: CapturedOutput())
        let results = run([
            "fn fib(n) { if n < 2 { return n }; return fib(n - 1) + fib(n - 2) }",
            "fn gcd(a: Int, b: Int) -> Int {\n    while b != 0 {\n        let t = b\n        b = a % b\n        a = t\n    }\n    a\n}",
            "fn half(n) { var h = 0; while (h + 1) * 2 <= n { h += 1 }; h }",
            "fn odd_sum(limit) {\n    var s = 0\n    var i = 0\n    while i < limit {\n        i += 1\n        if i % 2 == 0 { continue }\n        s += i\n    }\n    s\n}",
            "fn sign(x) { if x > 0 { 1 } else if x < 0 { -1 } else { 0 } }",
            "fib(20)", "gcd(1071, 462)", "odd_sum(10)", "[sign(-5), sign(0), sign(7)]", "half(9)",
        ], session: session)
        XCTAssertEqual(Array(results[5...]), ["6765", "21", "25", "[-1, 0, 1]", "4"])
        for name in ["fib", "gcd", "odd_sum", "sign", "half"] {
            XCTAssertEqual(intFunction(name, in: session)?.isEnabled, true, "\(name) runs on the Int path")
        }
        // `/` makes a Float, so `mean` is outside the subset and keeps to the general path
        XCTAssertEqual(run(["fn mean(a, b) { return (a + b) / 2 }", "mean(3, 4)"], session: session), ["", "3.5"])
        XCTAssertNil(intFunction("mean", in: session))
    }

    func testForLoopsOverRangesRunOnTheIntPath() {
        let session = Session(output: CapturedOutput())
        XCTAssertEqual(run([
            "fn squares(n) { var s = 0; for i in 0..n { s += i * i }; s }",
            "fn down(n) { var s = 0; for i in n..=0 step -3 { s = s * 10 + i }; s }",
            "fn first_multiple(k, limit) {\n    for i in 1..=limit {\n        if i % k != 0 { continue }\n        return i\n    }\n    return -1\n}",
            "fn steps(by) { var n = 0; for i in 0..10 step by { n += 1 }; n }",
            "[squares(10), down(9), first_multiple(7, 30), first_multiple(70, 30), steps(3)]",
            "steps(0)", "fn top() { var n = 0; for i in 9223372036854775800..=9223372036854775807 { n += 1 }; n }", "top()",
        ], session: session), ["", "", "", "", "[285, 9630, 7, -1, 4]", "error E010", "", "error E010"])
        for name in ["squares", "down", "first_multiple"] {
            XCTAssertEqual(intFunction(name, in: session)?.isEnabled, true, "\(name) runs on the Int path")
        }
    }

    func testRemainderFollowsTheDivisorsSignAndBooleansShortCircuit() {
        let session = Session(output: CapturedOutput())
        XCTAssertEqual(run([
            "fn rem(a, b) { return a % b }",
            "fn divides(a, b) { if b != 0 and a % b == 0 { return 1 }; return 0 }",
            "fn either(a) { if a == 0 or 10 % a == 0 { return 1 }; return 0 }",
            "[rem(-7, 3), rem(7, -3), rem(-7, -3), rem(7, -1)]",
            "[divides(4, 0), divides(4, 2), divides(5, 2), either(0), either(3), either(5)]",
        ], session: session), ["", "", "", "[2, -2, -1, 0]", "[0, 1, 0, 1, 0, 1]"])
        XCTAssertEqual(intFunction("divides", in: session)?.isEnabled, true)
    }

    func testErrorsReadAsOnTheGeneralPathAndTheFunctionKeepsWorking() {
        let session = Session(output: CapturedOutput())
        XCTAssertEqual(run([
            "fn grow(n) { return n * 4611686018427387904 }",
            "fn rem(a, b) { return a % b }",
            "grow(1)", "grow(4)", "grow(2)", "rem(5, 0)", "rem(5, 3)",
        ], session: session), ["", "", "4611686018427387904", "error E005", "error E005", "error E002", "2"])
        // an abandoned call leaves the function on the general path for good
        XCTAssertEqual(intFunction("grow", in: session)?.isEnabled, false)

        var rendered = ""
        Threads.run(stackSize: Threads.largeStack) {
            do {
                _ = try session.execute("fn outer(n) { return grow(n) + 1 }\nouter(8)")
            } catch let e as SynQError {
                rendered = e.description
            } catch {}
        }
        XCTAssertTrue(rendered.contains("Int overflow in 8 * 4611686018427387904"), rendered)
        XCTAssertTrue(rendered.contains("grow"), rendered)
        XCTAssertTrue(rendered.contains("outer"), rendered)
    }

    func testOtherArgumentsCalleesAndGlobalsFallBackToTheGeneralPath() {
        let session = Session(output: CapturedOutput())
        XCTAssertEqual(run([
            "fn twice(n) { return n * 2 }", "twice(1.5)", "twice(21)",
            "fn step(n) { return n + 1 }", "fn via(n) { return step(n) * 2 }", "via(1)",
            "fn step(n) { return 2.5 }", "via(1)",
            "let base = 10", "fn add_base(n) { return n + base }", "add_base(5)",
            "let base = \"ten\"", "add_base(5)",
            "fn maybe(n) { if n > 0 { return 1 } }", "maybe(1)", "maybe(0) == nil",
        ], session: session), [
            "", "3.0", "42",
            "", "", "4",
            "", "5.0",
            "", "", "15",
            "", "error T001",
            "", "1", "true",
        ])
    }

    func testTheRecursionLimitAndDeepRecursionMatchTheGeneralPath() {
        let session = Session(output: CapturedOutput())
        XCTAssertEqual(run(["fn depth(n) { if n == 0 { 0 } else { 1 + depth(n - 1) } }", "depth(19000)", "depth(30000)", "depth(5)"],
                           session: session), ["", "19000", "error E006", "5"])
    }

    func testInterruptStopsALoopInsideAnIntFunction() {
        let session = Session(output: CapturedOutput())
        let watchdog = Threads.start { usleep(200_000); session.interrupt.cancel() }
        let results = run(["let kept = 3", "fn forever() { var i = 0; while true { i += 1 }; return i }", "forever()", "kept"],
                          session: session)
        pthread_join(watchdog, nil)
        XCTAssertEqual(results, ["", "", "error E009", "3"])
    }
}
