/// <ψ|O|ψ> for a sum of Pauli strings in one sweep over the state, block by block.
///
/// A Pauli string acts as P|i> = c·(-1)^|i∧z|·|i⊕x>, so its value is
/// Σ_i c·(-1)^|i∧z|·conj(a_{i⊕x})·a_i. Terms are grouped by flip mask x. The state is walked in
/// blocks of 2^10 amplitudes; for each block and each group, f[l] = conj(a_{i⊕x})·a_i is formed
/// once in a small buffer (the partner block is the block itself when x flips only low bits),
/// and each term of the group is one dot product of f with a ±1 table of its low Z bits; its
/// high Z bits give the block's sign. So every group shares one read of the state, and the work
/// per amplitude is a few vector operations per term, never a copy of the state.
struct PauliSweep {
    static let blockBits = 10

    struct Term {
        let lowZ: Int
        let highZ: Int
        let c: Complex
    }

    struct Group {
        let lowX: Int
        let highX: Int
        let terms: [Term]
        /// Some coefficient is complex, so the imaginary part of f counts.
        let complex: Bool
        /// Real weights and no low Z bits: the block's dot product with its partner serves every term.
        let plain: Bool
        /// A plain group whose amplitude pairs (i, i⊕x) contribute equally (no term's Z meets the
        /// flip an odd number of times): half the pairs are read and the sum doubled.
        let pairs: Bool
        /// For real weights: the terms merged by their high Z bits into one weight per low index
        /// (`weights` nil when every low index weighs `uniform`), so a block needs one dot product
        /// per distinct high Z pattern, not one per term.
        let merged: [(highZ: Int, uniform: Double, weights: [Double]?)]

        init(lowX: Int, highX: Int, terms: [Term], lowSize: Int) {
            self.lowX = lowX
            self.highX = highX
            self.terms = terms
            complex = terms.contains { $0.c.im != 0 }
            plain = !complex && terms.allSatisfy { $0.lowZ == 0 }
            pairs = plain && (lowX | highX) != 0 && lowX & 1 == 0 && terms.allSatisfy { ($0.highZ & highX).nonzeroBitCount & 1 == 0 }
            var byHigh: [Int: (uniform: Double, weights: [Double]?)] = [:]
            var order: [Int] = []
            if !complex {
                for t in terms {
                    if byHigh[t.highZ] == nil { order.append(t.highZ); byHigh[t.highZ] = (0, nil) }
                    if t.lowZ == 0 && byHigh[t.highZ]!.weights == nil {
                        byHigh[t.highZ]!.uniform += t.c.re
                        continue
                    }
                    let u = byHigh[t.highZ]!.uniform
                    var w = byHigh[t.highZ]!.weights ?? [Double](repeating: u, count: lowSize)
                    for l in 0..<lowSize { w[l] += (l & t.lowZ).nonzeroBitCount & 1 == 0 ? t.c.re : -t.c.re }
                    byHigh[t.highZ] = (0, w)
                }
            }
            merged = order.map { (highZ: $0, uniform: byHigh[$0]!.uniform, weights: byHigh[$0]!.weights) }
        }
    }

    let blockBits: Int
    let groups: [Group]
    /// ±1 for every low index, per low Z pattern used by some term.
    let signTables: [Int: [Double]]

    /// `groups` maps a flip mask to its terms (Z mask, coefficient with the i^y of its Ys).
    init(qubits n: Int, groups byFlip: [(x: Int, terms: [(z: Int, c: Complex)])]) {
        let b = min(n, PauliSweep.blockBits)
        let low = (1 << b) - 1
        blockBits = b
        groups = byFlip.map { g in
            Group(lowX: g.x & low, highX: g.x >> b,
                  terms: g.terms.map { Term(lowZ: $0.z & low, highZ: $0.z >> b, c: $0.c) }, lowSize: low + 1)
        }
        var tables: [Int: [Double]] = [:]
        for g in groups { for t in g.terms where t.lowZ != 0 && tables[t.lowZ] == nil {
            tables[t.lowZ] = (0...low).map { ($0 & t.lowZ).nonzeroBitCount & 1 == 0 ? 1.0 : -1.0 }
        } }
        signTables = tables
    }

