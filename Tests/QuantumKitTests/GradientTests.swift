import XCTest
@testable import QuantumKit

final class GradientTests: XCTestCase {
    /// A random circuit whose angles are linear in a few shared symbols, with controls, inverses
    /// and integer or (on rotations) fractional powers; `u` only to the powers ±1, which have a
    /// shift rule.
    func parameterisedCircuit(qubits n: Int, gates: Int, symbols: Int, _ random: inout SeededRandom) -> Circuit {
        var c = randomCircuit(qubits: n, gates: gates, &random)
        for i in c.instructions.indices {
            guard case .gate(var op) = c.instructions[i] else { continue }
            for k in op.params.indices {
                let symbol = "t\(Int(random.next() % UInt64(symbols)))"
                op.params[k] = Parameter(symbol: symbol, coefficient: [1, -1, 2, 0.5][Int(random.next() % 4)], constant: random.uniform())
            }
            let powers: [Double] = op.kind.isPauliRotation || op.kind == .p ? [1, 1, 2, -1, 0.5] : op.kind == .u ? [1, 1, -1] : [1, 1, 2, -1]
            op.power = powers[Int(random.next() % UInt64(powers.count))]
            c.instructions[i] = .gate(op)
        }
        return c
    }

    func randomObservable(qubits n: Int, terms: Int, _ random: inout SeededRandom) throws -> Observable {
        var o = Observable([])
        for _ in 0..<terms {
            let letters = (0..<n).map { _ in ["I", "X", "Y", "Z"][Int(random.next() % 4)] }.joined()
            o = o + (try Observable.pauliString(letters, coefficient: random.uniform() * 2 - 1))
        }
        return o
    }

    func exactExpectation(_ c: Circuit, _ o: Observable, _ bindings: [String: Double]) throws -> Double {
        o.expectation(try Simulator().finalState(c, bindings: bindings))
    }

    func testAdjointGradientMatchesFiniteDifferencesAndParameterShiftOnFiftyCircuits() throws {
        var random = SeededRandom(seed: 71)
        var worstDifference = 0.0, worstShift = 0.0
        for trial in 0..<50 {
            let n = 1 + trial % 4
            let c = parameterisedCircuit(qubits: n, gates: 12, symbols: 5, &random)
            let o = try randomObservable(qubits: n, terms: 3, &random)
            var bindings: [String: Double] = [:]
            for name in c.parameterNames { bindings[name] = (random.uniform() - 0.5) * 2 * .pi }
            XCTAssertTrue(AdjointDifferentiation.supports(c))
            let adjoint = try AdjointDifferentiation.gradient(c, o, bindings: bindings)
            XCTAssertEqual(adjoint.value, try exactExpectation(c, o, bindings), accuracy: 1e-10)
            let shift = try ParameterShift.gradient(c, bindings: bindings) { try exactExpectation($0, o, bindings) }
            XCTAssertTrue(shift.finiteDifferenceGates.isEmpty)
            for name in c.parameterNames {
                let h = 1e-5
                var plus = bindings, minus = bindings
                plus[name]! += h
                minus[name]! -= h
                let central = (try exactExpectation(c, o, plus) - exactExpectation(c, o, minus)) / (2 * h)
                worstDifference = max(worstDifference, abs(adjoint.partials[name]! - central))
                worstShift = max(worstShift, abs(adjoint.partials[name]! - shift.partials[name]!))
            }
        }
        XCTAssertLessThan(worstDifference, 1e-6)
        XCTAssertLessThan(worstShift, 1e-9)
    }

    func testAdjointOfRyOnZIsMinusSine() throws {
        var c = Circuit(qubits: 1)
        c.append(Operation(.ry, [0], params: [Parameter(symbol: "a", coefficient: 2)]))
        let g = try AdjointDifferentiation.gradient(c, Observable.pauli("Z", 0), bindings: ["a": 0.3])
        XCTAssertEqual(g.value, cos(0.6), accuracy: 1e-12)
        XCTAssertEqual(g.partials["a"]!, -2 * sin(0.6), accuracy: 1e-12)
    }

