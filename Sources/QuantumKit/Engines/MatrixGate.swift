/// A gate as the state-vector kernels see it: a unitary on one or two target qubits that acts
/// where the control bits hold their values. Operations, fused blocks and noise all become one.
public struct MatrixGate: Equatable, Sendable {
    /// Bit j of a matrix row or column index is targets[j].
    public var targets: [Int]
    /// Row-major, 2^k x 2^k for k targets.
    public var matrix: [Complex]
    public var controlMask: Int = 0
    public var controlValue: Int = 0

    public init(targets: [Int], matrix: [Complex], controlMask: Int = 0, controlValue: Int = 0) {
        self.targets = targets
        self.matrix = matrix
        self.controlMask = controlMask
        self.controlValue = controlValue
    }

    public var qubitMask: Int { targets.reduce(controlMask) { $0 | (1 << $1) } }

    /// The positions of the set bits of `mask`, ascending.
    static func bitPositions(_ mask: Int) -> [Int] { (0..<64).filter { mask & (1 << $0) != 0 } }

    /// The same gate with its controls turned into targets: a 2^(k+c) matrix, for fusion.
    public func expanded() -> MatrixGate {
        var qubits = targets
        var controlBits: [(Int, Bool)] = []
        for q in MatrixGate.bitPositions(controlMask) {
            qubits.append(q)
            controlBits.append((q, controlValue & (1 << q) != 0))
        }
        let k = targets.count, dim = 1 << qubits.count, small = 1 << k
        var m = [Complex](repeating: .zero, count: dim * dim)
        for r in 0..<dim {
            let fires = controlBits.indices.allSatisfy { j in ((r >> (k + j)) & 1 == 1) == controlBits[j].1 }
            for c in 0..<dim where c >> k == r >> k {
                if fires { m[r * dim + c] = matrix[(r & (small - 1)) * small + (c & (small - 1))] } else if r == c { m[r * dim + c] = .one }
            }
        }
        return MatrixGate(targets: qubits, matrix: m)
    }

    /// Whether the matrix only has entries on its diagonal.
    var isDiagonal: Bool {
        let dim = 1 << targets.count
        for r in 0..<dim { for c in 0..<dim where r != c && matrix[r * dim + c] != .zero { return false } }
        return true
    }

    /// For a 2-qubit matrix that is the identity while target `j` reads `value`, the 1-qubit gate
    /// it is on the other target, with `j` as one more control.
    func asControlled() -> MatrixGate? {
        guard targets.count == 2 else { return nil }
        for j in 0..<2 {
            for value in [1, 0] {
                let idle = value == 1 ? 0 : 1
                let other = 1 - j
                var fits = true
                var u = [Complex](repeating: .zero, count: 4)
                for r in 0..<4 { for c in 0..<4 {
                    let x = matrix[r * 4 + c]
                    let rj = (r >> j) & 1, cj = (c >> j) & 1
                    if rj != cj {
                        if x != .zero { fits = false }
                    } else if rj == idle {
                        if x != (r == c ? .one : .zero) { fits = false }
                    } else {
                        u[((r >> other) & 1) * 2 + ((c >> other) & 1)] = x
                    }
                } }
                if fits {
                    let bit = 1 << targets[j]
                    return MatrixGate(targets: [targets[other]], matrix: u, controlMask: controlMask | bit,
                                      controlValue: controlValue | (value == 1 ? bit : 0))
                }
            }
        }
        return nil
    }
}

/// Which kernel applies a matrix gate, with its arguments.
enum KernelChoice {
    case nothing
    /// Phases on subspaces: the diagonal entries that are not 1 (CZ touches a quarter).
    case scale([(Subspace, Complex)])
    /// A full diagonal pass, for diagonals with several non-1 entries and no controls.
    case diagonal(bit0: Int, bit1: Int, [Complex])
    /// A permutation of two subspaces (X, CX, SWAP, Toffoli).
    case swap(Subspace, Int, Int)
    case dense1(Subspace, bit: Int, [Complex])
    case dense2(Subspace, bit0: Int, bit1: Int, [Complex])
    /// Gates on qubit 0 work inside a lane; their subspaces leave bit 0 free.
    case phaseOnQubitZero([(Subspace, Complex, Complex)])
    case flipQubitZero(Subspace)
    case dense1OnQubitZero(Subspace, [Complex])
    case dense2OnQubitZero(Subspace, bit1: Int, [Complex])
    /// Controlled phases sharing a qubit, as one pass over its half of the state.
    case phaseGroup(PhaseGroup)
    /// Kernels on low qubits only, applied chunk by chunk (see `CacheBlocking`).
    case cacheBlocked([KernelChoice])

    /// Compute per amplitude touched relative to a dense 1-qubit pass (measured in
    /// benchmarks/simulator: the 4x4 product costs more than the memory it moves).
    static let dense2Factor = 1.3

