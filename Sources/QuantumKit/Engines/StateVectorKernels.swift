/// The fast kernels, one per gate shape: dense 1- and 2-qubit matrices, a phase on a subspace,
/// a full diagonal, and a swap of two subspaces. Each walks only the amplitudes its gate changes,
/// as runs of consecutive amplitudes (the free bits below the lowest fixed bit), and processes a
/// run two amplitudes at a time in `SIMD4<Real>` lanes (re, im, re, im). Runs of length one
/// (a fixed bit at position 0) take the scalar path, computed in double precision.
/// `ReferenceKernels` is their judge.
struct StateVectorKernels<Real: StateScalar> {
    typealias Lane = SIMD4<Real>
    let a: UnsafeMutablePointer<Real>
    let n: Int

    init(state: UnsafeMutablePointer<Real>, qubits: Int) { a = state; n = qubits }

    var lanes: UnsafeMutablePointer<Lane> {
        UnsafeMutableRawPointer(a).assumingMemoryBound(to: Lane.self)
    }

    @inline(__always) func load(_ p: Int) -> Complex { Complex(Double(a[p]), Double(a[p + 1])) }
    @inline(__always) func store(_ z: Complex, _ p: Int) { a[p] = Real(z.re); a[p + 1] = Real(z.im) }

    /// (re, im) -> (im, re) in both halves: with a sign vector this makes a complex product.
    @inline(__always) static func swapPairs(_ v: Lane) -> Lane {
        SIMD4(v[1], v[0], v[3], v[2])
    }

    @inline(__always) static func firstTwice(_ v: Lane) -> Lane { SIMD4(v[0], v[1], v[0], v[1]) }
    @inline(__always) static func secondTwice(_ v: Lane) -> Lane { SIMD4(v[2], v[3], v[2], v[3]) }

    /// A complex scalar as the two vectors of a lane-wise complex product:
    /// z * v = re * v + imSigned * swapPairs(v).
    /// With two values, the first multiplies the lane's first amplitude and the second its
    /// second (the |0> and |1> of qubit 0 when a lane holds a pair).
    struct Scalar {
        let re: Lane
        let imSigned: Lane
        let z: Complex
        init(_ z: Complex) { self.init(z, z) }
        init(_ first: Complex, _ second: Complex) {
            z = first
            re = SIMD4(Real(first.re), Real(first.re), Real(second.re), Real(second.re))
            imSigned = SIMD4(Real(-first.im), Real(first.im), Real(-second.im), Real(second.im))
        }
        @inline(__always) func times(_ v: Lane, swapped s: Lane) -> Lane {
            re * v + imSigned * s
        }
        @inline(__always) func timesAdding(_ acc: Lane, _ v: Lane, swapped s: Lane) -> Lane {
            acc + re * v + imSigned * s
        }
    }

    /// One row of a complex 4x4 product: Σ m_j v_j, as two chains of fused multiply-adds (the
    /// real weights on the lanes, the signed imaginary weights on the swapped lanes) joined once.
    /// Short chains keep the FMA units busy; one chain per term would wait on its own latency.
    @inline(__always) static func row(_ m0: Scalar, _ m1: Scalar, _ m2: Scalar, _ m3: Scalar,
                                      _ v: (Lane, Lane, Lane, Lane), _ w: (Lane, Lane, Lane, Lane)) -> Lane {
        let re = (m0.re * v.0).addingProduct(m1.re, v.1).addingProduct(m2.re, v.2).addingProduct(m3.re, v.3)
        let im = (m0.imSigned * w.0).addingProduct(m1.imSigned, w.1).addingProduct(m2.imSigned, w.2).addingProduct(m3.imSigned, w.3)
        return re + im
    }

    /// Runs the kernel a gate's shape chose (see `MatrixGate.kernel`).
    func run(_ kernel: KernelChoice) {
        switch kernel {
        case .nothing: break
        case .scale(let parts): for (space, factor) in parts { scale(space, by: factor) }
        case .diagonal(let bit0, let bit1, let d): diagonal(bit0: bit0, bit1: bit1, d)
        case .swap(let space, let a, let b): swap(space, a, b)
        case .dense1(let space, let bit, let m): dense1(space, bit: bit, m)
        case .dense2(let space, let bit0, let bit1, let m): dense2(space, bit0: bit0, bit1: bit1, m)
        case .phaseOnQubitZero(let parts): for (space, first, second) in parts { phaseOnQubitZero(space, first, second) }
        case .flipQubitZero(let space): flipQubitZero(space)
        case .dense1OnQubitZero(let space, let m): dense1OnQubitZero(space, m)
        case .dense2OnQubitZero(let space, let bit1, let m): dense2OnQubitZero(space, bit1: bit1, m)
        case .phaseGroup(let g): phaseGroup(g)
        case .cacheBlocked(let kernels): cacheBlocked(kernels)
        }
    }

