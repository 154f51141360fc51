import XCTest
@testable import QuantumKit

/// Total variation distance between counts and exact probabilities over outcomes.
func totalVariation(_ counts: Counts, _ probabilities: [Double]) -> Double {
    var distance = 0.0
    for (outcome, p) in probabilities.enumerated() {
        distance += abs(Double(counts.counts[outcome] ?? 0) / Double(counts.shots) - p)
    }
    return distance / 2
}

/// Measures every qubit of `circuit` into its own new bit, runs it with `noise` on `engine`,
/// and checks the counts against the exact noisy density matrix.
func assertCountsFollowTheDensityMatrix(_ circuit: Circuit, noise: NoiseModel, engine: Engine, seed: UInt64,
                                        _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
    var c = circuit
    let offset = c.addClbits("m", c.qubitCount)
    for q in 0..<c.qubitCount { c.append(.measure(qubit: q, clbit: offset + q)) }
    let exact = try Simulator(noise: noise).densityMatrix(c).probabilities()
    let counts = try Simulator(seed: seed, engine: engine, noise: noise).run(c, shots: 4_000)
    XCTAssertLessThan(totalVariation(counts, exact), 0.05, message, file: file, line: line)
}

final class NoiseTests: XCTestCase {
    func testNoiselessDensityMatrixIsTheOuterProductOfTheStateOn60RandomCircuits() throws {
        var random = SeededRandom(seed: 5)
        for trial in 0..<60 {
            let c = randomCircuit(qubits: 1 + trial % 6, gates: 5 + trial % 30, &random)
            let psi = try referenceState(c)
            let rho = try Simulator().densityMatrix(c)
            var worst = 0.0
            for i in 0..<psi.dimension { for j in 0..<psi.dimension {
                worst = max(worst, (rho[i, j] - psi[i] * psi[j].conjugate).magnitude)
            } }
            XCTAssertLessThan(worst, 1e-10, "trial \(trial)")
            XCTAssertEqual(rho.purity, 1, accuracy: 1e-10, "trial \(trial)")
        }
    }

