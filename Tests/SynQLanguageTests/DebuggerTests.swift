import XCTest
import Support
@testable import SynQLanguage

/// The interpreter's debugger driven directly: the cell runs on its own thread (as on the
/// kernel's shell thread) and the test plays the front end.
final class DebuggerTests: XCTestCase {
    let code = """
    fn total(xs) {
        var s = 0
        for x in xs {
            s += x
        }
        return s
    }
    let result = total([4, 5, 6])
    let doubled = result * 2
    """

    /// Runs `code` on a large-stack thread; returns a mailbox that receives its outcome.
    func start(_ session: Session, _ code: String) -> Mailbox<Result<Value?, Error>> {
        let outcome = Mailbox<Result<Value?, Error>>()
        Threads.start(stackSize: Threads.largeStack) { outcome.put(Result { try session.execute(code) }) }
        return outcome
    }

    func attach(_ session: Session) -> (Debugger, Mailbox<Debugger.StopReason>) {
        let debugger = session.startDebugging()
        debugger.cellPath = "cell.synq"
        let stops = Mailbox<Debugger.StopReason>()
        debugger.onStop = { reason, _ in stops.put(reason) }
        return (debugger, stops)
    }

    func testBreakpointStackLocalsEvaluateAndStepping() throws {
        let session = Session(output: CapturedOutput())
        let (debugger, stops) = attach(session)
        debugger.setBreakpoints(path: "cell.synq", [Debugger.Breakpoint(line: 4)])
        let outcome = start(session, code)

        XCTAssertEqual(stops.take(waiting: 10), .breakpoint)
        let stack = try XCTUnwrap(debugger.whileStopped { debugger.stack() })
        XCTAssertEqual(stack.map { "\($0.name):\($0.line)" }, ["total:4", "<cell>:8"])
        let locals = try XCTUnwrap(debugger.whileStopped { debugger.locals(of: 1).map { "\($0.name)=\(Format.repr($0.value))" } })
        XCTAssertEqual(Set(locals), ["x=4", "s=0", "xs=[4, 5, 6]"])
        let sum = try XCTUnwrap(debugger.whileStopped { try? debugger.evaluate("s + x * 10", frame: 2) })
        XCTAssertEqual(sum?.value, "40")

        debugger.step(.next)
        XCTAssertEqual(stops.take(waiting: 10), .step)
        XCTAssertEqual(debugger.whileStopped { debugger.stack().first?.line }, 4)
        XCTAssertEqual(debugger.whileStopped { Format.repr(debugger.value(named: "x", frame: 2)!) }, "5")

        debugger.setBreakpoints(path: "cell.synq", [])
        debugger.step(.stepOut)
        XCTAssertEqual(stops.take(waiting: 10), .step)
        XCTAssertEqual(debugger.whileStopped { debugger.stack().map { "\($0.name):\($0.line)" } }, ["<cell>:9"])
        debugger.step(.continue)
        _ = try XCTUnwrap(outcome.take(waiting: 10)).get()
        XCTAssertEqual(Format.repr(session.lookup("result")!), "15")
    }

    func testConditionalBreakpointAndDetach() throws {
        let session = Session(output: CapturedOutput())
        let (debugger, stops) = attach(session)
        debugger.setBreakpoints(path: "cell.synq", [Debugger.Breakpoint(line: 4, condition: "x == 6")])
        let outcome = start(session, code)
        XCTAssertEqual(stops.take(waiting: 10), .breakpoint)
        XCTAssertEqual(debugger.whileStopped { Format.repr(debugger.value(named: "s", frame: 2)!) }, "9")
        debugger.detach()
        _ = try XCTUnwrap(outcome.take(waiting: 10)).get()
        XCTAssertEqual(Format.repr(session.lookup("result")!), "15")
        XCTAssertNil(stops.take(waiting: 0.1), "a detached debugger never stops")
    }

    func testInterruptWhileStoppedEndsTheCellAndKeepsTheSession() throws {
        let session = Session(output: CapturedOutput())
        let (debugger, stops) = attach(session)
        debugger.setBreakpoints(path: "cell.synq", [Debugger.Breakpoint(line: 2)])
        let outcome = start(session, "let before = 1\n" + "let after = 2\n")
        XCTAssertEqual(stops.take(waiting: 10), .breakpoint)
        session.interrupt.cancel()
        XCTAssertThrowsError(try XCTUnwrap(outcome.take(waiting: 10)).get()) { error in
            XCTAssertEqual((error as? SynQError)?.kind, "KeyboardInterrupt")
        }
        XCTAssertEqual(Format.repr(session.lookup("before")!), "1")
        XCTAssertNil(session.lookup("after"))
    }

    func testCodeCompiledWithoutADebuggerNeverStops() throws {
        let session = Session(output: CapturedOutput())
        try session.execute(code)
        let (debugger, stops) = attach(session)
        debugger.setBreakpoints(path: "cell.synq", [Debugger.Breakpoint(line: 4)])
        let outcome = start(session, "total([1, 2])")
        XCTAssertEqual(Format.repr(try XCTUnwrap(try XCTUnwrap(outcome.take(waiting: 10)).get())), "3",
                       "total was compiled before the debugger attached")
        XCTAssertNil(stops.take(waiting: 0.1))
    }
}