    // MARK: - kernels

    /// Multiplies every amplitude of the subspace by `factor`.
    func scale(_ space: Subspace, by factor: Complex) {
        let lanes = self.lanes
        let f = Scalar(factor)
        space.forEachChunk(n) { firstRun, endRun, length, runs in
            for run in firstRun..<endRun {
                let base = runs.base(run)
                if length == 1 {
                    store(factor * load(2 * base), 2 * base)
                    continue
                }
                var k = base >> 1
                let end = (base + length) >> 1
                while k < end {
                    let v = lanes[k]
                    lanes[k] = f.times(v, swapped: StateVectorKernels.swapPairs(v))
                    k += 1
                }
            }
        }
    }

    /// Swaps the amplitude at `base + offsetA` with the one at `base + offsetB` for every base of
    /// the subspace (X, CX, SWAP, Toffoli: permutations move amplitudes and compute nothing).
    func swap(_ space: Subspace, _ offsetA: Int, _ offsetB: Int) {
        let a = self.a, lanes = self.lanes
        space.forEachChunk(n) { firstRun, endRun, length, runs in
            for run in firstRun..<endRun {
                let base = runs.base(run)
                if length == 1 {
                    let p = 2 * (base + offsetA), q = 2 * (base + offsetB)
                    let r = a[p], i = a[p + 1]
                    a[p] = a[q]; a[p + 1] = a[q + 1]
                    a[q] = r; a[q + 1] = i
                    continue
                }
                var k = (base + offsetA) >> 1, l = (base + offsetB) >> 1
                let end = k + (length >> 1)
                while k < end {
                    let v = lanes[k]
                    lanes[k] = lanes[l]
                    lanes[l] = v
                    k += 1; l += 1
                }
            }
        }
    }

    /// A dense 2x2 matrix on the qubit `bit` (a fixed bit of `space`, which holds its |0> members).
    func dense1(_ space: Subspace, bit: Int, _ m: [Complex]) {
        let lanes = self.lanes
        let m00 = Scalar(m[0]), m01 = Scalar(m[1]), m10 = Scalar(m[2]), m11 = Scalar(m[3])
        let half = bit >> 1
        space.forEachChunk(n) { firstRun, endRun, length, runs in
            for run in firstRun..<endRun {
                let base = runs.base(run)
                if length == 1 {
                    let p0 = 2 * base, p1 = 2 * (base + bit)
                    let x = load(p0), y = load(p1)
                    store(m00.z * x + m01.z * y, p0)
                    store(m10.z * x + m11.z * y, p1)
                    continue
                }
                var k = base >> 1
                let end = (base + length) >> 1
                while k < end {
                    let x = lanes[k], y = lanes[k + half]
                    let xs = StateVectorKernels.swapPairs(x), ys = StateVectorKernels.swapPairs(y)
                    lanes[k] = m01.timesAdding(m00.times(x, swapped: xs), y, swapped: ys)
                    lanes[k + half] = m11.timesAdding(m10.times(x, swapped: xs), y, swapped: ys)
                    k += 1
                }
            }
        }
    }

    // MARK: qubit 0: a lane holds both amplitudes of a pair, so the subspace leaves bit 0 free

    /// A dense 2x2 matrix on qubit 0 over the subspace (its controls).
    func dense1OnQubitZero(_ space: Subspace, _ m: [Complex]) {
        let lanes = self.lanes
        let first = Scalar(m[0], m[2]), second = Scalar(m[1], m[3])
        space.forEachLane(n) { k in
            let v = lanes[k]
            let x = StateVectorKernels.firstTwice(v), y = StateVectorKernels.secondTwice(v)
            lanes[k] = first.times(x, swapped: StateVectorKernels.swapPairs(x)) + second.times(y, swapped: StateVectorKernels.swapPairs(y))
        }
    }