    func testParameterShiftOnNoisyDensityMatrixMatchesFiniteDifferences() throws {
        var random = SeededRandom(seed: 5)
        let noise = NoiseModel(channels: [.depolarizing(0.05), .amplitudeDamping(0.1)])
        let simulator = Simulator(noise: noise)
        for _ in 0..<5 {
            let c = parameterisedCircuit(qubits: 3, gates: 8, symbols: 3, &random)
            let o = try randomObservable(qubits: 3, terms: 3, &random)
            var bindings: [String: Double] = [:]
            for name in c.parameterNames { bindings[name] = random.uniform() * 2 }
            func noisy(_ circuit: Circuit, _ b: [String: Double]) throws -> Double {
                try simulator.densityMatrix(circuit, bindings: b).expectation(o)
            }
            let shift = try ParameterShift.gradient(c, bindings: bindings) { try noisy($0, bindings) }
            XCTAssertEqual(shift.value, try noisy(c, bindings), accuracy: 1e-12)
            for name in c.parameterNames {
                var plus = bindings, minus = bindings
                plus[name]! += 1e-5
                minus[name]! -= 1e-5
                XCTAssertEqual(shift.partials[name]!, (try noisy(c, plus) - noisy(c, minus)) / 2e-5, accuracy: 1e-6)
            }
        }
    }

    func testFractionalPowerOfUFallsBackToFiniteDifferencesAndSaysSo() throws {
        var c = Circuit(qubits: 1)
        c.append(Operation(.u, [0], params: [Parameter(symbol: "a"), Parameter(0.2), Parameter(0.4)], power: 0.5))
        XCTAssertFalse(AdjointDifferentiation.supports(c))
        XCTAssertThrowsError(try AdjointDifferentiation.gradient(c, Observable.pauli("Z", 0), bindings: ["a": 1]))
        let o = Observable.pauli("X", 0)
        let g = try ParameterShift.gradient(c, bindings: ["a": 1]) { try exactExpectation($0, o, ["a": 1]) }
        XCTAssertEqual(g.finiteDifferenceGates, ["u"])
        let central = (try exactExpectation(c, o, ["a": 1 + 1e-5]) - exactExpectation(c, o, ["a": 1 - 1e-5])) / 2e-5
        XCTAssertEqual(g.partials["a"]!, central, accuracy: 1e-6)
    }

    func testObservableAppliedToStateGivesItsExpectation() throws {
        var random = SeededRandom(seed: 9)
        let psi = try randomState(4, &random)
        let o = try randomObservable(qubits: 4, terms: 6, &random)
        XCTAssertEqual(psi.innerProduct(try o.applied(to: psi)).re, o.expectation(psi), accuracy: 1e-12)
        XCTAssertEqual(psi.innerProduct(try o.applied(to: psi)).im, 0, accuracy: 1e-12)
    }
}

extension GradientTests {
    func testAdjointOnTwoThreadsAboveTheParallelThresholdMatchesParameterShift() throws {
        let saved = ParallelFor.threads
        ParallelFor.threads = 2
        defer { ParallelFor.threads = saved }
        var random = SeededRandom(seed: 15)
        let c = parameterisedCircuit(qubits: 15, gates: 10, symbols: 4, &random)
        let o = try randomObservable(qubits: 15, terms: 2, &random) + Observable.pauli("Z", 14)
        var bindings: [String: Double] = [:]
        for name in c.parameterNames { bindings[name] = random.uniform() * 3 }
        let adjoint = try AdjointDifferentiation.gradient(c, o, bindings: bindings)
        let shift = try ParameterShift.gradient(c, bindings: bindings) { try exactExpectation($0, o, bindings) }
        XCTAssertFalse(c.parameterNames.isEmpty)
        for name in c.parameterNames { XCTAssertEqual(adjoint.partials[name]!, shift.partials[name]!, accuracy: 1e-9, name) }
    }
}