    func testEachChannelGivesItsTextbookState() throws {
        let p = 0.3
        func rho(_ prepare: [QuantumKit.Operation], _ channel: NoiseChannel) throws -> DensityMatrix {
            let rho = try DensityMatrix(qubits: 1)
            for op in prepare { rho.apply(try op.matrixGate()) }
            rho.apply(channel, to: 0)
            return rho
        }
        // depolarizing on |+>: (1-p)|+><+| + p I/2
        let dep = try rho([Operation(.h, [0])], .depolarizing(p))
        XCTAssertEqual(dep[0, 0].re, 0.5, accuracy: 1e-12)
        XCTAssertEqual(dep[0, 1].re, (1 - p) / 2, accuracy: 1e-12)
        // amplitude damping on |1>: γ|0><0| + (1-γ)|1><1|
        let damp = try rho([Operation(.x, [0])], .amplitudeDamping(p))
        XCTAssertEqual(damp[0, 0].re, p, accuracy: 1e-12)
        XCTAssertEqual(damp[1, 1].re, 1 - p, accuracy: 1e-12)
        // amplitude damping on |+>: coherence shrinks by sqrt(1-γ)
        let dampPlus = try rho([Operation(.h, [0])], .amplitudeDamping(p))
        XCTAssertEqual(dampPlus[0, 1].re, 0.5 * (1 - p).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(dampPlus[0, 0].re, 0.5 + 0.5 * p, accuracy: 1e-12)
        // bit flip on |0>
        let flip = try rho([], .bitFlip(p))
        XCTAssertEqual(flip[1, 1].re, p, accuracy: 1e-12)
        // phase flip on |+>: coherence (1-2p)/2, populations untouched
        let phase = try rho([Operation(.h, [0])], .phaseFlip(p))
        XCTAssertEqual(phase[0, 1].re, (1 - 2 * p) / 2, accuracy: 1e-12)
        XCTAssertEqual(phase[1, 1].re, 0.5, accuracy: 1e-12)
        for r in [dep, damp, dampPlus, flip, phase] { XCTAssertEqual(r.trace, 1, accuracy: 1e-12) }
    }

    func testFullDepolarizingLeavesTheMaximallyMixedState() throws {
        var c = Circuit(qubits: 3)
        for q in 0..<3 { c.append(Operation(.h, [q])) }
        let rho = try Simulator(noise: NoiseModel(channels: [.depolarizing(1)])).densityMatrix(c)
        XCTAssertEqual(rho.purity, 1.0 / 8, accuracy: 1e-12)
        for p in rho.probabilities() { XCTAssertEqual(p, 1.0 / 8, accuracy: 1e-12) }
    }

    func testNoiseActsAfterEveryGateOnEveryQubitItTouches() throws {
        // cx on |10>: controls get noise too; bit flip p on both qubits after one gate
        var c = Circuit(qubits: 2)
        c.append(Operation(.x, [1], controls: [0]))
        let p = 0.1
        let probabilities = try Simulator(noise: NoiseModel(channels: [.bitFlip(p)])).densityMatrix(c).probabilities()
        XCTAssertEqual(probabilities[0], (1 - p) * (1 - p), accuracy: 1e-12)
        XCTAssertEqual(probabilities[3], p * p, accuracy: 1e-12)
    }

    func testDensityExpectationMatchesTheStateVectorAndTheAnalyticNoisyValue() throws {
        var random = SeededRandom(seed: 8)
        let obs = Observable.pauli("Z", 0) * Observable.pauli("X", 1) + Complex(0.5) * Observable.pauli("Y", 2)
            + Complex(-0.25) * Observable.pauli("Y", 0) * Observable.pauli("Y", 1)
        for trial in 0..<20 {
            let c = randomCircuit(qubits: 3, gates: 12, &random)
            let exact = obs.expectation(try Simulator().finalState(c))
            XCTAssertEqual(try Simulator().densityMatrix(c).expectation(obs), exact, accuracy: 1e-10, "trial \(trial)")
        }
        var one = Circuit(qubits: 1)
        one.append(Operation(.x, [0]))
        let damped = try Simulator(noise: NoiseModel(channels: [.amplitudeDamping(0.2)])).densityMatrix(one)
        XCTAssertEqual(damped.expectation(Observable.pauli("Z", 0)), 2 * 0.2 - 1, accuracy: 1e-12)
    }

    func testTrajectoriesAgreeWithTheDensityMatrixOnRandomNoisyCircuits() throws {
        var random = SeededRandom(seed: 21)
        let noise = NoiseModel(channels: [.depolarizing(0.05), .amplitudeDamping(0.08), .phaseFlip(0.03)])
        for trial in 0..<3 {
            let c = randomCircuit(qubits: 3, gates: 10, &random)
            for engine in [Engine.statevector, .density] {
                try assertCountsFollowTheDensityMatrix(c, noise: noise, engine: engine, seed: UInt64(trial), "trial \(trial) \(engine)")
            }
        }
    }

    func testStabilizerWithPauliNoiseAgreesWithTheDensityMatrix() throws {
        let noise = NoiseModel(channels: [.depolarizing(0.1), .bitFlip(0.05)])
        var c = Circuit(qubits: 3)
        c.append(Operation(.h, [0]))
        c.append(Operation(.x, [1], controls: [0]))
        c.append(Operation(.s, [1]))
        c.append(Operation(.x, [2], controls: [1]))
        _ = c.addClbits("m", 3)
        for q in 0..<3 { c.append(.measure(qubit: q, clbit: q)) }
        XCTAssertEqual(try Simulator(noise: noise).engine(for: c), .stabilizer)
        let exact = try Simulator(noise: noise).densityMatrix(c).probabilities()
        let counts = try Simulator(seed: 4, noise: noise).run(c, shots: 20_000)
        XCTAssertLessThan(totalVariation(counts, exact), 0.02)
    }

    func testReadoutErrorFlipsMeasuredBitsOnEveryEngine() throws {
        var c = Circuit(qubits: 2)
        c.append(Operation(.x, [1]))
        _ = c.addClbits("m", 2)
        c.append(.measure(qubit: 0, clbit: 0))
        c.append(.measure(qubit: 1, clbit: 1))
        let noise = NoiseModel(readoutError: 0.1)
        let expected = [0.09, 0.01, 0.81, 0.09]  // clbit 1 reads 1 with 0.9, clbit 0 reads 0 with 0.9
        for engine in [Engine.statevector, .density, .stabilizer] {
            let counts = try Simulator(seed: 9, engine: engine, noise: noise).run(c, shots: 40_000)
            XCTAssertLessThan(totalVariation(counts, expected), 0.01, "\(engine)")
        }
    }

    func testMidCircuitMeasurementAndResetOnTheDensityMatrixMatchTheStateVector() throws {
        // h, measure into c0, reset, x if c0, measure into c1: c0 == c1, each half the time
        var c = Circuit(qubits: 2)
        _ = c.addClbits("m", 2)
        c.append(Operation(.h, [0]))
        c.append(.measure(qubit: 0, clbit: 0))
        c.append(.reset(0))
        c.append(.conditional(clbits: [0], value: 1, Operation(.x, [1])))
        c.append(.measure(qubit: 1, clbit: 1))
        let counts = try Simulator(seed: 2, engine: .density).run(c, shots: 4_000)
        XCTAssertEqual(Set(counts.counts.keys), [0, 3])
        XCTAssertEqual(Double(counts.counts[3]!) / 4_000, 0.5, accuracy: 0.04)
        var reset = Circuit(qubits: 1)
        reset.append(Operation(.h, [0]))
        reset.append(.reset(0))
        XCTAssertEqual(try Simulator(engine: .density).densityMatrix(reset)[0, 0].re, 1, accuracy: 1e-12)
    }

    func testEngineChoiceAndErrors() throws {
        var clifford = Circuit(qubits: 2)
        clifford.append(Operation(.h, [0]))
        var rotated = clifford
        rotated.append(Operation(.rx, [1], params: [Parameter(0.3)]))
        let damping = NoiseModel(channels: [.amplitudeDamping(0.1)])
        XCTAssertEqual(try Simulator(noise: damping).engine(for: clifford), .density)
        XCTAssertEqual(try Simulator(noise: NoiseModel(channels: [.depolarizing(0.1)])).engine(for: rotated), .density)
        XCTAssertEqual(try Simulator(noise: NoiseModel(readoutError: 0.1)).engine(for: rotated), .statevector)
        let wide = Circuit(qubits: DensityMatrix.autoLimit + 1)
        XCTAssertEqual(try Simulator(noise: damping).engine(for: wide), .statevector)
        XCTAssertThrowsError(try Simulator(engine: .stabilizer, noise: damping).engine(for: clifford)) {
            XCTAssertEqual(($0 as? SimulationError)?.code, "SIM032")
        }
        XCTAssertThrowsError(try NoiseModel(channels: [.bitFlip(1.5)]).validated()) {
            XCTAssertEqual(($0 as? SimulationError)?.code, "SIM040")
        }
        XCTAssertThrowsError(try DensityMatrix(qubits: 40)) {
            XCTAssertTrue(($0 as? SimulationError)?.message.contains("state vector of 80 qubits") ?? false)
        }
    }
}