    /// A dense 4x4 matrix on qubit 0 (matrix bit 0) and the qubit with bit value `bit1`; the
    /// subspace fixes bit1 to 0 and the controls.
    func dense2OnQubitZero(_ space: Subspace, bit1: Int, _ m: [Complex]) {
        if m.allSatisfy({ $0.im == 0 }) { return realDense2OnQubitZero(space, bit1: bit1, m) }
        let lanes = self.lanes
        let p0 = Scalar(m[0], m[4]), p1 = Scalar(m[1], m[5]), p2 = Scalar(m[2], m[6]), p3 = Scalar(m[3], m[7])
        let q0 = Scalar(m[8], m[12]), q1 = Scalar(m[9], m[13]), q2 = Scalar(m[10], m[14]), q3 = Scalar(m[11], m[15])
        let half = bit1 >> 1
        space.forEachLane(n) { k in
            let p = lanes[k], q = lanes[k + half]
            let v0 = StateVectorKernels.firstTwice(p), v1 = StateVectorKernels.secondTwice(p)
            let v2 = StateVectorKernels.firstTwice(q), v3 = StateVectorKernels.secondTwice(q)
            let v = (v0, v1, v2, v3)
            let w = (StateVectorKernels.swapPairs(v0), StateVectorKernels.swapPairs(v1),
                     StateVectorKernels.swapPairs(v2), StateVectorKernels.swapPairs(v3))
            lanes[k] = StateVectorKernels.row(p0, p1, p2, p3, v, w)
            lanes[k + half] = StateVectorKernels.row(q0, q1, q2, q3, v, w)
        }
    }

    /// `dense2OnQubitZero` for a real matrix (H, RY, CX and their products): each output lane is
    /// four real-weighted lanes, half the products of the complex kernel and no pair swaps.
    func realDense2OnQubitZero(_ space: Subspace, bit1: Int, _ m: [Complex]) {
        let lanes = self.lanes
        @inline(__always) func column(_ r: Int, _ j: Int) -> Lane {
            let top = Real(m[4 * r + j].re), bottom = Real(m[4 * r + 4 + j].re)
            return SIMD4(top, top, bottom, bottom)
        }
        let (p0, p1, p2, p3) = (column(0, 0), column(0, 1), column(0, 2), column(0, 3))
        let (q0, q1, q2, q3) = (column(2, 0), column(2, 1), column(2, 2), column(2, 3))
        let half = bit1 >> 1
        space.forEachLane(n) { k in
            let p = lanes[k], q = lanes[k + half]
            let v0 = StateVectorKernels.firstTwice(p), v1 = StateVectorKernels.secondTwice(p)
            let v2 = StateVectorKernels.firstTwice(q), v3 = StateVectorKernels.secondTwice(q)
            lanes[k] = p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3
            lanes[k + half] = q0 * v0 + q1 * v1 + q2 * v2 + q3 * v3
        }
    }

    /// Multiplies amplitudes of the subspace by `first` where qubit 0 reads 0, `second` where 1.
    func phaseOnQubitZero(_ space: Subspace, _ first: Complex, _ second: Complex) {
        let lanes = self.lanes
        let f = Scalar(first, second)
        space.forEachLane(n) { k in
            let v = lanes[k]
            lanes[k] = f.times(v, swapped: StateVectorKernels.swapPairs(v))
        }
    }

    /// X on qubit 0 over the subspace: the two halves of each lane trade places.
    func flipQubitZero(_ space: Subspace) {
        let lanes = self.lanes
        space.forEachLane(n) { k in
            let v = lanes[k]
            lanes[k] = SIMD4(v[2], v[3], v[0], v[1])
        }
    }

