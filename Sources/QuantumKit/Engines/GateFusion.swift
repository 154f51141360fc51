import Glibc

/// Gate fusion: a run of gates becomes fewer passes over the state. One-qubit gates multiply into
/// one matrix per qubit, then into the neighbouring two-qubit gate; consecutive gates on the same
/// pair multiply into one 4x4; leftover one-qubit matrices pair up into 4x4 blocks. Each merge is
/// kept only when the kernel cost model (`KernelChoice.cost`) says it is no slower, so a CZ stays
/// a quarter-pass phase instead of growing into a dense block. Gates on three or more qubits pass
/// through. A block that comes out as the identity (H twice) costs nothing: its kernel is none.
public struct FusedGate: Sendable {
    public var gate: MatrixGate
    /// Indices of the input gates this block applies.
    public var sources: [Int]
}

public enum GateFusion {
    /// Fusion on or off (`%config fusion=off`, SYNQ_FUSION=off): off applies gate by gate.
    nonisolated(unsafe) public static var enabled: Bool = {
        guard let text = getenv("SYNQ_FUSION") else { return true }
        return String(cString: text) != "off"
    }()

    /// Blocks equal to the gates in order, up to rounding (entries within 1e-15 of 0 or 1 snap).
    public static func fuse(_ gates: [MatrixGate]) -> [FusedGate] {
        guard enabled else { return gates.enumerated().map { FusedGate(gate: $0.element, sources: [$0.offset]) } }
        var fuser = Fuser()
        for (i, g) in gates.enumerated() { fuser.add(g, source: i) }
        return fuser.finish()
    }
}

/// The fusion pass's working state.
private struct Fuser {
    var out: [FusedGate?] = []
    /// The product of one-qubit gates per qubit not yet placed.
    var pending: [Int: (matrix: [Complex], sources: [Int])] = [:]
    /// The block in `out` that last touched each qubit.
    var last: [Int: Int] = [:]

    mutating func add(_ gate: MatrixGate, source: Int) {
        let width = gate.targets.count + gate.controlMask.nonzeroBitCount
        if width > 2 {
            for q in MatrixGate.bitPositions(gate.qubitMask) { place(q) }
            emit(FusedGate(gate: gate, sources: [source]))
            return
        }
        let g = gate.controlMask == 0 ? gate : gate.expanded()
        if g.targets.count == 1 {
            let q = g.targets[0]
            let before = pending[q] ?? (identity(2), [])
            pending[q] = (multiply(g.matrix, before.matrix, 2), before.sources + [source])
            return
        }
        var block = FusedGate(gate: g.ascending, sources: [source])
        let (lo, hi) = (block.gate.targets[0], block.gate.targets[1])
        for q in [lo, hi] {
            guard let p = pending[q] else { continue }
            let absorbed = MatrixGate(targets: [lo, hi], matrix: multiply(block.gate.matrix, Fuser.lift(p.matrix, q == lo), 4))
            if cost(absorbed) <= cost(block.gate) + cost(MatrixGate(targets: [q], matrix: p.matrix)) {
                block.gate = absorbed
                block.sources = p.sources + block.sources
                pending[q] = nil
            } else {
                place(q)
            }
        }
        if let i = last[lo], i == last[hi], let previous = out[i], previous.gate.controlMask == 0, previous.gate.targets == [lo, hi] {
            let merged = MatrixGate(targets: [lo, hi], matrix: multiply(block.gate.matrix, previous.gate.matrix, 4))
            if cost(merged) <= cost(previous.gate) + cost(block.gate) {
                out[i] = FusedGate(gate: merged, sources: previous.sources + block.sources)
                return
            }
        }
        emit(block)
    }

    mutating func finish() -> [FusedGate] {
        var loose: [Int] = []
        for q in pending.keys.sorted() where !absorbIntoLast(q) { loose.append(q) }
        var i = 0
        while i < loose.count {
            let q = loose[i]
            let p = pending[q]!
            let alone = MatrixGate(targets: [q], matrix: p.matrix)
            if i + 1 < loose.count {
                let r = loose[i + 1], pr = pending[r]!
                let pair = MatrixGate(targets: [q, r], matrix: multiply(Fuser.lift(pr.matrix, false), Fuser.lift(p.matrix, true), 4))
                if cost(pair) < cost(alone) + cost(MatrixGate(targets: [r], matrix: pr.matrix)) {
                    emit(FusedGate(gate: pair, sources: p.sources + pr.sources))
                    i += 2
                    continue
                }
            }
            emit(FusedGate(gate: alone, sources: p.sources))
            i += 1
        }
        pending = [:]
        return out.compactMap { $0 }.map { Fuser.snapped($0) }
    }

    // MARK: helpers

    /// Puts the pending one-qubit product on `q` into the last block on q, or out on its own.
    mutating func place(_ q: Int) {
        guard let p = pending[q] else { return }
        if !absorbIntoLast(q) { emit(FusedGate(gate: MatrixGate(targets: [q], matrix: p.matrix), sources: p.sources)) }
        pending[q] = nil
    }

    /// Multiplies the pending product on `q` into the block that last touched q when that costs
    /// nothing extra; nothing later touches q, so the order is kept.
    mutating func absorbIntoLast(_ q: Int) -> Bool {
        guard let p = pending[q], let i = last[q], let block = out[i], block.gate.controlMask == 0,
              block.gate.targets.count == 2 else { return false }
        let (lo, hi) = (block.gate.targets[0], block.gate.targets[1])
        let merged = MatrixGate(targets: [lo, hi], matrix: multiply(Fuser.lift(p.matrix, q == lo), block.gate.matrix, 4))
        guard cost(merged) <= cost(block.gate) + cost(MatrixGate(targets: [q], matrix: p.matrix)) else { return false }
        out[i] = FusedGate(gate: merged, sources: block.sources + p.sources)
        pending[q] = nil
        return true
    }

    mutating func emit(_ block: FusedGate) {
        out.append(block)
        for q in MatrixGate.bitPositions(block.gate.qubitMask) { last[q] = out.count - 1 }
    }

    func cost(_ gate: MatrixGate) -> Double { Fuser.snapped(FusedGate(gate: gate, sources: [])).gate.kernel.cost }

    /// A 1-qubit matrix as a 4x4 on a pair: on the low qubit (bit 0) or the high one (bit 1).
    static func lift(_ u: [Complex], _ onLow: Bool) -> [Complex] {
        var m = [Complex](repeating: .zero, count: 16)
        for r in 0..<4 { for c in 0..<4 {
            if onLow {
                if r >> 1 == c >> 1 { m[r * 4 + c] = u[(r & 1) * 2 + (c & 1)] }
            } else if r & 1 == c & 1 {
                m[r * 4 + c] = u[(r >> 1) * 2 + (c >> 1)]
            }
        } }
        return m
    }

    /// Rounding leaves 1e-17 where a product is exactly 0 or 1; snapping lets the cheap kernels see
    /// the true shape (a diagonal, a permutation, the identity).
    static func snapped(_ block: FusedGate) -> FusedGate {
        var b = block
        b.gate.matrix = b.gate.matrix.map { z in
            Complex(abs(z.re) < 1e-15 ? 0 : abs(z.re - 1) < 1e-15 ? 1 : z.re, abs(z.im) < 1e-15 ? 0 : z.im)
        }
        return b
    }
}