    func value<Real: StateScalar>(_ a: UnsafeMutablePointer<Real>, qubits n: Int) -> Double {
        let size = 1 << blockBits
        return ParallelFor.sum(1 << (n - blockBits), itemSize: size) { first, last in
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: 16 * size, alignment: 64)
            defer { buffer.deallocate() }
            let fr = buffer.bindMemory(to: Double.self, capacity: 2 * size), fi = fr + size
            var total = 0.0
            for block in first..<last {
                let base = block << blockBits
                for g in groups {
                    let partner = (block ^ g.highX) << blockBits
                    if g.plain {
                        // Re Σ conj(a_{i⊕x}) a_i: a dot product of the block with its partner; for
                        // pairs, only blocks (or runs) without the flip's lowest bit, counted twice
                        var sr: Double
                        if g.pairs && g.highX != 0 {
                            if block & (g.highX & -g.highX) != 0 { continue }
                            sr = 2 * PauliSweep.flippedDot(a + 2 * base, a + 2 * partner, size: size, lowX: g.lowX)
                        } else if g.pairs {
                            sr = 2 * PauliSweep.flippedDot(a + 2 * base, a + 2 * partner, size: size, lowX: g.lowX, half: true)
                        } else {
                            sr = PauliSweep.flippedDot(a + 2 * base, a + 2 * partner, size: size, lowX: g.lowX)
                        }
                        for t in g.terms { total += (block & t.highZ).nonzeroBitCount & 1 == 0 ? t.c.re * sr : -t.c.re * sr }
                        continue
                    }
                    // with real coefficients only Re f counts
                    let complex = g.complex
                    if g.lowX == 0 && g.highX == 0 {
                        PauliSweep.norms(a + 2 * base, into: fr, size: size)
                        if complex { for l in 0..<size { fi[l] = 0 } }
                    } else {
                        for l in 0..<size {
                            let i = base + l, j = partner + (l ^ g.lowX)
                            let ar = Double(a[2 * i]), ai = Double(a[2 * i + 1]), br = Double(a[2 * j]), bi = Double(a[2 * j + 1])
                            fr[l] = br * ar + bi * ai
                            if complex { fi[l] = br * ai - bi * ar }
                        }
                    }
                    if !complex {
                        var blockSum: Double? = nil
                        for m in g.merged {
                            let value: Double
                            if let w = m.weights {
                                value = w.withUnsafeBufferPointer { PauliSweep.dot(fr, $0.baseAddress!, size) }
                            } else {
                                if blockSum == nil { blockSum = PauliSweep.sum(fr, size) }
                                value = m.uniform * blockSum!
                            }
                            total += (block & m.highZ).nonzeroBitCount & 1 == 0 ? value : -value
                        }
                        continue
                    }
                    for t in g.terms {
                        var sr: Double, si = 0.0
                        if t.lowZ == 0 {
                            sr = PauliSweep.sum(fr, size)
                            if complex { si = PauliSweep.sum(fi, size) }
                        } else {
                            let signs = signTables[t.lowZ]!
                            sr = signs.withUnsafeBufferPointer { PauliSweep.dot(fr, $0.baseAddress!, size) }
                            if complex { si = signs.withUnsafeBufferPointer { PauliSweep.dot(fi, $0.baseAddress!, size) } }
                        }
                        let value = t.c.re * sr - t.c.im * si
                        total += (block & t.highZ).nonzeroBitCount & 1 == 0 ? value : -value
                    }
                }
            }
            return total
        }
    }

    /// Σ_l Re(conj(b[l ⊕ lowX]) · a[l]) over `size` amplitudes: the flip keeps runs of
    /// 2^(lowest set bit of lowX) amplitudes contiguous, so each run is a plain dot product of
    /// interleaved numbers; flipping bit 0 swaps the two amplitudes inside a lane. `half` takes
    /// only the runs without the flip's lowest bit (for a flip above bit 0).
    @inline(__always) static func flippedDot<Real: StateScalar>(_ a: UnsafeMutablePointer<Real>, _ b: UnsafeMutablePointer<Real>,
                                                                size: Int, lowX: Int, half: Bool = false) -> Double {
        let run = lowX == 0 ? size : lowX & -lowX
        guard 2 * run >= 4 || lowX & 1 == 1, size >= 2 else {
            return (0..<2 * size).reduce(0.0) { $0 + Double(a[$1]) * Double(b[$1]) }
        }
        let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
        let laneBytes = 4 * MemoryLayout<Real>.stride
        var acc = SIMD4<Double>()
        if lowX & 1 == 1 {
            // partner of amplitude l is l ^ lowX: within a lane the two amplitudes trade places
            for lane in 0..<size / 2 {
                let l = 2 * lane
                let v = SIMD4<Double>(x.loadUnaligned(fromByteOffset: lane * laneBytes, as: SIMD4<Real>.self))
                let w = SIMD4<Double>(y.loadUnaligned(fromByteOffset: ((l ^ lowX) / 2) * laneBytes, as: SIMD4<Real>.self))
                acc += v * SIMD4(w[2], w[3], w[0], w[1])
            }
            return acc.sum()
        }
        if lowX & 3 == 2 {
            // one lane per run: lane 2k (and 2k+1 unless half) against its partner lane
            let flip = lowX / 2
            for k in 0..<size / 4 {
                let lane = 2 * k
                acc += SIMD4<Double>(x.loadUnaligned(fromByteOffset: lane * laneBytes, as: SIMD4<Real>.self))
                    * SIMD4<Double>(y.loadUnaligned(fromByteOffset: (lane ^ flip) * laneBytes, as: SIMD4<Real>.self))
                if !half {
                    acc += SIMD4<Double>(x.loadUnaligned(fromByteOffset: (lane + 1) * laneBytes, as: SIMD4<Real>.self))
                        * SIMD4<Double>(y.loadUnaligned(fromByteOffset: ((lane + 1) ^ flip) * laneBytes, as: SIMD4<Real>.self))
                }
            }
            return acc.sum()
        }
        // runs of a power of two lanes: two at a time into two accumulators, so consecutive
        // additions do not wait on each other (a run of one lane only when nothing is flipped)
        var acc2 = SIMD4<Double>()
        let runBytes = (run / 2) * laneBytes
        for start in stride(from: 0, to: size, by: half ? 2 * run : run) {
            let p = (start / 2) * laneBytes, q = ((start ^ lowX) / 2) * laneBytes
            guard runBytes > laneBytes else {
                acc += SIMD4<Double>(x.loadUnaligned(fromByteOffset: p, as: SIMD4<Real>.self))
                    * SIMD4<Double>(y.loadUnaligned(fromByteOffset: q, as: SIMD4<Real>.self))
                continue
            }
            var offset = 0
            while offset < runBytes {
                acc += SIMD4<Double>(x.loadUnaligned(fromByteOffset: p + offset, as: SIMD4<Real>.self))
                    * SIMD4<Double>(y.loadUnaligned(fromByteOffset: q + offset, as: SIMD4<Real>.self))
                acc2 += SIMD4<Double>(x.loadUnaligned(fromByteOffset: p + offset + laneBytes, as: SIMD4<Real>.self))
                    * SIMD4<Double>(y.loadUnaligned(fromByteOffset: q + offset + laneBytes, as: SIMD4<Real>.self))
                offset += 2 * laneBytes
            }
        }
        return (acc + acc2).sum()
    }

    /// |a_l|² for `size` amplitudes: the diagonal terms' weights, two amplitudes per lane.
    @inline(__always) static func norms<Real: StateScalar>(_ a: UnsafeMutablePointer<Real>, into f: UnsafeMutablePointer<Double>, size: Int) {
        guard size >= 2 else {
            for l in 0..<size { f[l] = Double(a[2 * l]) * Double(a[2 * l]) + Double(a[2 * l + 1]) * Double(a[2 * l + 1]) }
            return
        }
        let x = UnsafeRawPointer(a)
        let laneBytes = 4 * MemoryLayout<Real>.stride
        for lane in 0..<size / 2 {
            let v = SIMD4<Double>(x.loadUnaligned(fromByteOffset: lane * laneBytes, as: SIMD4<Real>.self))
            let s = v * v
            f[2 * lane] = s[0] + s[1]
            f[2 * lane + 1] = s[2] + s[3]
        }
    }

    /// Σ x[k], four lanes at a time.
    @inline(__always) static func sum(_ x: UnsafePointer<Double>, _ count: Int) -> Double {
        guard count >= 4 else { return (0..<count).reduce(0.0) { $0 + x[$1] } }
        let v = UnsafeRawPointer(x)
        var acc = SIMD4<Double>()
        for k in 0..<count / 4 { acc += v.loadUnaligned(fromByteOffset: 32 * k, as: SIMD4<Double>.self) }
        return acc.sum()
    }

    /// Σ x[k]·y[k], four lanes at a time.
    @inline(__always) static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ count: Int) -> Double {
        guard count >= 4 else { return (0..<count).reduce(0.0) { $0 + x[$1] * y[$1] } }
        let v = UnsafeRawPointer(x), w = UnsafeRawPointer(y)
        var acc = SIMD4<Double>()
        for k in 0..<count / 4 {
            acc += v.loadUnaligned(fromByteOffset: 32 * k, as: SIMD4<Double>.self) * w.loadUnaligned(fromByteOffset: 32 * k, as: SIMD4<Double>.self)
        }
        return acc.sum()
    }
}
