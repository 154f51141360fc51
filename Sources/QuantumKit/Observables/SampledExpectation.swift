/// Expectation values estimated from measurement samples, as hardware would give them:
/// each Pauli term is measured in its own basis.
public enum SampledExpectation {
    public static func estimate(_ circuit: Circuit, _ observable: Observable, shots: Int, seed: UInt64?,
                                cancellation: CancellationFlag?, bindings: [String: Double] = [:]) throws -> Double {
        let simulator = Simulator(seed: seed, cancellation: cancellation)
        let state = try simulator.finalState(circuit, bindings: bindings)
        var random = seed.map { SeededRandom(seed: $0 &+ 1) } ?? .fromEntropy()
        var total = 0.0
        for term in observable.terms {
            let qubits = term.paulis.keys.sorted()
            if qubits.isEmpty { total += term.coefficient.re; continue }
            let rotated = try state.copy()
            for q in qubits {
                switch term.paulis[q]! {
                case "X": try rotated.apply(Operation(.h, [q]))
                case "Y":
                    try rotated.apply(Operation(.sdg, [q]))
                    try rotated.apply(Operation(.h, [q]))
                default: break
                }
            }
            let counts = rotated.sample(qubits, shots: shots, random: &random)
            var sum = 0
            for (outcome, n) in counts { sum += outcome.nonzeroBitCount % 2 == 0 ? n : -n }
            total += term.coefficient.re * Double(sum) / Double(shots)
        }
        return total
    }
}
