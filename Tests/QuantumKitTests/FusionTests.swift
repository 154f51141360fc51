import XCTest
@testable import QuantumKit

/// The state gate by gate with the reference kernel.
func referenceState(_ c: Circuit) throws -> StateVector {
    let s = try StateVector(qubits: c.qubitCount)
    for case .gate(let op) in c.instructions {
        let g = try op.matrixGate()
        ReferenceKernels.apply(s.amplitudes, qubits: c.qubitCount, matrix: g.matrix, targets: g.targets,
                               cmask: g.controlMask, cval: g.controlValue)
    }
    return s
}

final class FusionTests: XCTestCase {
    func testFusedRunsEqualGateByGateOn300RandomCircuits() throws {
        var random = SeededRandom(seed: 11)
        for trial in 0..<300 {
            let c = randomCircuit(qubits: 1 + trial % 7, gates: 5 + trial % 40, &random)
            assertStatesEqual(try Simulator().finalState(c), try referenceState(c), tolerance: 1e-10, "trial \(trial)")
        }
    }

    /// H, RY and CX fuse into real 4x4 blocks, which take the real kernels: on every ordered
    /// pair of 5 qubits (qubit 0's lane kernel included), with a control, in both precisions.
    func testRealFusedBlocksEqualGateByGateOnEveryPair() throws {
        for precision in [Precision.double, .single] {
            for a in 0..<5 {
                for b in 0..<5 where b != a {
                    for controlled in [false, true] {
                        var c = Circuit(qubits: 5)
                        for q in 0..<5 { c.append(Operation(.ry, [q], params: [Parameter(0.3 + 0.4 * Double(q))])) }
                        // a gate on every qubit ends the fusion run, so the blocks below act on a dense state
                        c.append(Operation(.x, [4], controls: [0, 1, 2, 3]))
                        c.append(Operation(.h, [a]))
                        c.append(Operation(.ry, [b], params: [Parameter(1.1)]))
                        c.append(Operation(.x, [b], controls: [a]))
                        c.append(Operation(.ry, [a], params: [Parameter(0.9)]))
                        c.append(Operation(.x, [a], controls: [b]))
                        c.append(Operation(.h, [b]))
                        if controlled, let other = (0..<5).first(where: { $0 != a && $0 != b }) {
                            c.append(Operation(.ry, [a], params: [Parameter(0.7)], controls: [other]))
                        }
                        let fused = try Simulator(precision: precision).finalState(c)
                        assertStatesEqual(fused, try referenceState(c), tolerance: precision == .double ? 1e-12 : 1e-6,
                                          "\(precision) pair \(a), \(b) controlled \(controlled)")
                    }
                }
            }
        }
    }

    func testFusionCutsPassesAndKeepsEveryGate() throws {
        // 20 layers of rotations and a CX brick on 8 qubits: every block is at most 2 qubits wide
        var c = Circuit(qubits: 8)
        var random = SeededRandom(seed: 3)
        for layer in 0..<20 {
            for q in 0..<8 { c.append(Operation([.rx, .ry, .rz][Int(random.next() % 3)], [q], params: [Parameter(random.uniform() * 6)])) }
            for q in stride(from: layer % 2, to: 7, by: 2) { c.append(Operation(.x, [q + 1], controls: [q])) }
        }
        let gates = try c.instructions.compactMap { inst -> MatrixGate? in
            if case .gate(let op) = inst { return try op.matrixGate() }
            return nil
        }
        let blocks = GateFusion.fuse(gates)
        XCTAssertLessThan(blocks.count, gates.count / 2, "\(blocks.count) blocks for \(gates.count) gates")
        XCTAssertTrue(blocks.allSatisfy { $0.gate.targets.count <= 2 })
        XCTAssertEqual(blocks.flatMap { $0.sources }.sorted(), Array(0..<gates.count))
        assertStatesEqual(try Simulator().finalState(c), try referenceState(c))
    }

    func testHadamardTwiceBecomesNothing() throws {
        let h = try Operation(.h, [2]).matrixGate()
        let blocks = GateFusion.fuse([h, h])
        XCTAssertEqual(blocks.count, 1)
        XCTAssertEqual("\(blocks[0].gate.kernel)", "nothing")
    }

    func testControlledPhasesStayCheapPhases() throws {
        // an H next to a CP does not turn the quarter-pass phase into a dense 4x4 block
        let gates = try [Operation(.h, [3]), Operation(.p, [5], params: [Parameter(0.4)], controls: [3])].map { try $0.matrixGate() }
        let cost = GateFusion.fuse(gates).reduce(0) { $0 + $1.gate.kernel.cost }
        XCTAssertLessThanOrEqual(cost, 1.25 + 1e-12)
    }

    func testFusionOffAppliesGateByGate() throws {
        let saved = GateFusion.enabled
        defer { GateFusion.enabled = saved }
        GateFusion.enabled = false
        let h = try Operation(.h, [0]).matrixGate()
        XCTAssertEqual(GateFusion.fuse([h, h, h]).count, 3)
    }
}
