/// A weighted Pauli string: on each qubit I, X, Y or Z.
public struct PauliTerm: Equatable, Sendable {
    public var coefficient: Complex
    /// Qubit index -> "X", "Y" or "Z"; absent means I.
    public var paulis: [Int: Character]

    public init(coefficient: Complex = .one, paulis: [Int: Character] = [:]) {
        self.coefficient = coefficient
        self.paulis = paulis.filter { $0.value != "I" }
    }

    /// Qubits flipped (X or Y) and qubits with a sign (Z or Y).
    public var masks: (x: Int, z: Int, yCount: Int) {
        var x = 0, z = 0, y = 0
        for (q, p) in paulis {
            switch p {
            case "X": x |= 1 << q
            case "Z": z |= 1 << q
            case "Y": x |= 1 << q; z |= 1 << q; y += 1
            default: break
            }
        }
        return (x, z, y)
    }

    /// The term as c · X^x Z^z over bit masks, with the i of each Y = iXZ folded into c.
    public var xzForm: (x: Int, z: Int, coefficient: Complex) {
        let (x, z, y) = masks
        let phases: [Complex] = [.one, .i, Complex(-1), -.i]
        return (x, z, coefficient * phases[y % 4])
    }

    public var maxQubit: Int { paulis.keys.max() ?? -1 }

    /// The product of two Pauli strings, with the phase from each qubit's Pauli product.
    public static func * (a: PauliTerm, b: PauliTerm) -> PauliTerm {
        var result = a.paulis
        var phase = a.coefficient * b.coefficient
        for (q, pb) in b.paulis {
            guard let pa = result[q] else { result[q] = pb; continue }
            if pa == pb { result[q] = nil; continue }
            let table: [String: (Character, Complex)] = [
                "XY": ("Z", .i), "YX": ("Z", -.i), "YZ": ("X", .i), "ZY": ("X", -.i), "ZX": ("Y", .i), "XZ": ("Y", -.i),
            ]
            let (p, f) = table[String([pa, pb])]!
            result[q] = p
            phase = phase * f
        }
        return PauliTerm(coefficient: phase, paulis: result)
    }

    public var label: String {
        if paulis.isEmpty { return "I" }
        return paulis.keys.sorted().map { "\(paulis[$0]!)\($0)" }.joined(separator: " ")
    }
}

/// A sum of weighted Pauli strings: a Hamiltonian or other observable.
public struct Observable: Equatable, Sendable {
    public var terms: [PauliTerm]
    public init(_ terms: [PauliTerm]) { self.terms = terms }

    public static func pauli(_ p: Character, _ qubit: Int) -> Observable {
        Observable([PauliTerm(paulis: [qubit: p])])
    }

    /// From a string like "ZZI": the rightmost character acts on qubit 0.
    public static func pauliString(_ s: String, coefficient: Double = 1) throws -> Observable {
        var paulis: [Int: Character] = [:]
        for (i, ch) in s.uppercased().reversed().enumerated() {
            guard "IXYZ".contains(ch) else { throw SimulationError("SIM020", "'\(ch)' is not a Pauli; use I, X, Y or Z") }
            paulis[i] = ch
        }
        return Observable([PauliTerm(coefficient: Complex(coefficient), paulis: paulis)])
    }

    public static func + (a: Observable, b: Observable) -> Observable { Observable(a.terms + b.terms).simplified() }
    public static func * (a: Observable, b: Observable) -> Observable {
        var out: [PauliTerm] = []
        for x in a.terms { for y in b.terms { out.append(x * y) } }
        return Observable(out).simplified()
    }
    public static func * (k: Complex, a: Observable) -> Observable {
        Observable(a.terms.map { PauliTerm(coefficient: k * $0.coefficient, paulis: $0.paulis) })
    }

    /// Like terms merged, zero terms dropped, in first-appearance order.
    public func simplified() -> Observable {
        var order: [String] = []
        var merged: [String: PauliTerm] = [:]
        for t in terms {
            let key = t.label
            if var existing = merged[key] {
                existing.coefficient += t.coefficient
                merged[key] = existing
            } else {
                merged[key] = t
                order.append(key)
            }
        }
        return Observable(order.compactMap { merged[$0] }.filter { $0.coefficient.normSquared > 1e-30 })
    }

    public var qubitCount: Int { (terms.map { $0.maxQubit }.max() ?? -1) + 1 }

    /// <psi|O|psi>, every term in one blocked sweep over the state (see `PauliSweep`), without
    /// copying the state.
    public func expectation(_ state: StateVector) -> Double {
        var groups: [(x: Int, terms: [(z: Int, c: Complex)])] = []
        var position: [Int: Int] = [:]
        for t in terms {
            let (x, z, c) = t.xzForm
            if let k = position[x] { groups[k].terms.append((z, c)); continue }
            position[x] = groups.count
            groups.append((x, [(z, c)]))
        }
        let sweep = PauliSweep(qubits: state.qubitCount, groups: groups)
        switch state.storage {
        case .double(let a): return sweep.value(a, qubits: state.qubitCount)
        case .single(let a): return sweep.value(a, qubits: state.qubitCount)
        }
    }

    /// The dense 2^n x 2^n matrix, row-major (for checks against exact diagonalisation).
    public func matrix(qubits n: Int) -> [Complex] {
        let dim = 1 << n
        var m = [Complex](repeating: .zero, count: dim * dim)
        for t in terms {
            let (x, z, c) = t.xzForm
            for i in 0..<dim { m[(i ^ x) * dim + i] += (z & i).nonzeroBitCount & 1 == 0 ? c : -1 * c }
        }
        return m
    }

    /// O|ψ> as a new double-precision state, for a double-precision ψ (adjoint differentiation).
    public func applied(to state: StateVector) throws -> StateVector {
        let out = try StateVector(qubits: state.qubitCount)
        out[0] = .zero
        let a = out.amplitudes, psi = state.amplitudes
        for t in terms {
            let (x, z, c) = t.xzForm
            for i in 0..<state.dimension {
                let v = c * Complex(psi[2 * i], psi[2 * i + 1])
                let sign = (z & i).nonzeroBitCount & 1 == 0 ? 1.0 : -1.0
                a[2 * (i ^ x)] += sign * v.re
                a[2 * (i ^ x) + 1] += sign * v.im
            }
        }
        return out
    }
}
