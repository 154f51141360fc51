/// The stabilizer (tableau) engine for Clifford circuits, after Aaronson and Gottesman: 2n
/// Pauli rows (destabilizers, then stabilizers) stored as bit-packed X and Z words and a sign
/// bit, so a thousand qubits take a few hundred kilobytes.
public final class StabilizerTableau {
    public let qubitCount: Int
    let words: Int
    /// Row r's X bits are x[r * words ..< (r + 1) * words]; the last row is scratch.
    var x: [UInt64]
    var z: [UInt64]
    var sign: [UInt8]

    /// |0...0⟩: destabilizer i is X_i, stabilizer i is Z_i.
    public init(qubits n: Int) {
        qubitCount = n
        words = (n + 63) / 64
        x = [UInt64](repeating: 0, count: (2 * n + 1) * words)
        z = x
        sign = [UInt8](repeating: 0, count: 2 * n + 1)
        for i in 0..<n {
            x[i * words + i / 64] |= 1 << UInt64(i % 64)
            z[(n + i) * words + i / 64] |= 1 << UInt64(i % 64)
        }
    }

    init(copying t: StabilizerTableau) {
        qubitCount = t.qubitCount
        words = t.words
        x = t.x
        z = t.z
        sign = t.sign
    }

    public func copy() -> StabilizerTableau { StabilizerTableau(copying: self) }

    @inline(__always) func bit(_ bits: [UInt64], _ row: Int, _ q: Int) -> UInt64 {
        (bits[row * words + q / 64] >> UInt64(q % 64)) & 1
    }

    // MARK: - gates

    public func h(_ a: Int) {
        let w = a / 64, m: UInt64 = 1 << UInt64(a % 64)
        for r in 0..<(2 * qubitCount) {
            let i = r * words + w
            let xa = x[i] & m, za = z[i] & m
            if xa != 0 && za != 0 { sign[r] ^= 1 }
            x[i] = (x[i] & ~m) | za
            z[i] = (z[i] & ~m) | xa
        }
    }

    public func s(_ a: Int) {
        let w = a / 64, m: UInt64 = 1 << UInt64(a % 64)
        for r in 0..<(2 * qubitCount) {
            let i = r * words + w
            if x[i] & m != 0 && z[i] & m != 0 { sign[r] ^= 1 }
            if x[i] & m != 0 { z[i] ^= m }
        }
    }

    public func cx(_ c: Int, _ t: Int) {
        for r in 0..<(2 * qubitCount) {
            let xc = bit(x, r, c), zc = bit(z, r, c), xt = bit(x, r, t), zt = bit(z, r, t)
            if xc & zt & (xt ^ zc ^ 1) != 0 { sign[r] ^= 1 }
            if xc != 0 { x[r * words + t / 64] ^= 1 << UInt64(t % 64) }
            if zt != 0 { z[r * words + c / 64] ^= 1 << UInt64(c % 64) }
        }
    }

    func sdg(_ a: Int) { s(a); s(a); s(a) }
    func pauliZ(_ a: Int) { s(a); s(a) }
    func pauliX(_ a: Int) { h(a); pauliZ(a); h(a) }

    /// Whether an operation is one this engine can apply.
    public static func supports(_ op: Operation) -> Bool {
        guard op.power == 1 else { return false }
        switch (op.kind, op.controls.count) {
        case (.id, _), (.x, 0...1), (.y, 0...1), (.z, 0...1), (.h, 0), (.s, 0), (.sdg, 0), (.sx, 0), (.sxdg, 0), (.swap, 0):
            return true
        default:
            return false
        }
    }

    /// Applies a Clifford operation (up to global phase), decomposed into H, S and CX.
    public func apply(_ op: Operation) throws {
        guard StabilizerTableau.supports(op) else {
            throw SimulationError("SIM031", "the stabilizer engine cannot apply \(op.name)\(op.inverted ? "†" : ""): it is not a Clifford gate it knows")
        }
        let flips = zip(op.controls, op.controlStates).filter { !$0.1 }.map { $0.0 }
        for c in flips { pauliX(c) }
        defer { for c in flips { pauliX(c) } }
        let t = op.targets[0]
        if let c = op.controls.first {
            switch op.kind {
            case .x: cx(c, t)
            case .z: h(t); cx(c, t); h(t)
            case .y: sdg(t); cx(c, t); s(t)
            default: break
            }
            return
        }
        // inverses: x, y, z, h, swap are self-inverse; s and sx swap with their daggers
        switch (op.kind, op.inverted) {
        case (.id, _): break
        case (.x, _): pauliX(t)
        case (.y, _): pauliX(t); pauliZ(t)
        case (.z, _): pauliZ(t)
        case (.h, _): h(t)
        case (.s, false), (.sdg, true): s(t)
        case (.sdg, false), (.s, true): sdg(t)
        case (.sx, false), (.sxdg, true): h(t); s(t); h(t)
        case (.sxdg, false), (.sx, true): h(t); sdg(t); h(t)
        case (.swap, _): let u = op.targets[1]; cx(t, u); cx(u, t); cx(t, u)
        default: break
        }
    }

