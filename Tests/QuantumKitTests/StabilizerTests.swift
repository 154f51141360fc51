import XCTest
@testable import QuantumKit

final class StabilizerTests: XCTestCase {
    static let cliffordKinds: [GateKind] = [.x, .y, .z, .h, .s, .sdg, .sx, .sxdg, .swap]

    func randomCliffordCircuit(qubits n: Int, gates: Int, _ random: inout SeededRandom) -> Circuit {
        var c = Circuit(qubits: n)
        for _ in 0..<gates {
            var pool = Array(0..<n)
            pool.shuffle(using: &random)
            switch random.next() % 4 {
            case 0:
                c.append(Operation([.x, .y, .z].randomElement(using: &random)!, [pool[0]], controls: [pool[1]],
                                   controlStates: [random.uniform() < 0.7]))
            default:
                let kind = StabilizerTests.cliffordKinds.randomElement(using: &random)!
                c.append(Operation(kind, Array(pool.prefix(kind.qubitCount)), inverted: random.uniform() < 0.3))
            }
        }
        return c
    }

    /// A stabilizer state's outcomes are uniform over its support; the tableau's samples must
    /// land exactly on the support the state vector computes, and cover it.
    func testSamplesMatchTheStateVectorOn200RandomCliffordCircuits() throws {
        var random = SeededRandom(seed: 21)
        for trial in 0..<200 {
            let n = 2 + Int(random.next() % 6)
            let c = randomCliffordCircuit(qubits: n, gates: 30, &random)
            XCTAssertTrue(c.isClifford)
            let probabilities = try Simulator(engine: .statevector).finalState(c).probabilities()
            let support = Set(probabilities.indices.filter { probabilities[$0] > 1e-9 })
            for i in support { XCTAssertEqual(probabilities[i], 1 / Double(support.count), accuracy: 1e-9) }
            let counts = try Simulator(seed: UInt64(trial), engine: .stabilizer).run(c, shots: 4000)
            XCTAssertTrue(Set(counts.counts.keys).isSubset(of: support), "trial \(trial)")
            if support.count <= 16 { XCTAssertEqual(Set(counts.counts.keys), support, "trial \(trial)") }
        }
    }

    /// Pauli noise drawn on the tableau gives the distribution of the exact noisy density matrix.
    func testPauliNoiseOnTheTableauMatchesTheDensityMatrixOn8RandomCliffordCircuits() throws {
        var random = SeededRandom(seed: 31)
        let noise = NoiseModel(channels: [.depolarizing(0.06), .phaseFlip(0.04), .bitFlip(0.03)])
        for trial in 0..<8 {
            let c = randomCliffordCircuit(qubits: 4, gates: 12, &random)
            try assertCountsFollowTheDensityMatrix(c, noise: noise, engine: .stabilizer, seed: UInt64(trial), "trial \(trial)")
        }
    }

    func testSequentialMeasurementsAgreeWithTheStateVector() throws {
        var random = SeededRandom(seed: 5)
        for trial in 0..<60 {
            let n = 3
            var c = randomCliffordCircuit(qubits: n, gates: 15, &random)
            c.addClbits("c", n)
            c.append(.measure(qubit: 0, clbit: 0))
            c.append(Operation(.h, [1]))
            c.append(.conditional(clbits: [0], value: 1, Operation(.x, [2])))
            c.append(.measure(qubit: 1, clbit: 1))
            c.append(.reset(0))
            c.append(.measure(qubit: 2, clbit: 2))
            c.append(.measure(qubit: 0, clbit: 0))
            let tableau = try Simulator(seed: 1, engine: .stabilizer).run(c, shots: 2000)
            let vector = try Simulator(seed: 2, engine: .statevector).run(c, shots: 2000)
            for outcome in Set(tableau.counts.keys).union(vector.counts.keys) {
                let a = Double(tableau.counts[outcome] ?? 0) / 2000, b = Double(vector.counts[outcome] ?? 0) / 2000
                XCTAssertEqual(a, b, accuracy: 0.08, "trial \(trial) outcome \(outcome)")
            }
        }
    }

    func testAThousandQubitGHZState() throws {
        var c = Circuit(qubits: 1000)
        c.append(Operation(.h, [0]))
        for q in 1..<1000 { c.append(Operation(.x, [q], controls: [q - 1])) }
        XCTAssertEqual(try Simulator().engine(for: c), .stabilizer)
        let counts = try Simulator(seed: 9).run(c, shots: 2000)
        XCTAssertEqual(counts.bitCount, 1000)
        let zeros = String(repeating: "0", count: 1000), ones = String(repeating: "1", count: 1000)
        XCTAssertEqual(Set(counts.wideCounts.keys), [zeros, ones])
        XCTAssertEqual(counts.count(of: zeros) + counts.count(of: ones), 2000)
        XCTAssertEqual(Double(counts.count(of: ones)), 1000, accuracy: 5 * 22.4)
    }

    func testAutoChoosesTheStateVectorForNonCliffordCircuits() throws {
        var c = Circuit(qubits: 2)
        c.append(Operation(.t, [0]))
        XCTAssertEqual(try Simulator().engine(for: c), .statevector)
        XCTAssertThrowsError(try Simulator(engine: .stabilizer).run(c, shots: 10))
    }
}
