import Glibc
import XCTest
@testable import QuantumKit

final class SimulationTests: XCTestCase {
    func testMeasuringPlusGivesHalfAndHalfWithinChiSquare() throws {
        var c = Circuit(qubits: 1, clbits: 1)
        c.append(Operation(.h, [0]))
        c.append(.measure(qubit: 0, clbit: 0))
        let counts = try Simulator(seed: 11).run(c, shots: 20_000)
        let ones = Double(counts.counts[1] ?? 0), zeros = Double(counts.counts[0] ?? 0)
        let chiSquare = (ones - 10_000) * (ones - 10_000) / 10_000 + (zeros - 10_000) * (zeros - 10_000) / 10_000
        XCTAssertLessThan(chiSquare, 10.83, "p < 0.001 would reject a fair coin")
        XCTAssertEqual(ones + zeros, 20_000)
    }

    func testGHZSamplesOnlyAllZerosAndAllOnes() throws {
        var c = Circuit(qubits: 12)
        c.append(Operation(.h, [0]))
        for q in 1..<12 { c.append(Operation(.x, [q], controls: [q - 1])) }
        let counts = try Simulator(seed: 5).run(c, shots: 10_000)
        XCTAssertEqual(Set(counts.counts.keys), [0, (1 << 12) - 1])
        XCTAssertEqual(counts.bitstring((1 << 12) - 1), String(repeating: "1", count: 12))
    }

    func testSameSeedSameCounts() throws {
        var random = SeededRandom(seed: 9)
        let c = randomCircuit(qubits: 6, gates: 30, &random)
        XCTAssertEqual(try Simulator(seed: 42).run(c, shots: 2000), try Simulator(seed: 42).run(c, shots: 2000))
    }

    func testMidCircuitMeasurementAndFeedbackTeleport() throws {
        // teleport ry(0.7)|0> from qubit 0 to qubit 2
        var c = Circuit(qubits: 3, clbits: 3)
        c.append(Operation(.ry, [0], params: [Parameter(0.7)]))
        c.append(Operation(.h, [1]))
        c.append(Operation(.x, [2], controls: [1]))
        c.append(Operation(.x, [1], controls: [0]))
        c.append(Operation(.h, [0]))
        c.append(.measure(qubit: 0, clbit: 0))
        c.append(.measure(qubit: 1, clbit: 1))
        c.append(.conditional(clbits: [1], value: 1, Operation(.x, [2])))
        c.append(.conditional(clbits: [0], value: 1, Operation(.z, [2])))
        c.append(.measure(qubit: 2, clbit: 2))
        let counts = try Simulator(seed: 3).run(c, shots: 20_000)
        let ones = counts.counts.filter { $0.key & 4 != 0 }.reduce(0) { $0 + $1.value }
        let expected = sin(0.35) * sin(0.35)
        XCTAssertEqual(Double(ones) / 20_000, expected, accuracy: 0.015)
    }

    func testResetReturnsAQubitToZero() throws {
        var c = Circuit(qubits: 1, clbits: 1)
        c.append(Operation(.h, [0]))
        c.append(.reset(0))
        c.append(.measure(qubit: 0, clbit: 0))
        XCTAssertEqual(try Simulator(seed: 1).run(c, shots: 500).counts, [0: 500])
    }

    func testMarginalsAndProbabilities() throws {
        let s = try StateVector(qubits: 3)
        try s.apply(Operation(.x, [2]))
        try s.apply(Operation(.h, [0]))
        let m = s.marginal([2, 0])
        XCTAssertEqual(m[1], 0.5, accuracy: 1e-12)
        XCTAssertEqual(m[3], 0.5, accuracy: 1e-12)
        XCTAssertEqual(s.probabilityOfOne(2), 1, accuracy: 1e-12)
    }

    func testTooManyQubitsIsAClearError() {
        XCTAssertThrowsError(try StateVector(qubits: 60)) { error in
            let e = error as? SimulationError
            XCTAssertEqual(e?.code, "SIM001")
            XCTAssertTrue(e?.message.contains("60 qubits") ?? false)
        }
    }

    func testCancellationStopsARun() {
        let flag = CancellationFlag()
        flag.cancel()
        var c = Circuit(qubits: 2)
        c.append(Operation(.h, [0]))
        XCTAssertThrowsError(try Simulator(cancellation: flag).finalState(c)) { XCTAssertTrue($0 is Cancelled) }
    }
}

