/// The fast kernels: one per gate shape (dense, diagonal, permutation), written on the real and
/// imaginary parts and run over static chunks of the state. `ReferenceKernels` is their judge.
struct StateVectorKernels {
    let a: UnsafeMutablePointer<Double>
    let n: Int

    init(state: UnsafeMutablePointer<Double>, qubits: Int) { a = state; n = qubits }

    /// Index of the i-th pair's |0> member: bit `k` of i shifted up, zero inserted at `k`.
    @inline(__always) static func insertZero(_ i: Int, _ k: Int) -> Int {
        ((i >> k) << (k + 1)) | (i & ((1 << k) - 1))
    }

    func dense1(target k: Int, _ m: [Complex], cmask: Int, cval: Int) {
        let a = self.a
        let (m00r, m00i, m01r, m01i) = (m[0].re, m[0].im, m[1].re, m[1].im)
        let (m10r, m10i, m11r, m11i) = (m[2].re, m[2].im, m[3].re, m[3].im)
        let bit = 1 << k
        ParallelFor.run(1 << (n - 1)) { lo, hi in
            for i in lo..<hi {
                let i0 = StateVectorKernels.insertZero(i, k)
                if i0 & cmask != cval { continue }
                let p0 = 2 * i0, p1 = 2 * (i0 | bit)
                let ar = a[p0], ai = a[p0 + 1], br = a[p1], bi = a[p1 + 1]
                a[p0] = m00r * ar - m00i * ai + m01r * br - m01i * bi
                a[p0 + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br
                a[p1] = m10r * ar - m10i * ai + m11r * br - m11i * bi
                a[p1 + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br
            }
        }
    }

    func diagonal1(target k: Int, _ d0: Complex, _ d1: Complex, cmask: Int, cval: Int) {
        let a = self.a
        let bit = 1 << k
        let scaleZero = d0 != .one
        ParallelFor.run(1 << n) { lo, hi in
            for i in lo..<hi where i & cmask == cval {
                let d = i & bit != 0 ? d1 : d0
                if !scaleZero && i & bit == 0 { continue }
                let r = a[2 * i], im = a[2 * i + 1]
                a[2 * i] = d.re * r - d.im * im
                a[2 * i + 1] = d.re * im + d.im * r
            }
        }
    }

    func flip(target k: Int, cmask: Int, cval: Int) {
        let a = self.a
        let bit = 1 << k
        ParallelFor.run(1 << (n - 1)) { lo, hi in
            for i in lo..<hi {
                let i0 = StateVectorKernels.insertZero(i, k)
                if i0 & cmask != cval { continue }
                let p0 = 2 * i0, p1 = 2 * (i0 | bit)
                let r = a[p0], im = a[p0 + 1]
                a[p0] = a[p1]; a[p0 + 1] = a[p1 + 1]
                a[p1] = r; a[p1 + 1] = im
            }
        }
    }

    func swap(_ q0: Int, _ q1: Int, cmask: Int, cval: Int) {
        let a = self.a
        let (lowQ, highQ) = (min(q0, q1), max(q0, q1))
        let b0 = 1 << q0, b1 = 1 << q1
        ParallelFor.run(1 << (n - 2)) { lo, hi in
            for i in lo..<hi {
                let base = StateVectorKernels.insertZero(StateVectorKernels.insertZero(i, lowQ), highQ)
                if base & cmask != cval { continue }
                let p = 2 * (base | b0), q = 2 * (base | b1)
                let r = a[p], im = a[p + 1]
                a[p] = a[q]; a[p + 1] = a[q + 1]
                a[q] = r; a[q + 1] = im
            }
        }
    }

    func diagonal2(_ q0: Int, _ q1: Int, _ d: [Complex], cmask: Int, cval: Int) {
        let a = self.a
        let b0 = 1 << q0, b1 = 1 << q1
        ParallelFor.run(1 << n) { lo, hi in
            for i in lo..<hi where i & cmask == cval {
                let k = (i & b0 != 0 ? 1 : 0) | (i & b1 != 0 ? 2 : 0)
                let f = d[k]
                let r = a[2 * i], im = a[2 * i + 1]
                a[2 * i] = f.re * r - f.im * im
                a[2 * i + 1] = f.re * im + f.im * r
            }
        }
    }

    func dense2(_ q0: Int, _ q1: Int, _ m: [Complex], cmask: Int, cval: Int) {
        let a = self.a
        let (lowQ, highQ) = (min(q0, q1), max(q0, q1))
        let b0 = 1 << q0, b1 = 1 << q1
        var mr = [Double](repeating: 0, count: 16), mi = [Double](repeating: 0, count: 16)
        for j in 0..<16 { mr[j] = m[j].re; mi[j] = m[j].im }
        mr.withUnsafeBufferPointer { mrp in
            mi.withUnsafeBufferPointer { mip in
                let mr = mrp.baseAddress!, mi = mip.baseAddress!
                ParallelFor.run(1 << (n - 2)) { lo, hi in
                    for i in lo..<hi {
                        let base = StateVectorKernels.insertZero(StateVectorKernels.insertZero(i, lowQ), highQ)
                        if base & cmask != cval { continue }
                        let idx = (2 * base, 2 * (base | b0), 2 * (base | b1), 2 * (base | b0 | b1))
                        let vr = (a[idx.0], a[idx.1], a[idx.2], a[idx.3])
                        let vi = (a[idx.0 + 1], a[idx.1 + 1], a[idx.2 + 1], a[idx.3 + 1])
                        for row in 0..<4 {
                            let o = row * 4
                            let re = mr[o] * vr.0 - mi[o] * vi.0 + mr[o + 1] * vr.1 - mi[o + 1] * vi.1
                                + mr[o + 2] * vr.2 - mi[o + 2] * vi.2 + mr[o + 3] * vr.3 - mi[o + 3] * vi.3
                            let im = mr[o] * vi.0 + mi[o] * vr.0 + mr[o + 1] * vi.1 + mi[o + 1] * vr.1
                                + mr[o + 2] * vi.2 + mi[o + 2] * vr.2 + mr[o + 3] * vi.3 + mi[o + 3] * vr.3
                            let p = row == 0 ? idx.0 : row == 1 ? idx.1 : row == 2 ? idx.2 : idx.3
                            a[p] = re
                            a[p + 1] = im
                        }
                    }
                }
            }
        }
    }
}

/// The plain reference kernel: any matrix on any targets, written for clarity, not speed.
/// Tests check every fast kernel against it.
public enum ReferenceKernels {
    public static func apply(_ a: UnsafeMutablePointer<Double>, qubits n: Int, matrix m: [Complex],
                             targets: [Int], cmask: Int, cval: Int) {
        let k = targets.count
        let dim = 1 << k
        let targetMask = targets.reduce(0) { $0 | (1 << $1) }
        var indices = [Int](repeating: 0, count: dim)
        var vector = [Complex](repeating: .zero, count: dim)
        for base in 0..<(1 << n) where base & targetMask == 0 && base & cmask == cval {
            for j in 0..<dim {
                var idx = base
                for (b, t) in targets.enumerated() where j & (1 << b) != 0 { idx |= 1 << t }
                indices[j] = idx
                vector[j] = Complex(a[2 * idx], a[2 * idx + 1])
            }
            for r in 0..<dim {
                var s = Complex.zero
                for c in 0..<dim { s += m[r * dim + c] * vector[c] }
                a[2 * indices[r]] = s.re
                a[2 * indices[r] + 1] = s.im
            }
        }
    }
}