    // MARK: - measurement

    /// Row h becomes row i times row h, with the sign of the product. Through raw pointers:
    /// measuring n qubits runs this O(n²) times, and array writes would check uniqueness each time.
    func rowsum(_ h: Int, _ i: Int) {
        var total = 2 * Int(sign[h]) + 2 * Int(sign[i])
        let words = self.words
        x.withUnsafeMutableBufferPointer { xs in
            z.withUnsafeMutableBufferPointer { zs in
                let xi = xs.baseAddress! + i * words, zi = zs.baseAddress! + i * words
                let xh = xs.baseAddress! + h * words, zh = zs.baseAddress! + h * words
                for w in 0..<words {
                    let x1 = xi[w], z1 = zi[w], x2 = xh[w], z2 = zh[w]
                    let y1 = x1 & z1, xOnly1 = x1 & ~z1, zOnly1 = ~x1 & z1
                    let y2 = x2 & z2, xOnly2 = x2 & ~z2, zOnly2 = ~x2 & z2
                    let plus = (y1 & zOnly2) | (xOnly1 & y2) | (zOnly1 & xOnly2)
                    let minus = (y1 & xOnly2) | (xOnly1 & zOnly2) | (zOnly1 & y2)
                    total += plus.nonzeroBitCount - minus.nonzeroBitCount
                    xh[w] = x2 ^ x1
                    zh[w] = z2 ^ z1
                }
            }
        }
        sign[h] = ((total % 4) + 4) % 4 == 2 ? 1 : 0
    }

    func copyRow(_ to: Int, _ from: Int) {
        for w in 0..<words {
            x[to * words + w] = x[from * words + w]
            z[to * words + w] = z[from * words + w]
        }
        sign[to] = sign[from]
    }

    /// Measures qubit `a` in the Z basis, collapsing the state.
    public func measure(_ a: Int, random: inout SeededRandom) -> Bool {
        let n = qubitCount
        if let p = (n..<(2 * n)).first(where: { bit(x, $0, a) != 0 }) {
            for i in 0..<(2 * n) where i != p && bit(x, i, a) != 0 { rowsum(i, p) }
            copyRow(p - n, p)
            for w in 0..<words { x[p * words + w] = 0; z[p * words + w] = 0 }
            z[p * words + a / 64] = 1 << UInt64(a % 64)
            sign[p] = random.uniform() < 0.5 ? 0 : 1
            return sign[p] == 1
        }
        let scratch = 2 * n
        for w in 0..<words { x[scratch * words + w] = 0; z[scratch * words + w] = 0 }
        sign[scratch] = 0
        for i in 0..<n where bit(x, i, a) != 0 { rowsum(scratch, i + n) }
        return sign[scratch] == 1
    }

    /// Resets qubit `a` to |0⟩.
    public func reset(_ a: Int, random: inout SeededRandom) {
        if measure(a, random: &random) { pauliX(a) }
    }

    /// Draws `shots` joint outcomes of `qubits` without collapsing. A stabilizer state's outcomes
    /// are uniform over an affine space: one reference outcome plus the span of the stabilizers'
    /// X parts, so each shot costs one random combination of a basis of that span.
    public func sample(_ qubits: [Int], shots: Int, random: inout SeededRandom) -> [[UInt64]] {
        let m = qubits.count, outWords = (m + 63) / 64
        let reference = copy()
        var base = [UInt64](repeating: 0, count: outWords)
        for (j, q) in qubits.enumerated() where reference.measure(q, random: &random) { base[j / 64] |= 1 << UInt64(j % 64) }
        var basis: [[UInt64]] = []
        var pivots: [Int] = []
        for r in qubitCount..<(2 * qubitCount) {
            var v = [UInt64](repeating: 0, count: outWords)
            for (j, q) in qubits.enumerated() where bit(x, r, q) != 0 { v[j / 64] |= 1 << UInt64(j % 64) }
            for (b, p) in zip(basis, pivots) where (v[p / 64] >> UInt64(p % 64)) & 1 != 0 {
                for w in 0..<outWords { v[w] ^= b[w] }
            }
            guard let pivot = (0..<m).first(where: { (v[$0 / 64] >> UInt64($0 % 64)) & 1 != 0 }) else { continue }
            for k in basis.indices where (basis[k][pivot / 64] >> UInt64(pivot % 64)) & 1 != 0 {
                for w in 0..<outWords { basis[k][w] ^= v[w] }
            }
            basis.append(v)
            pivots.append(pivot)
        }
        var out: [[UInt64]] = []
        out.reserveCapacity(shots)
        for _ in 0..<shots {
            var v = base
            var bits = random.next(), left = 64
            for b in basis {
                if left == 0 { bits = random.next(); left = 64 }
                if bits & 1 != 0 { for w in 0..<outWords { v[w] ^= b[w] } }
                bits >>= 1
                left -= 1
            }
            out.append(v)
        }
        return out
    }
}