    /// A dense 4x4 matrix on qubits with bit values `bit0` (matrix index bit 0) and `bit1`.
    func dense2(_ space: Subspace, bit0: Int, bit1: Int, _ m: [Complex]) {
        let lanes = self.lanes
        let real = m.allSatisfy { $0.im == 0 }
        let r = m.map { Lane(repeating: Real($0.re)) }
        let s = m.map(Scalar.init)
        let offsets = (0, bit0, bit1, bit0 + bit1)
        space.forEachChunk(n) { firstRun, endRun, length, runs in
            for run in firstRun..<endRun {
                let base = runs.base(run)
                if length == 1 {
                    let i0 = 2 * base, i1 = 2 * (base + offsets.1), i2 = 2 * (base + offsets.2), i3 = 2 * (base + offsets.3)
                    let v0 = load(i0), v1 = load(i1), v2 = load(i2), v3 = load(i3)
                    @inline(__always) func row(_ r: Int) -> Complex {
                        s[4 * r].z * v0 + s[4 * r + 1].z * v1 + s[4 * r + 2].z * v2 + s[4 * r + 3].z * v3
                    }
                    let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
                    store(r0, i0); store(r1, i1); store(r2, i2); store(r3, i3)
                    continue
                }
                let h0 = offsets.1 >> 1, h1 = offsets.2 >> 1, h2 = offsets.3 >> 1
                var k = base >> 1
                let end = (base + length) >> 1
                if real {
                    // A real matrix: half the products and no pair swaps.
                    let (r00, r01, r02, r03) = (r[0], r[1], r[2], r[3])
                    let (r10, r11, r12, r13) = (r[4], r[5], r[6], r[7])
                    let (r20, r21, r22, r23) = (r[8], r[9], r[10], r[11])
                    let (r30, r31, r32, r33) = (r[12], r[13], r[14], r[15])
                    while k < end {
                        let v0 = lanes[k], v1 = lanes[k + h0], v2 = lanes[k + h1], v3 = lanes[k + h2]
                        lanes[k] = r00 * v0 + r01 * v1 + r02 * v2 + r03 * v3
                        lanes[k + h0] = r10 * v0 + r11 * v1 + r12 * v2 + r13 * v3
                        lanes[k + h1] = r20 * v0 + r21 * v1 + r22 * v2 + r23 * v3
                        lanes[k + h2] = r30 * v0 + r31 * v1 + r32 * v2 + r33 * v3
                        k += 1
                    }
                    continue
                }
                let (s00, s01, s02, s03) = (s[0], s[1], s[2], s[3])
                let (s10, s11, s12, s13) = (s[4], s[5], s[6], s[7])
                let (s20, s21, s22, s23) = (s[8], s[9], s[10], s[11])
                let (s30, s31, s32, s33) = (s[12], s[13], s[14], s[15])
                while k < end {
                    let v = (lanes[k], lanes[k + h0], lanes[k + h1], lanes[k + h2])
                    let w = (StateVectorKernels.swapPairs(v.0), StateVectorKernels.swapPairs(v.1),
                             StateVectorKernels.swapPairs(v.2), StateVectorKernels.swapPairs(v.3))
                    lanes[k] = StateVectorKernels.row(s00, s01, s02, s03, v, w)
                    lanes[k + h0] = StateVectorKernels.row(s10, s11, s12, s13, v, w)
                    lanes[k + h1] = StateVectorKernels.row(s20, s21, s22, s23, v, w)
                    lanes[k + h2] = StateVectorKernels.row(s30, s31, s32, s33, v, w)
                    k += 1
                }
            }
        }
    }

    /// A diagonal on up to two qubits over the whole state: amplitude i is multiplied by
    /// `d[(bit0 set ? 1 : 0) + (bit1 set ? 2 : 0)]` (bit1 0 for a 1-qubit diagonal).
    func diagonal(bit0: Int, bit1: Int, _ d: [Complex]) {
        let lanes = self.lanes
        let full = d + Array(repeating: Complex.one, count: 4 - d.count)
        // a lane starts at an even index; its second amplitude differs only in a bit at position 0
        let secondKey = (bit0 == 1 ? 1 : 0) | (bit1 == 1 ? 2 : 0)
        let table = (0..<4).map { Scalar(full[$0], full[$0 | secondKey]) }
        let (t0, t1, t2, t3) = (table[0], table[1], table[2], table[3])
        ParallelFor.run(1 << (n - 1), itemSize: 2) { lo, hi in
            for k in lo..<hi {
                let i = 2 * k
                let f = i & bit1 == 0 ? (i & bit0 == 0 ? t0 : t1) : (i & bit0 == 0 ? t2 : t3)
                let v = lanes[k]
                lanes[k] = f.times(v, swapped: StateVectorKernels.swapPairs(v))
            }
        }
    }

    // MARK: - whole-state passes

    /// Multiplies every amplitude by `factor` (a global phase).
    func multiply(by factor: Complex) {
        guard n > 0 else { store(factor * load(0), 0); return }
        let lanes = self.lanes
        let f = Scalar(factor)
        ParallelFor.run(1 << (n - 1), itemSize: 2) { lo, hi in
            for k in lo..<hi {
                let v = lanes[k]
                lanes[k] = f.times(v, swapped: StateVectorKernels.swapPairs(v))
            }
        }
    }

