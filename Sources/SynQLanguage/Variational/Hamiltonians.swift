import QuantumKit

/// Model Hamiltonians as Observables.
enum Hamiltonians {
    static func term(_ coefficient: Double, _ paulis: [Int: Character]) -> PauliTerm {
        PauliTerm(coefficient: Complex(coefficient), paulis: paulis)
    }

    /// Transverse-field Ising chain: −J Σ Z_i Z_{i+1} − h Σ X_i.
    static func ising(_ n: Int, j: Double, h: Double, periodic: Bool) -> Observable {
        let bonds = periodic && n > 2 ? n : n - 1
        let couplings = (0..<max(bonds, 0)).map { term(-j, [$0: "Z", ($0 + 1) % n: "Z"]) }
        return Observable(couplings + (0..<n).map { term(-h, [$0: "X"]) }).simplified()
    }

    /// Heisenberg chain: J Σ (X_i X_{i+1} + Y_i Y_{i+1} + Z_i Z_{i+1}).
    static func heisenberg(_ n: Int, j: Double, periodic: Bool) -> Observable {
        let bonds = periodic && n > 2 ? n : n - 1
        var terms: [PauliTerm] = []
        for i in 0..<max(bonds, 0) {
            for p: Character in ["X", "Y", "Z"] { terms.append(term(j, [i: p, (i + 1) % n: p])) }
        }
        return Observable(terms)
    }

    /// The cut size of a graph: Σ over edges of w (1 − Z_i Z_j) / 2, so <C> is the expected
    /// number (or weight) of edges a measured bitstring cuts.
    static func maxcut(_ edges: [(Int, Int, Double)]) -> Observable {
        var terms: [PauliTerm] = []
        for (i, j, w) in edges {
            terms.append(term(w / 2, [:]))
            terms.append(term(-w / 2, [i: "Z", j: "Z"]))
        }
        return Observable(terms).simplified()
    }

    /// H2 in STO-3G at 0.735 Å, parity mapping with two-qubit reduction (the published Qiskit
    /// coefficients). Electronic energy in Hartree; the nuclear repulsion is `h2NuclearRepulsion`.
    static let h2: Observable = Observable([
        term(-1.052373245772859, [:]),
        term(0.39793742484318045, [0: "Z"]),
        term(-0.39793742484318045, [1: "Z"]),
        term(-0.01128010425623538, [0: "Z", 1: "Z"]),
        term(0.18093119978423156, [0: "X", 1: "X"]),
    ])
    static let h2NuclearRepulsion = 0.7199689944489797
}
