/// A mixed state of n qubits: its 2^n x 2^n density matrix ρ, kept as a vector of 2n qubits
/// with ρ[i][j] at index i + j·2^n. A gate U becomes U on the low n bits and conj(U) on the
/// high n bits (ρ → UρU†); a one-qubit channel becomes its 4x4 superoperator on bits q and q+n.
/// Both are matrix gates, so the state-vector kernels and gate fusion do all the work.
public final class DensityMatrix {
    public let qubitCount: Int
    let storage: StateVector

    /// The largest register `auto` simulates this way (16 x 4^12 bytes = 256 MiB); bigger noisy
    /// runs take trajectories on the state vector.
    public static let autoLimit = 12

    /// |0...0><0...0|. Throws a clear error when 16 x 4^n bytes would not fit.
    public init(qubits: Int) throws {
        do {
            storage = try StateVector(qubits: 2 * qubits)
        } catch let e as SimulationError {
            throw SimulationError(e.code, "the density matrix of \(qubits) qubits is as large as a state vector of \(2 * qubits) qubits: \(e.message). Noise on the state vector (engine: \"statevector\") takes trajectories in 2^\(qubits) amplitudes instead")
        }
        qubitCount = qubits
    }

    private init(qubits: Int, storage: StateVector) {
        qubitCount = qubits
        self.storage = storage
    }

    public func copy() throws -> DensityMatrix { DensityMatrix(qubits: qubitCount, storage: try storage.copy()) }

    public var dimension: Int { 1 << qubitCount }

    public subscript(row: Int, column: Int) -> Complex { storage[row + (column << qubitCount)] }

    /// The two vector gates that make `gate` act as ρ → UρU†.
    func superoperator(_ gate: MatrixGate) -> [MatrixGate] {
        let n = qubitCount
        return [gate, MatrixGate(targets: gate.targets.map { $0 + n }, matrix: gate.matrix.map { $0.conjugate },
                                 controlMask: gate.controlMask << n, controlValue: gate.controlValue << n)]
    }

    /// The vector gate that makes Kraus operators act as ρ → Σ KρK† on `qubit`: Σ K ⊗ conj(K)
    /// on bits (qubit, qubit + n).
    func superoperator(kraus: [[Complex]], on qubit: Int) -> MatrixGate {
        var m = [Complex](repeating: .zero, count: 16)
        for k in kraus {
            for r in 0..<4 { for c in 0..<4 {
                m[r * 4 + c] += k[(r & 1) * 2 + (c & 1)] * k[(r >> 1) * 2 + (c >> 1)].conjugate
            } }
        }
        return MatrixGate(targets: [qubit, qubit + qubitCount], matrix: m)
    }

    public func apply(_ gate: MatrixGate) {
        for g in superoperator(gate) { storage.apply(g) }
    }

    public func apply(_ channel: NoiseChannel, to qubit: Int) {
        storage.apply(superoperator(kraus: channel.kraus, on: qubit))
    }

    /// Resets a qubit to |0> as a channel (|0><0| and |0><1|): no randomness needed.
    public func reset(_ qubit: Int) {
        storage.apply(superoperator(kraus: [[.one, .zero, .zero, .zero], [.zero, .one, .zero, .zero]], on: qubit))
    }

    /// The diagonal: the probability of each basis state.
    public func probabilities() -> [Double] { (0..<dimension).map { self[$0, $0].re } }

    public var trace: Double { probabilities().reduce(0, +) }

    /// Tr ρ²: 1 for a pure state, 1/2^n for the maximally mixed one.
    public var purity: Double { storage.norm }

    public func probabilityOfOne(_ qubit: Int) -> Double {
        (0..<dimension).reduce(0.0) { $1 & (1 << qubit) != 0 ? $0 + self[$1, $1].re : $0 }
    }

    /// Measures one qubit: draws the outcome, keeps the block where row and column agree with
    /// it, and renormalises.
    public func measure(_ qubit: Int, random: inout SeededRandom) -> Bool {
        let p1 = probabilityOfOne(qubit)
        let outcome = random.uniform() < p1
        let p = outcome ? p1 : 1 - p1
        let both = (1 << qubit) | (1 << (qubit + qubitCount))
        storage.project(mask: both, keep: outcome ? both : 0, scale: p > 0 ? 1 / p : 0)
        return outcome
    }

    /// Draws `shots` outcomes of `qubits` from the diagonal. Counts by outcome (bit j is qubits[j]).
    public func sample(_ qubits: [Int], shots: Int, random: inout SeededRandom) -> [Int: Int] {
        let p = probabilities()
        let byIndex = Sampling.draw(count: dimension, total: p.reduce(0, +), shots: shots, random: &random) { max(0, p[$0]) }
        return Sampling.outcomes(byIndex, of: qubits)
    }

    /// Tr(ρ O): for each Pauli string P (P|i> = c·(-1)^|i∧z|·|i⊕x>), Σ_i c·(-1)^|i∧z|·ρ[i][i⊕x].
    public func expectation(_ observable: Observable) -> Double {
        var total = 0.0
        for t in observable.terms {
            let (x, z, c) = t.xzForm
            var s = Complex.zero
            for i in 0..<dimension {
                let entry = self[i, i ^ x]
                s += (i & z).nonzeroBitCount & 1 == 0 ? entry : -entry
            }
            total += (c * s).re
        }
        return total
    }
}