    /// Probability that `qubit` reads 1.
    func probabilityOfOne(_ qubit: Int) -> Double {
        let a = self.a
        let bit = 1 << qubit
        return ParallelFor.sum(1 << (n - 1)) { lo, hi in
            var s = 0.0
            for i in lo..<hi {
                let j = ((i >> qubit) << (qubit + 1)) | (i & (bit - 1)) | bit
                let re = Double(a[2 * j]), im = Double(a[2 * j + 1])
                s += re * re + im * im
            }
            return s
        }
    }

    /// Keeps the amplitudes whose bits under `mask` equal `keep`, times `scale`; zeroes the rest.
    func project(mask: Int, keep: Int, scale: Double) {
        let a = self.a
        let factor = Real(scale)
        ParallelFor.run(1 << n) { lo, hi in
            for i in lo..<hi {
                let s: Real = i & mask == keep ? factor : 0
                a[2 * i] *= s; a[2 * i + 1] *= s
            }
        }
    }

    /// Σ |amplitude|².
    func normSquared() -> Double {
        let a = self.a
        return ParallelFor.sum(1 << n) { lo, hi in
            var s = 0.0
            for i in 2 * lo..<2 * hi { s += Double(a[i]) * Double(a[i]) }
            return s
        }
    }
}

/// The amplitudes whose bits at `positions` equal the bits of `value` there: a gate's controls
/// and the |0> corners of its targets. Walked as runs of 2^positions[0] consecutive amplitudes
/// (cut at 2^14 so threads can share one long run).
struct Subspace {
    /// Fixed bit positions, ascending.
    let positions: [Int]
    let value: Int

    init(fixing positions: [Int], to value: Int) {
        self.positions = positions.sorted()
        self.value = value
    }

    /// Calls `body(k)` for every SIMD lane k (amplitudes 2k and 2k+1) of the subspace; for
    /// subspaces that leave bit 0 free, so a run holds whole lanes.
    @inline(__always)
    func forEachLane(_ n: Int, _ body: (Int) -> Void) {
        forEachChunk(n) { firstRun, endRun, length, runs in
            for run in firstRun..<endRun {
                let base = runs.base(run)
                var k = base >> 1
                let end = (base + length) >> 1
                while k < end {
                    body(k)
                    k += 1
                }
            }
        }
    }

    /// Calls `body(first, last, length, runs)` once per thread chunk of runs; `runs.base(r)` is
    /// the first amplitude of run r. The kernel loops over its runs itself, so the loop body is
    /// compiled with the matrix in registers instead of being called per run.
    @inline(__always)
    func forEachChunk(_ n: Int, _ body: (Int, Int, Int, RunIndexer) -> Void) {
        let low = min(positions.first ?? n, 14, n)
        let length = 1 << low
        let runs = RunIndexer(positions: positions, value: value, low: low)
        ParallelFor.run(1 << (n - positions.count - low), itemSize: length) { first, last in
            body(first, last, length, runs)
        }
    }
}

/// Run number -> first amplitude: the number shifted past the run length, with a zero bit
/// inserted at each fixed position (ascending), then the fixed values set. Up to four positions
/// are held in registers; a position of 63 inserts nothing.
struct RunIndexer {
    let p0, p1, p2, p3: Int
    let more: [Int]
    let value: Int
    let low: Int

    init(positions: [Int], value: Int, low: Int) {
        let padded = positions + Array(repeating: 63, count: max(0, 4 - positions.count))
        (p0, p1, p2, p3) = (padded[0], padded[1], padded[2], padded[3])
        more = Array(positions.dropFirst(4))
        self.value = value
        self.low = low
    }

    @inline(__always) static func insertZero(_ i: Int, _ p: Int) -> Int {
        ((i &>> p) &<< (p &+ 1)) | (i & ((1 &<< p) &- 1))
    }

    @inline(__always) func base(_ run: Int) -> Int {
        var i = run &<< low
        i = RunIndexer.insertZero(i, p0)
        i = RunIndexer.insertZero(i, p1)
        i = RunIndexer.insertZero(i, p2)
        i = RunIndexer.insertZero(i, p3)
        for p in more { i = RunIndexer.insertZero(i, p) }
        return i | value
    }
}
