import XCTest
@testable import QuantumKit

final class PrecisionTests: XCTestCase {
    func testSinglePrecisionFinalStatesMatchTheReferenceOn100RandomCircuits() throws {
        var random = SeededRandom(seed: 17)
        for trial in 0..<100 {
            let c = randomCircuit(qubits: 2 + trial % 9, gates: 10 + trial % 50, &random)
            let single = try Simulator(precision: .single).finalState(c)
            assertStatesEqual(single, try referenceState(c), tolerance: 2e-6, "trial \(trial)")
        }
    }

    func testSinglePrecisionHalvesTheMemoryAndSaysSo() throws {
        let state = try StateVector(qubits: 10, precision: .single)
        XCTAssertEqual(state.bytes, 8 << 10)
        XCTAssertThrowsError(try StateVector(qubits: 50, precision: .single)) {
            XCTAssertTrue(($0 as? SimulationError)?.message.contains("8 PiB") ?? false, "\($0)")
        }
    }

    func testSinglePrecisionCountsAndExpectationsAgreeWithDouble() throws {
        var c = Circuit(qubits: 12)
        c.append(Operation(.h, [0]))
        for q in 1..<12 { c.append(Operation(.x, [q], controls: [q - 1])) }
        c.append(Operation(.ry, [5], params: [Parameter(0.4)]))
        let double = try Simulator(seed: 3, engine: .statevector).run(c, shots: 20_000)
        let single = try Simulator(seed: 3, engine: .statevector, precision: .single).run(c, shots: 20_000)
        XCTAssertEqual(Set(single.counts.keys), Set(double.counts.keys))
        for (outcome, n) in double.counts { XCTAssertEqual(Double(single.counts[outcome]!), Double(n), accuracy: 20) }
        let obs = Observable.pauli("Z", 5) * Observable.pauli("Z", 6) + Complex(0.5) * Observable.pauli("X", 0)
        XCTAssertEqual(obs.expectation(try Simulator(precision: .single).finalState(c)),
                       obs.expectation(try Simulator().finalState(c)), accuracy: 1e-6)
    }
}