final class ObservableTests: XCTestCase {
    /// <psi|O|psi> from the dense matrix of each Pauli string, the slow way.
    func denseExpectation(_ o: Observable, _ s: StateVector) throws -> Double {
        var total = Complex.zero
        for term in o.terms {
            let image = try s.copy()
            for (q, p) in term.paulis {
                let kind: GateKind = p == "X" ? .x : p == "Y" ? .y : .z
                try image.apply(Operation(kind, [q]))
            }
            var inner = Complex.zero
            for i in 0..<s.dimension { inner += s[i].conjugate * image[i] }
            total += term.coefficient * inner
        }
        return total.re
    }

    /// Σ Z_q Z_{q+1} + 0.5 Σ X_q on n qubits.
    func ising(_ n: Int) -> Observable {
        var o = Observable([])
        for q in 0..<n - 1 { o = o + Observable.pauli("Z", q) * Observable.pauli("Z", q + 1) }
        for q in 0..<n { o = o + Complex(0.5) * Observable.pauli("X", q) }
        return o
    }

    func testGroupedExpectationMatchesDenseEvaluation() throws {
        var random = SeededRandom(seed: 4)
        let s = try randomState(6, &random)
        var o = ising(6)
        o = o + Complex(0.25) * (try Observable.pauliString("XYZIZY"))
        o = o + Complex(-0.3) * Observable.pauli("Y", 2) * Observable.pauli("Y", 4)
        XCTAssertEqual(o.expectation(s), try denseExpectation(o, s), accuracy: 1e-10)
    }

    /// X-type groups read only half of their amplitude pairs and double the sum: flips inside a
    /// block (above and at bit 0) and across blocks, with Z bits beside them.
    func testPairedFlipGroupsMatchDenseEvaluation() throws {
        var random = SeededRandom(seed: 21)
        let s = try randomState(13, &random)
        let single = try StateVector(qubits: 13, precision: .single)
        for i in 0..<s.dimension { single[i] = s[i] }
        var o = Observable([])
        for q in 0..<13 { o = o + Complex(0.3 + 0.1 * Double(q)) * Observable.pauli("X", q) }
        for letters in ["IIXIIIIIIIXII", "IIIXIXIIIIIIZ", "ZZIIIIIIIIIIX", "IIIIIIIIIIZXX", "XXIIIIIIIIIIX"] {
            o = o + Complex(0.7) * (try Observable.pauliString(letters))
        }
        XCTAssertEqual(o.expectation(s), try denseExpectation(o, s), accuracy: 1e-10)
        XCTAssertEqual(o.expectation(single), try denseExpectation(o, s), accuracy: 1e-4)
        // states smaller than a block, identity terms included
        for n in 1...4 {
            let small = try randomState(n, &random)
            var p = Complex(0.4) * (try Observable.pauliString(String(repeating: "I", count: n)))
            for q in 0..<n { p = p + Complex(0.2 + Double(q)) * Observable.pauli("X", q) + Complex(-0.3) * Observable.pauli("Z", q) }
            XCTAssertEqual(p.expectation(small), try denseExpectation(p, small), accuracy: 1e-12, "\(n) qubits")
        }
    }

    /// Above the threshold the sweep's blocks are split between threads: two threads give the
    /// one-thread value (16 qubits: 64 blocks) and the dense evaluation's.
    func testSweepSplitBetweenThreadsMatches() throws {
        var random = SeededRandom(seed: 33)
        let s = try randomState(16, &random)
        let o = ising(16) + Complex(0.3) * (try Observable.pauliString("XYZIZYIIXXZZIYIX"))
        let saved = ParallelFor.threads
        defer { ParallelFor.threads = saved }
        ParallelFor.threads = 1
        let one = o.expectation(s)
        ParallelFor.threads = 2
        XCTAssertEqual(o.expectation(s), one, accuracy: 1e-12)
        XCTAssertEqual(one, try denseExpectation(o, s), accuracy: 1e-10)
    }

    /// Random Pauli sums on 13 qubits (so strings flip and sign bits inside a block and across
    /// blocks), in both precisions, against the slow evaluation.
    func testBlockedSweepMatchesDenseEvaluationOnRandomPauliSums() throws {
        var random = SeededRandom(seed: 12)
        let s = try randomState(13, &random)
        let single = try StateVector(qubits: 13, precision: .single)
        for i in 0..<s.dimension { single[i] = s[i] }
        for trial in 0..<10 {
            var o = Observable([])
            for _ in 0..<12 {
                let letters = (0..<13).map { _ in "IXYZ".randomElement(using: &random)! }
                o = o + Complex(random.uniform() - 0.5) * (try Observable.pauliString(String(letters)))
            }
            let exact = try denseExpectation(o, s)
            XCTAssertEqual(o.expectation(s), exact, accuracy: 1e-10, "trial \(trial)")
            XCTAssertEqual(o.expectation(single), exact, accuracy: 1e-5, "trial \(trial)")
        }
    }

