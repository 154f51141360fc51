import XCTest
@testable import QuantumKit

final class GateTests: XCTestCase {
    /// Every gate on every ordered choice of targets among 4 qubits (so every kernel, qubit 0's
    /// lane kernels included), bare, with a control and with a negative control, equals the
    /// reference kernel; returns the number of cases.
    func checkEveryGateOnEveryTarget(_ precision: Precision, tolerance: Double) throws -> Int {
        var random = SeededRandom(seed: 1)
        let n = 4
        var cases = 0
        for kind in GateKind.allCases {
            let choices: [[Int]] = kind.qubitCount == 1 ? (0..<n).map { [$0] }
                : (0..<n).flatMap { a in (0..<n).filter { $0 != a }.map { [a, $0] } }
            for targets in choices {
                let others = (0..<n).filter { !targets.contains($0) }
                let controlOptions: [([Int], [Bool])] = [([], [])] + others.flatMap { [([$0], [true]), ([$0], [false])] }
                    + [(others, others.map { _ in true })]
                for (controls, states) in controlOptions {
                    let reference = try randomState(n, &random)
                    let fast = try StateVector(qubits: n, precision: precision)
                    for i in 0..<fast.dimension { fast[i] = reference[i] }
                    let params = (0..<kind.parameterCount).map { _ in Parameter(random.uniform() * 6 - 3) }
                    let op = Operation(kind, targets, params: params, controls: controls, controlStates: states)
                    try fast.apply(op)
                    let g = try op.matrixGate()
                    ReferenceKernels.apply(reference.amplitudes, qubits: n, matrix: g.matrix, targets: targets,
                                           cmask: g.controlMask, cval: g.controlValue)
                    assertStatesEqual(fast, reference, tolerance: tolerance, "\(precision): \(kind) on \(targets) controls \(controls) \(states)")
                    cases += 1
                }
            }
        }
        return cases
    }

    func testEveryGateOnEveryTargetMatchesTheReferenceKernel() throws {
        XCTAssertGreaterThan(try checkEveryGateOnEveryTarget(.double, tolerance: 1e-12), 900)
    }

    func testEveryGateOnEveryTargetInSinglePrecisionMatchesTheReferenceTo1e6() throws {
        XCTAssertGreaterThan(try checkEveryGateOnEveryTarget(.single, tolerance: 1e-6), 900)
    }

    /// Each gate shape goes to the kernel meant for it, so the cheap paths are really taken.
    func testKernelChoiceFollowsTheGateShape() throws {
        func choice(_ op: QuantumKit.Operation) throws -> String { "\(try op.matrixGate().kernel)".components(separatedBy: "(")[0] }
        XCTAssertEqual(try choice(Operation(.z, [3], controls: [5])), "scale")
        XCTAssertEqual(try choice(Operation(.x, [3], controls: [5])), "swap")
        XCTAssertEqual(try choice(Operation(.h, [3])), "dense1")
        XCTAssertEqual(try choice(Operation(.h, [0])), "dense1OnQubitZero")
        XCTAssertEqual(try choice(Operation(.x, [0])), "flipQubitZero")
        XCTAssertEqual(try choice(Operation(.rz, [4], params: [Parameter(0.3)])), "diagonal")
        XCTAssertEqual(try choice(Operation(.rzz, [2, 4], params: [Parameter(0.3)])), "diagonal")
        XCTAssertEqual(try choice(Operation(.rxx, [2, 4], params: [Parameter(0.3)])), "dense2")
        XCTAssertEqual(try choice(Operation(.rxx, [4, 0], params: [Parameter(0.3)])), "dense2OnQubitZero")
        XCTAssertEqual(try choice(Operation(.swap, [1, 4])), "swap")
        XCTAssertEqual(try choice(Operation(.id, [1])), "nothing")
        // a CZ written as a 4x4 matrix is recognised as a controlled phase touching a quarter
        let cz = try Operation(.z, [2], controls: [4]).matrixGate().expanded()
        XCTAssertEqual(cz.targets, [2, 4])
        XCTAssertEqual("\(cz.kernel)".components(separatedBy: "(")[0], "scale")
        XCTAssertEqual(cz.kernel.cost, 0.25, accuracy: 1e-12)
    }

    /// A controlled gate turned into a matrix on all its qubits acts exactly like the original.
    func testExpandedControlsActLikeControls() throws {
        var random = SeededRandom(seed: 5)
        for kind in GateKind.allCases where kind.qubitCount == 1 {
            let params = (0..<kind.parameterCount).map { _ in Parameter(random.uniform() * 4) }
            let op = Operation(kind, [2], params: params, controls: [0], controlStates: [false])
            let a = try randomState(3, &random), b = try a.copy()
            try a.apply(op)
            b.apply(try op.matrixGate().expanded())
            assertStatesEqual(a, b, tolerance: 1e-12, "\(kind)")
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
