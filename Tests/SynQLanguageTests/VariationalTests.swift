import Glibc
import XCTest
import Support
@testable import SynQLanguage
import QuantumKit

/// A sink that keeps every display with its id and whether it replaced an earlier one.
final class LiveOutput: OutputSink {
    var errorText = ""
    var displays: [(value: Value, id: String?, update: Bool)] = []
    func write(_ text: String, toStandardError: Bool) { if toStandardError { errorText += text } }
    func display(_ value: Value, id: String?, update: Bool) { displays.append((value, id, update)) }
    var updatesInPlace: Bool { true }
}

final class VariationalTests: XCTestCase {
    /// Runs a program on a large stack and returns the session for reading its bindings.
    @discardableResult
    func run(_ code: String, output: OutputSink = CapturedOutput(), session given: Session? = nil) throws -> Session {
        var failure: Error?
        let session = given ?? Session(output: output)
        Threads.run(stackSize: Threads.largeStack) {
            do { try session.execute(code) } catch { failure = error }
        }
        if let failure { throw failure }
        return session
    }

    func float(_ s: Session, _ name: String) -> Double {
        guard let v = s.lookup(name), let x = Operators.floatValue(v) else { XCTFail("\(name) is not a number"); return .nan }
        return x
    }

    func floats(_ s: Session, _ name: String) -> [Double] {
        guard case .list(let l)? = s.lookup(name) else { XCTFail("\(name) is not a list"); return [] }
        return l.items.compactMap(Operators.floatValue)
    }

    static let ansatz = """
    kernel ansatz(t: List) {
        qubit q[3]
        for layer in 0..2 {
            for i in 0..3 { ry(t[6 * layer + 2 * i]) q[i]; rz(t[6 * layer + 2 * i + 1]) q[i] }
            cx q[0], q[1]
            cx q[1], q[2]
        }
        crx(t[0] * t[1]) q[2], q[0]
        u(t[2], 2 * t[3], sin(t[4])) q[1]
    }
    let H = 0.7 * Z(0) * Z(1) - 0.4 * X(1) * X(2) + 0.3 * Y(0) + 0.2 * Z(2)
    fn energy(t) { return expect(ansatz(t), H) }
    let x = [0.3, -0.2, 0.9, 1.4, -0.7, 0.1, 0.5, 2.1, -1.2, 0.4, 0.8, -0.3]
    """

    func testGradOfAnExpectationIsExactByAdjointAndParameterShift() throws {
        let s = try run(VariationalTests.ansatz + """

        let adjoint = grad(energy, method: "adjoint")(x)
        let shift = grad(energy, method: "parameter-shift")(x)
        let auto = grad(energy)(x)
        let differences = grad(energy, method: "finite-difference")(x)
        """)
        let adjoint = floats(s, "adjoint"), shift = floats(s, "shift"), auto = floats(s, "auto"), fd = floats(s, "differences")
        XCTAssertEqual(adjoint.count, 12)
        XCTAssertGreaterThan(adjoint.map(abs).max()!, 0.05)
        for i in adjoint.indices {
            XCTAssertEqual(adjoint[i], shift[i], accuracy: 1e-9)
            XCTAssertEqual(adjoint[i], auto[i], accuracy: 1e-12)
            XCTAssertEqual(adjoint[i], fd[i], accuracy: 1e-6)
        }
    }

    func testGradCarriesDerivativesThroughArithmeticAndMathFunctions() throws {
        let s = try run("""
        let d = grad(|x| sin(x) * x ** 2 + exp(x) / sqrt(x) - log(x) * atan(x))(1.3)
        let g = grad(|v| v[0] * v[1] + tanh(v[0]) - abs(v[1]) + int(v[0]) * 5.0)([0.4, -2.0])
        let (value, slope) = value_and_grad(|x| cos(x) ** 3)(0.5)
        """)
        let x = 1.3
        let expected = cos(x) * x * x + 2 * x * sin(x) + exp(x) / sqrt(x) - 0.5 * exp(x) * pow(x, -1.5) - atan(x) / x - log(x) / (1 + x * x)
        XCTAssertEqual(float(s, "d"), expected, accuracy: 1e-12)
        XCTAssertEqual(floats(s, "g")[0], -2.0 + 1 - tanh(0.4) * tanh(0.4), accuracy: 1e-12)
        XCTAssertEqual(floats(s, "g")[1], 0.4 + 1, accuracy: 1e-12)
        XCTAssertEqual(float(s, "value"), pow(cos(0.5), 3), accuracy: 1e-12)
        XCTAssertEqual(float(s, "slope"), -3 * cos(0.5) * cos(0.5) * sin(0.5), accuracy: 1e-12)
    }

