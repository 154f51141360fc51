import XCTest
@testable import QuantumKit

/// A random normalised state of n qubits.
func randomState(_ n: Int, _ random: inout SeededRandom) throws -> StateVector {
    let s = try StateVector(qubits: n)
    var norm = 0.0
    for i in 0..<s.dimension {
        let z = Complex(random.uniform() - 0.5, random.uniform() - 0.5)
        s[i] = z
        norm += z.normSquared
    }
    for i in 0..<s.dimension { s[i] = (1 / norm.squareRoot()) * s[i] }
    return s
}

func assertStatesEqual(_ a: StateVector, _ b: StateVector, tolerance: Double = 1e-10, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.dimension, b.dimension, file: file, line: line)
    var worst = 0.0
    for i in 0..<a.dimension { worst = max(worst, (a[i] - b[i]).magnitude) }
    XCTAssertLessThanOrEqual(worst, tolerance, message, file: file, line: line)
}

/// A random circuit over every gate kind, with random controls and modifiers.
func randomCircuit(qubits n: Int, gates: Int, _ random: inout SeededRandom, modifiers: Bool = true) -> Circuit {
    var c = Circuit(qubits: n)
    for _ in 0..<gates {
        let kinds = GateKind.allCases.filter { $0.qubitCount <= n }
        let kind = kinds[Int(random.next() % UInt64(kinds.count))]
        var pool = Array(0..<n)
        pool.shuffle(using: &random)
        let targets = Array(pool.prefix(kind.qubitCount))
        let free = pool.count - kind.qubitCount
        let controlCount = free > 0 && random.uniform() < 0.3 ? 1 + Int(random.next() % UInt64(min(free, 2))) : 0
        let controls = Array(pool.dropFirst(kind.qubitCount).prefix(controlCount))
        let params = (0..<kind.parameterCount).map { _ in Parameter((random.uniform() - 0.5) * 4 * .pi) }
        var op = Operation(kind, targets, params: params, controls: controls,
                           controlStates: controls.map { _ in !modifiers || random.uniform() < 0.7 })
        if modifiers && random.uniform() < 0.2 { op.inverted = true }
        c.append(op)
    }
    return c
}