    /// X-type strings with real weights take the dot-product path: every flip inside a lane,
    /// inside a block and across blocks.
    func testIsingAndXXTermsOn13QubitsMatchDenseEvaluation() throws {
        var random = SeededRandom(seed: 13)
        let s = try randomState(13, &random)
        var o = Observable([])
        for q in 0..<12 { o = o + Observable.pauli("Z", q) * Observable.pauli("Z", q + 1) }
        for q in 0..<13 { o = o + Complex(0.5 + Double(q) / 10) * Observable.pauli("X", q) }
        for (p, q) in [(0, 1), (3, 12), (10, 11), (0, 12)] { o = o + Complex(-0.7) * Observable.pauli("X", p) * Observable.pauli("X", q) }
        o = o + Complex(0.3) * Observable.pauli("X", 11) * Observable.pauli("Z", 12)
        XCTAssertEqual(o.expectation(s), try denseExpectation(o, s), accuracy: 1e-10)
    }

    func testPauliProductsCarryPhases() {
        let xy = Observable.pauli("X", 0) * Observable.pauli("Y", 0)
        XCTAssertEqual(xy.terms.count, 1)
        XCTAssertEqual(xy.terms[0].paulis[0], "Z")
        XCTAssertTrue(xy.terms[0].coefficient.isClose(.i))
        let zz = Observable.pauli("Z", 1) * Observable.pauli("Z", 1)
        XCTAssertEqual(zz.terms[0].paulis.count, 0)
    }

    func testSampledExpectationApproachesExact() throws {
        var c = Circuit(qubits: 2)
        c.append(Operation(.ry, [0], params: [Parameter(0.8)]))
        c.append(Operation(.x, [1], controls: [0]))
        let o = Observable.pauli("Z", 0) * Observable.pauli("Z", 1) + Complex(0.5) * Observable.pauli("X", 0)
        let exact = o.expectation(try Simulator().finalState(c))
        let sampled = try SampledExpectation.estimate(c, o, shots: 40_000, seed: 8, cancellation: nil)
        XCTAssertEqual(sampled, exact, accuracy: 0.02)
    }
}

final class CircuitTests: XCTestCase {
    func testOptimizerPreservesTheStateOn500RandomCircuits() throws {
        var random = SeededRandom(seed: 6)
        var removed = 0
        for trial in 0..<500 {
            var c = randomCircuit(qubits: 4, gates: 12, &random)
            // plant cancellations and mergeable rotations
            c.append(Operation(.h, [1])); c.append(Operation(.h, [1]))
            c.append(Operation(.rz, [2], params: [Parameter(0.3)])); c.append(Operation(.rz, [2], params: [Parameter(0.4)]))
            c.append(Operation(.s, [0])); c.append(Operation(.sdg, [0]))
            let optimized = Optimizer.optimize(c)
            removed += c.instructions.count - optimized.instructions.count
            assertStatesEqual(try Simulator().finalState(c), try Simulator().finalState(optimized), "trial \(trial)")
        }
        XCTAssertGreaterThanOrEqual(removed, 1500)
    }

    func testEstimateCountsDepthAndTGates() {
        var c = Circuit(qubits: 3)
        c.append(Operation(.h, [0]))
        c.append(Operation(.t, [1]))
        c.append(Operation(.x, [1], controls: [0]))
        c.append(Operation(.x, [2], controls: [0, 1]))
        c.append(Operation(.tdg, [2]))
        let e = c.estimate()
        XCTAssertEqual(e.depth, 4)
        XCTAssertEqual(e.twoQubitDepth, 2)
        XCTAssertEqual(e.tCount, 9)
        XCTAssertEqual(e.gateCounts.map { $0.0 }, ["h", "t", "cx", "ccx", "tdg"])
    }

    func testTextDiagramShowsControlsAndTargets() {
        var c = Circuit(qubits: 2)
        c.append(Operation(.h, [0]))
        c.append(Operation(.x, [1], controls: [0]))
        c.append(Operation(.rz, [1], params: [Parameter(.pi / 4)]))
        let text = CircuitText.diagram(c)
        XCTAssertTrue(text.contains("q[0]: ─H──●"), text)
        XCTAssertTrue(text.contains("⊕"), text)
        XCTAssertTrue(text.contains("RZ(π/4)"), text)
        XCTAssertEqual(AngleText.format(-.pi / 2), "-π/2")
        XCTAssertEqual(AngleText.format(3 * .pi / 4), "3π/4")
        XCTAssertEqual(AngleText.format(0.3), "0.3")
    }
}