    func testNoisyAndSampledExpectationsUseTheParameterShiftRule() throws {
        let s = try run("""
        kernel k(t: List) {
            qubit q[2]
            ry(t[0]) q[0]
            cx q[0], q[1]
            rx(t[1]) q[1]
        }
        let O = Z(0) * Z(1) + 0.5 * Z(1)
        fn noisy(t) { return expect(k(t), O, noise: depolarizing(0.05)) }
        let g = grad(noisy)([0.7, 0.4])
        let h = 1e-5
        let fd0 = (noisy([0.7 + h, 0.4]) - noisy([0.7 - h, 0.4])) / (2 * h)
        let fd1 = (noisy([0.7, 0.4 + h]) - noisy([0.7, 0.4 - h])) / (2 * h)
        let sampled = grad(|t| expect(k(t), O, shots: 20000, seed: 3))([0.7, 0.4])
        let exact = grad(|t| expect(k(t), O))([0.7, 0.4])
        """)
        XCTAssertEqual(floats(s, "g")[0], float(s, "fd0"), accuracy: 1e-6)
        XCTAssertEqual(floats(s, "g")[1], float(s, "fd1"), accuracy: 1e-6)
        XCTAssertEqual(floats(s, "sampled")[0], floats(s, "exact")[0], accuracy: 0.05)
        XCTAssertEqual(floats(s, "sampled")[1], floats(s, "exact")[1], accuracy: 0.05)
        XCTAssertThrowsError(try run("grad(noisy, method: \"adjoint\")([0.1, 0.2])", session: s))
    }

    func testAFunctionThatCannotBeTracedFallsBackToFiniteDifferencesAndSaysSo() throws {
        let output = CapturedOutput()
        let s = try run("let g = grad(|x| linalg.det([[x, 1.0], [0.5, 2.0]]))(3.0)", output: output)
        XCTAssertEqual(float(s, "g"), 2.0, accuracy: 1e-6)
        XCTAssertTrue(output.errorText.contains("finite differences"), output.errorText)
    }

    func testEveryMethodMinimisesAQuadraticValley() throws {
        let s = try run("""
        fn f(x) { return (x[0] - 1.0) ** 2 + 4.0 * (x[1] + 2.0) ** 2 + 0.5 * x[0] * x[1] }
        var results = {}
        let rates = {"adam": 0.1, "gd": 0.05, "spsa": 0.2, "nelder-mead": 0.5, "cobyla": 0.5, "bfgs": nil}
        for m in ["adam", "gd", "spsa", "nelder-mead", "cobyla", "bfgs"] {
            results[m] = minimize(f, [0.0, 0.0], method: m, steps: 2000, lr: rates[m])
        }
        """)
        // the minimum of f solves 2(x0 - 1) + 0.5 x1 = 0, 8(x1 + 2) + 0.5 x0 = 0
        let x1 = (-16 - 0.5) / (8 - 0.125), x0 = 1 - 0.25 * x1
        let fMin = (x0 - 1) * (x0 - 1) + 4 * (x1 + 2) * (x1 + 2) + 0.5 * x0 * x1
        guard case .map(let results)? = s.lookup("results") else { return XCTFail("no results") }
        for (key, value) in zip(results.keys, results.values) {
            guard case .object(let r as OptimizeResult) = value else { return XCTFail("not a result") }
            let tolerance = r.method == "spsa" ? 1e-2 : 1e-5
            XCTAssertEqual(r.value, fMin, accuracy: tolerance, "\(key)")
            XCTAssertEqual(r.x[0], x0, accuracy: r.method == "spsa" ? 0.1 : 1e-2, "\(key)")
            XCTAssertFalse(r.history.isEmpty)
            XCTAssertEqual(r.gradientEvaluations > 0, Optimizers.gradientMethods.contains(r.method), "\(key)")
        }
    }

    func testVQEOnH2ReachesTheExactGroundEnergy() throws {
        let s = try run("""
        kernel ansatz(t: List) {
            qubit q[2]
            ry(t[0]) q[0]
            ry(t[1]) q[1]
            cx q[0], q[1]
            ry(t[2]) q[0]
            ry(t[3]) q[1]
        }
        let H = h2()
        let r = minimize(|t| expect(ansatz(t), H), [0.1, 0.1, 0.1, 0.1], method: "bfgs")
        let exact = linalg.eig(H.matrix())[0][0]
        let energy = r.fun
        """)
        XCTAssertEqual(float(s, "exact"), -1.857275030202, accuracy: 1e-9)
        XCTAssertEqual(float(s, "energy"), float(s, "exact"), accuracy: 1e-4)
    }

