import XCTest
@testable import QuantumKit

final class PhaseGroupTests: XCTestCase {
    /// The QFT on n qubits: h, then controlled phases from every lower qubit, then swaps.
    func qft(_ n: Int, after prefix: Circuit) -> Circuit {
        var c = prefix
        for j in (0..<n).reversed() {
            c.append(Operation(.h, [j]))
            for k in (0..<j).reversed() { c.append(Operation(.p, [j], params: [Parameter(Double.pi / Double(1 << (j - k)))], controls: [k])) }
        }
        for j in 0..<(n / 2) { c.append(Operation(.swap, [j, n - 1 - j])) }
        return c
    }

    func testQFTWithGroupedPhasesEqualsTheReferenceUpTo14Qubits() throws {
        var random = SeededRandom(seed: 4)
        for n in 1...14 {
            let prefix = randomCircuit(qubits: n, gates: 3 * n, &random, modifiers: false)
            let c = qft(n, after: prefix)
            assertStatesEqual(try Simulator().finalState(c), try referenceState(c), tolerance: 1e-10, "n = \(n)")
        }
    }

    func testRunsOfControlledPhasesBecomeOneGroupWhateverSideTheSharedQubitIsOn() throws {
        var random = SeededRandom(seed: 8)
        for trial in 0..<40 {
            let n = 2 + trial % 12
            var c = randomCircuit(qubits: n, gates: 6, &random, modifiers: false)
            let shared = Int(random.next() % UInt64(n))
            for _ in 0..<(3 + trial % 9) {
                var other = Int(random.next() % UInt64(n - 1))
                if other >= shared { other += 1 }
                let (target, control) = random.uniform() < 0.5 ? (shared, other) : (other, shared)
                let kind: GateKind = random.uniform() < 0.2 ? .z : .p
                c.append(Operation(kind, [target], params: kind == .p ? [Parameter(random.uniform() * 6)] : [], controls: [control]))
            }
            c.append(Operation(.h, [shared]))
            assertStatesEqual(try Simulator().finalState(c), try referenceState(c), tolerance: 1e-10, "trial \(trial)")
        }
    }

    func testSplitGroupsOnlyRunsThatShareAQubit() throws {
        func cp(_ t: Int, _ c: Int) throws -> MatrixGate {
            try Operation(.p, [t], params: [Parameter(0.3)], controls: [c]).matrixGate()
        }
        let gates = [try cp(5, 0), try cp(5, 1), try cp(2, 5), try cp(5, 3), try cp(1, 2), try Operation(.h, [0]).matrixGate()]
        let parts = PhaseGroup.split(gates)
        XCTAssertEqual(parts.count, 2)
        guard case .group(let g) = parts[0], case .gates(let rest) = parts[1] else { return XCTFail("\(parts)") }
        XCTAssertEqual(g.shared, 5)
        XCTAssertEqual(g.low, 5)
        XCTAssertEqual(g.high.count, 0)
        XCTAssertEqual(rest.count, 2)
        let negated = try Operation(.p, [5], params: [Parameter(0.3)], controls: [0], controlStates: [false]).matrixGate()
        XCTAssertNil(PhaseGroup.controlledPhase(negated))
    }
}

final class CacheBlockingTests: XCTestCase {
    func testCacheBlockedRunsEqualTheReferenceAboveTheChunkSize() throws {
        var random = SeededRandom(seed: 21)
        for trial in 0..<6 {
            let n = CacheBlocking.qubits + 1 + trial % 3
            let c = randomCircuit(qubits: n, gates: 60, &random)
            assertStatesEqual(try Simulator().finalState(c), try referenceState(c), tolerance: 1e-10, "trial \(trial)")
        }
    }

    func testLowQubitKernelsAreGroupedAndHighOnesAreNot() throws {
        let gates = try [Operation(.h, [0]), Operation(.h, [5]), Operation(.x, [3], controls: [2]),
                         Operation(.h, [CacheBlocking.qubits]), Operation(.h, [1])].map { try $0.matrixGate().kernel }
        let grouped = CacheBlocking.group(gates)
        XCTAssertEqual(grouped.count, 3)
        guard case .cacheBlocked(let low) = grouped[0] else { return XCTFail("\(grouped)") }
        XCTAssertEqual(low.count, 3)
        XCTAssertEqual(grouped[1].highestQubit, CacheBlocking.qubits)
        XCTAssertEqual(grouped[2].highestQubit, 1)
    }
}
