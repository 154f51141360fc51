/// A run of controlled phases that share one qubit (the QFT's `cp(θ_k) q[k], q[t]` for every k
/// below t) applied as one diagonal pass over the half of the state where the shared qubit is 1,
/// instead of one quarter pass per gate. The phase of amplitude i is Π_k e^{iθ_k} over the
/// partner bits k set in i. Bits below `low` come from a table indexed by i's low bits; the
/// others are constant over each aligned block of 2^low amplitudes and multiply in once per
/// block.
struct PhaseGroup {
    /// The qubit every gate of the group touches; `low` is at most its position, so a block
    /// lies wholly inside or outside the half where it is 1.
    let shared: Int
    let low: Int
    /// Phase by the low bits of an index (partners below `low`).
    let lowTable: [Complex]
    /// Partner bits at or above `low`, with their phases.
    let high: [(bit: Int, phase: Complex)]

    /// Fewest gates worth a group: below this the quarter passes cost less than a half pass.
    static let minimumSize = 3
    static let maximumLow = 10

    /// The (shared, partner, phase) of a two-qubit controlled phase, if the gate is one.
    static func controlledPhase(_ g: MatrixGate) -> (Int, Int, Complex)? {
        guard g.targets.count == 1, g.controlMask.nonzeroBitCount == 1, g.controlValue == g.controlMask,
              g.matrix[0] == .one, g.matrix[1] == .zero, g.matrix[2] == .zero else { return nil }
        return (g.targets[0], g.controlMask.trailingZeroBitCount, g.matrix[3])
    }

    /// The group for gates that all share a qubit, or nil when they do not.
    init?(_ gates: [MatrixGate]) {
        let pairs = gates.compactMap(PhaseGroup.controlledPhase)
        guard pairs.count == gates.count, let first = pairs.first else { return nil }
        // the phase on |11> is symmetric: either qubit of the first gate may be the shared one
        guard let shared = [first.0, first.1].first(where: { q in pairs.allSatisfy { $0.0 == q || $0.1 == q } }) else { return nil }
        let partners = pairs.map { (bit: $0.0 == shared ? $0.1 : $0.0, phase: $0.2) }
        let lowBits = min(PhaseGroup.maximumLow, shared)
        var table = [Complex](repeating: .one, count: 1 << lowBits)
        for (bit, phase) in partners where bit < lowBits {
            for j in table.indices where j & (1 << bit) != 0 { table[j] = table[j] * phase }
        }
        self.shared = shared
        low = lowBits
        lowTable = table
        high = partners.filter { $0.bit >= lowBits }.map { (1 << $0.bit, $0.phase) }
    }

    /// Splits a run of gates into plain gates and groups of consecutive controlled phases that
    /// share a qubit, in order.
    static func split(_ gates: [MatrixGate]) -> [Part] {
        var out: [Part] = []
        var plain: [MatrixGate] = []
        var i = 0
        while i < gates.count {
            var end = i
            if let first = controlledPhase(gates[i]) {
                let candidates = [first.0, first.1]
                var best = i
                for shared in candidates {
                    var j = i
                    while j < gates.count, let p = controlledPhase(gates[j]), p.0 == shared || p.1 == shared { j += 1 }
                    best = max(best, j)
                }
                end = best
            }
            if end - i >= minimumSize, let group = PhaseGroup(Array(gates[i..<end])) {
                if !plain.isEmpty { out.append(.gates(plain)); plain = [] }
                out.append(.group(group))
                i = end
            } else {
                plain.append(gates[i])
                i += 1
            }
        }
        if !plain.isEmpty { out.append(.gates(plain)) }
        return out
    }

    enum Part {
        case gates([MatrixGate])
        case group(PhaseGroup)
    }
}

extension StateVectorKernels {
    func phaseGroup(_ g: PhaseGroup) {
        let lanes = self.lanes
        let blockSize = 1 << g.low
        let sharedBit = 1 << g.shared
        let pairs = g.low == 0 ? [] : (0..<(blockSize / 2)).map { Scalar(g.lowTable[2 * $0], g.lowTable[2 * $0 + 1]) }
        ParallelFor.run(1 << (n - g.low), itemSize: blockSize) { first, end in
            for block in first..<end {
                let base = block << g.low
                if base & sharedBit == 0 { continue }
                var phase = Complex.one
                for (bit, p) in g.high where base & bit != 0 { phase = phase * p }
                if g.low == 0 {
                    store(phase * load(2 * base), 2 * base)
                    continue
                }
                let blockPhase = Scalar(phase)
                let k0 = base >> 1
                for (j, pair) in pairs.enumerated() {
                    let v = lanes[k0 + j]
                    let w = pair.times(v, swapped: StateVectorKernels.swapPairs(v))
                    lanes[k0 + j] = blockPhase.times(w, swapped: StateVectorKernels.swapPairs(w))
                }
            }
        }
    }
}