    func testQAOAOnASixNodeGraphPutsTheHighestProbabilityOnAMaximumCut() throws {
        let edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 0), (0, 2), (3, 5), (1, 4)]
        let s = try run("""
        let edges = [\(edges.map { "(\($0.0), \($0.1))" }.joined(separator: ", "))]
        let C = maxcut(edges)
        kernel qaoa(t: List) {
            qubit q[6]
            h q
            for layer in 0..3 {
                for (i, j) in edges { rzz(-t[layer]) q[i], q[j] }
                for i in 0..6 { rx(2 * t[3 + layer]) q[i] }
            }
        }
        let r = minimize(|t| -expect(qaoa(t), C), [0.2, 0.4, 0.6, 0.6, 0.4, 0.2], method: "bfgs")
        let p = state(qaoa(r.x)).probabilities()
        """)
        let p = floats(s, "p")
        let best = p.indices.max { p[$0] < p[$1] }!
        func cut(_ z: Int) -> Int { edges.filter { ((z >> $0.0) ^ (z >> $0.1)) & 1 == 1 }.count }
        let maximum = (0..<64).map(cut).max()!
        XCTAssertLessThan(maximum, edges.count)
        XCTAssertEqual(cut(best), maximum)
    }

    func testHamiltonianHelpersHaveTheirKnownSpectra() throws {
        let s = try run("""
        let singlet = linalg.eig(heisenberg(2).matrix())[0][0]
        let ising_ground = linalg.eig(ising(3, j: 1.0, h: 0.0).matrix())[0][0]
        let terms = ising(4, j: 1.0, h: 0.5, periodic: true).terms
        kernel cut_state() { qubit q[4]; x q[0]; x q[2] }
        let cut = expect(cut_state(), maxcut([(0, 1), (1, 2), (2, 3), (0, 2, 5.0)]))
        """)
        XCTAssertEqual(float(s, "singlet"), -3, accuracy: 1e-10)
        XCTAssertEqual(float(s, "ising_ground"), -2, accuracy: 1e-10)
        XCTAssertEqual(float(s, "terms"), 8)
        XCTAssertEqual(float(s, "cut"), 3, accuracy: 1e-12)
    }

    func testMinimizeShowsALivePlotAndProgressThatUpdateInPlace() throws {
        let output = LiveOutput()
        let s = try run("let r = minimize(|x| (x - 2.0) ** 2, 0.0, method: \"adam\", steps: 50)", output: output)
        guard case .object(let r as OptimizeResult)? = s.lookup("r") else { return XCTFail("no result") }
        XCTAssertEqual(r.x[0], 2, accuracy: 0.5)
        let figures = output.displays.filter { if case .object(is FigureValue) = $0.value { return true }; return false }
        let lines = output.displays.filter { if case .object(is ProgressLine) = $0.value { return true }; return false }
        XCTAssertGreaterThanOrEqual(figures.count, 2)
        XCTAssertEqual(figures.first?.update, false)
        XCTAssertEqual(figures.last?.update, true)
        XCTAssertEqual(Set(figures.compactMap { $0.id }).count, 1)
        guard case .object(let last as FigureValue)? = figures.last?.value, case .object(let line as ProgressLine)? = lines.last?.value else {
            return XCTFail("no final display")
        }
        XCTAssertEqual(last.series[0].ys.count, 50)
        XCTAssertTrue(line.text.contains("adam: stopped"), line.text)
    }

    func testAnInterruptStopsMinimizeWithTheBestPointSoFar() throws {
        let session = Session(output: CapturedOutput())
        // Each evaluation takes milliseconds, so the interrupt comes after a few dozen of them,
        // long before Nelder-Mead could shrink its simplex to nothing (about two hundred).
        let interrupter = Threads.start { usleep(150_000); session.interrupt.cancel() }
        defer { pthread_join(interrupter, nil) }
        try run("""
        fn slow(x) { var s = 0; for i in 0..40000 { s += 1 }; return (x[0] - 3.0) ** 2 + 1.0 }
        let r = minimize(slow, [0.0], method: "nelder-mead", steps: 1000000, tol: 0.0)
        let after = 1 + 1
        """, session: session)
        guard case .object(let r as OptimizeResult)? = session.lookup("r") else { return XCTFail("no result") }
        XCTAssertTrue(r.stop.message.hasPrefix("interrupted"), r.stop.message)
        XCTAssertLessThan(r.value, 10)
        // The best point is the best evaluated, which may come from a step the interrupt cut short.
        XCTAssertLessThanOrEqual(r.value, r.history.min() ?? .infinity)
        XCTAssertEqual(float(session, "after"), 2)
    }
}
