import XCTest
@testable import QuantumKit

final class GateTests: XCTestCase {
    /// Every gate, with and without controls, through the fast kernels equals the reference kernel.
    func testEveryGateMatchesTheReferenceKernel() throws {
        var random = SeededRandom(seed: 1)
        for kind in GateKind.allCases {
            for controlled in [false, true] {
                for trial in 0..<4 {
                    let n = 5
                    let fast = try randomState(n, &random)
                    let reference = try fast.copy()
                    var qubits = Array(0..<n)
                    qubits.shuffle(using: &random)
                    let targets = Array(qubits.prefix(kind.qubitCount))
                    let controls = controlled ? [qubits[kind.qubitCount]] : []
                    let params = (0..<kind.parameterCount).map { _ in Parameter(random.uniform() * 6 - 3) }
                    let op = Operation(kind, targets, params: params, controls: controls)
                    try fast.apply(op)
                    let m = try op.matrix()
                    let cmask = controls.reduce(0) { $0 | (1 << $1) }
                    ReferenceKernels.apply(reference.amplitudes, qubits: n, matrix: m, targets: targets, cmask: cmask, cval: cmask)
                    assertStatesEqual(fast, reference, "\(kind) controlled=\(controlled) trial \(trial)")
                }
            }
        }
    }

    func testMatricesAreUnitary() throws {
        for kind in GateKind.allCases {
            let m = kind.matrix([0.37, -1.2, 2.1].prefix(kind.parameterCount).map { $0 })
            let dim = 1 << kind.qubitCount
            let product = multiply(m, dagger(m, dim), dim)
            for r in 0..<dim { for c in 0..<dim {
                XCTAssertTrue(product[r * dim + c].isClose(r == c ? .one : .zero, tolerance: 1e-12), "\(kind)")
            } }
        }
    }

    func testKnownGateActions() throws {
        let s = try StateVector(qubits: 2)
        try s.apply(Operation(.h, [0]))
        try s.apply(Operation(.x, [1], controls: [0]))
        XCTAssertEqual(s[0].re, 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s[3].re, 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s[1].magnitude, 0, accuracy: 1e-12)
        let t = try StateVector(qubits: 1)
        try t.apply(Operation(.x, [0]))
        try t.apply(Operation(.s, [0]))
        XCTAssertTrue(t[1].isClose(.i))
    }

    func testNegativeControlFiresOnZero() throws {
        let s = try StateVector(qubits: 2)
        try s.apply(Operation(.x, [1], controls: [0], controlStates: [false]))
        XCTAssertTrue(s[2].isClose(.one))
    }

    func testInverseUndoesEveryGate() throws {
        var random = SeededRandom(seed: 2)
        for kind in GateKind.allCases {
            let s = try randomState(3, &random)
            let before = try s.copy()
            let params = (0..<kind.parameterCount).map { _ in Parameter(random.uniform() * 5) }
            let targets = Array([2, 0].prefix(kind.qubitCount))
            try s.apply(Operation(kind, targets, params: params))
            try s.apply(Operation(kind, targets, params: params, inverted: true))
            assertStatesEqual(s, before, "\(kind)")
        }
    }

    func testPowerModifier() throws {
        let sqrtX = try Operation(.x, [0], power: 0.5).matrix()
        let sx = GateKind.sx.matrix([])
        for i in 0..<4 { XCTAssertTrue(sqrtX[i].isClose(sx[i], tolerance: 1e-12)) }
        let tSquared = try Operation(.t, [0], power: 2).matrix()
        let sMatrix = GateKind.s.matrix([])
        for i in 0..<4 { XCTAssertTrue(tSquared[i].isClose(sMatrix[i], tolerance: 1e-12)) }
        let rxThird = try Operation(.rx, [0], params: [Parameter(0.9)], power: 1.0 / 3).matrix()
        let rx = GateKind.rx.matrix([0.3])
        for i in 0..<4 { XCTAssertTrue(rxThird[i].isClose(rx[i], tolerance: 1e-12)) }
        XCTAssertThrowsError(try Operation(.swap, [0, 1], power: 0.5).matrix())
    }

    func testParallelKernelsAgreeWithOneThread() throws {
        var random = SeededRandom(seed: 3)
        let circuit = randomCircuit(qubits: 16, gates: 40, &random)
        let saved = ParallelFor.threads
        defer { ParallelFor.threads = saved }
        ParallelFor.threads = 1
        let single = try Simulator().finalState(circuit)
        ParallelFor.threads = 2
        let parallel = try Simulator().finalState(circuit)
        assertStatesEqual(single, parallel, tolerance: 1e-12)
    }
}
