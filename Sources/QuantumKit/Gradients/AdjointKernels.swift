import Synchronization

extension StateVectorKernels where Real == Double {
    /// One backward step of adjoint differentiation for a gate on one target above qubit 0,
    /// fused into a single pass over both vectors: returns Re <λ|M|ψ> for M = dU·U† (so it acts
    /// on ψ after the gate), then applies U† to ψ (this state) and to λ. Re <λ|z> is the sum of
    /// the lane-wise products of λ and z, so the sum stays in SIMD lanes until the end.
    func adjointStep(_ space: Subspace, bit: Int, lambda: StateVectorKernels<Double>, derivative m: [Complex], undo u: [Complex]) -> Double {
        let psi = lanes, lam = lambda.lanes
        let m00 = Scalar(m[0]), m01 = Scalar(m[1]), m10 = Scalar(m[2]), m11 = Scalar(m[3])
        let u00 = Scalar(u[0]), u01 = Scalar(u[1]), u10 = Scalar(u[2]), u11 = Scalar(u[3])
        let half = bit >> 1
        let total = Mutex(0.0)
        space.forEachChunk(n) { firstRun, endRun, length, runs in
            var acc = Lane(repeating: 0)
            var scalarSum = 0.0
            for run in firstRun..<endRun {
                let base = runs.base(run)
                if length == 1 {
                    let p0 = 2 * base, p1 = 2 * (base + bit)
                    let x = load(p0), y = load(p1), lx = lambda.load(p0), ly = lambda.load(p1)
                    let dx = m00.z * x + m01.z * y, dy = m10.z * x + m11.z * y
                    scalarSum += lx.re * dx.re + lx.im * dx.im + ly.re * dy.re + ly.im * dy.im
                    store(u00.z * x + u01.z * y, p0)
                    store(u10.z * x + u11.z * y, p1)
                    lambda.store(u00.z * lx + u01.z * ly, p0)
                    lambda.store(u10.z * lx + u11.z * ly, p1)
                    continue
                }
                var k = base >> 1
                let end = (base + length) >> 1
                while k < end {
                    let x = psi[k], y = psi[k + half], lx = lam[k], ly = lam[k + half]
                    let xs = StateVectorKernels.swapPairs(x), ys = StateVectorKernels.swapPairs(y)
                    let dx = m01.timesAdding(m00.times(x, swapped: xs), y, swapped: ys)
                    let dy = m11.timesAdding(m10.times(x, swapped: xs), y, swapped: ys)
                    acc += lx * dx + ly * dy
                    psi[k] = u01.timesAdding(u00.times(x, swapped: xs), y, swapped: ys)
                    psi[k + half] = u11.timesAdding(u10.times(x, swapped: xs), y, swapped: ys)
                    let lxs = StateVectorKernels.swapPairs(lx), lys = StateVectorKernels.swapPairs(ly)
                    lam[k] = u01.timesAdding(u00.times(lx, swapped: lxs), ly, swapped: lys)
                    lam[k + half] = u11.timesAdding(u10.times(lx, swapped: lxs), ly, swapped: lys)
                    k += 1
                }
            }
            let local = acc.sum() + scalarSum
            total.withLock { $0 += local }
        }
        return total.withLock { $0 }
    }
}