    /// Estimated time as a multiple of one dense 1-qubit pass over the whole state: the share of
    /// amplitudes touched (counting whole 64-byte lines: fixed bits below position 2 save no
    /// traffic) times the compute per amplitude.
    var cost: Double {
        func share(_ space: Subspace, members: Int) -> Double {
            let lineFixed = space.positions.filter { $0 >= 2 }.count
            return min(1, Double(members) / Double(1 << lineFixed))
        }
        switch self {
        case .nothing: return 0
        case .scale(let parts): return parts.reduce(0) { $0 + share($1.0, members: 1) }
        case .phaseOnQubitZero(let parts): return parts.reduce(0) { $0 + share($1.0, members: 1) }
        case .diagonal: return 1
        case .swap(let space, _, _): return share(space, members: 2)
        case .flipQubitZero(let space): return share(space, members: 1)
        case .dense1(let space, _, _): return share(space, members: 2)
        case .dense1OnQubitZero(let space, _): return share(space, members: 1)
        case .dense2(let space, _, _, _): return share(space, members: 4) * KernelChoice.dense2Factor
        case .dense2OnQubitZero(let space, _, _): return share(space, members: 2) * KernelChoice.dense2Factor
        case .phaseGroup: return 0.5
        case .cacheBlocked(let kernels): return kernels.reduce(0) { $0 + $1.cost }
        }
    }
}

extension MatrixGate {
    /// The same 2-qubit gate with its targets ascending.
    var ascending: MatrixGate {
        guard targets.count == 2, targets[0] > targets[1] else { return self }
        let swapBits = [0, 2, 1, 3]
        var m = [Complex](repeating: .zero, count: 16)
        for r in 0..<4 { for c in 0..<4 { m[swapBits[r] * 4 + swapBits[c]] = matrix[r * 4 + c] } }
        return MatrixGate(targets: [targets[1], targets[0]], matrix: m, controlMask: controlMask, controlValue: controlValue)
    }

    /// The cheapest kernel for this matrix: nothing for the identity, phases on the subspaces it
    /// changes for a diagonal, a swap for a permutation, a controlled 1-qubit kernel for a 2-qubit
    /// matrix that is the identity on half its space, else a dense kernel.
    var kernel: KernelChoice {
        let m = matrix
        let controls = MatrixGate.bitPositions(controlMask)
        let cval = controlValue
        if targets.count == 1 { return oneQubitKernel(controls) }
        if let controlled = asControlled() { return controlled.kernel }
        let g = ascending
        let b0 = 1 << g.targets[0], b1 = 1 << g.targets[1]
        let d = [g.matrix[0], g.matrix[5], g.matrix[10], g.matrix[15]]
        let changed = (0..<4).filter { d[$0] != .one }
        if isDiagonal && controls.isEmpty && changed.count > 1 { return .diagonal(bit0: b0, bit1: b1, d) }
        if b0 == 1 {
            let space = Subspace(fixing: controls + [g.targets[1]], to: cval)
            if isDiagonal {
                return .phaseOnQubitZero([0, 1].filter { d[2 * $0] != .one || d[2 * $0 + 1] != .one }.map {
                    (Subspace(fixing: controls + [g.targets[1]], to: cval | ($0 == 1 ? b1 : 0)), d[2 * $0], d[2 * $0 + 1])
                })
            }
            return .dense2OnQubitZero(space, bit1: b1, g.matrix)
        }
        let fixed = controls + g.targets
        if isDiagonal {
            return .scale(changed.map {
                (Subspace(fixing: fixed, to: cval | ($0 & 1 != 0 ? b0 : 0) | ($0 & 2 != 0 ? b1 : 0)), d[$0])
            })
        }
        if m == GateKind.swap.matrix([]) { return .swap(Subspace(fixing: fixed, to: cval), b0, b1) }
        return .dense2(Subspace(fixing: fixed, to: cval), bit0: b0, bit1: b1, g.matrix)
    }

    private func oneQubitKernel(_ controls: [Int]) -> KernelChoice {
        let m = matrix
        let bit = 1 << targets[0]
        let cval = controlValue
        let fixed = controls + targets
        let diagonal = m[1] == .zero && m[2] == .zero
        let flip = m[0] == .zero && m[3] == .zero && m[1] == .one && m[2] == .one
        if diagonal && m[0] == .one && m[3] == .one { return .nothing }
        if diagonal && controls.isEmpty && m[0] != .one && m[3] != .one { return .diagonal(bit0: bit, bit1: 0, [m[0], m[3]]) }
        if bit == 1 {
            let space = Subspace(fixing: controls, to: cval)
            if diagonal { return .phaseOnQubitZero([(space, m[0], m[3])]) }
            return flip ? .flipQubitZero(space) : .dense1OnQubitZero(space, m)
        }
        if diagonal {
            var parts: [(Subspace, Complex)] = []
            if m[0] != .one { parts.append((Subspace(fixing: fixed, to: cval), m[0])) }
            if m[3] != .one { parts.append((Subspace(fixing: fixed, to: cval | bit), m[3])) }
            return .scale(parts)
        }
        if flip { return .swap(Subspace(fixing: fixed, to: cval), 0, bit) }
        return .dense1(Subspace(fixing: fixed, to: cval), bit: bit, m)
    }
}

extension Operation {
    /// The matrix form with parameters bound, inverse and power applied, controls as a mask.
    public func matrixGate(_ bindings: [String: Double] = [:]) throws -> MatrixGate {
        var mask = 0, value = 0
        for (q, on) in zip(controls, controlStates) {
            mask |= 1 << q
            if on { value |= 1 << q }
        }
        return MatrixGate(targets: targets, matrix: try matrix(bindings), controlMask: mask, controlValue: value)
    }
}
