/// Consecutive kernels that touch only qubits below `qubits` are applied chunk by chunk: every
/// kernel runs on one aligned chunk of 2^qubits amplitudes (128 KiB in double precision, which
/// stays in L2) before the next chunk is read, so the group costs one trip through memory
/// instead of one per kernel. Gates on higher qubits still take whole passes.
enum CacheBlocking {
    static let qubits = 13

    /// The kernels with runs of two or more low-qubit kernels merged into cache-blocked groups.
    static func group(_ kernels: [KernelChoice]) -> [KernelChoice] {
        var out: [KernelChoice] = []
        var low: [KernelChoice] = []
        func flush() {
            if low.count >= 2 { out.append(.cacheBlocked(low)) } else { out += low }
            low = []
        }
        for k in kernels {
            if k.highestQubit < qubits { low.append(k) } else { flush(); out.append(k) }
        }
        flush()
        return out
    }
}

extension KernelChoice {
    /// The highest qubit position the kernel reads or writes (Int.max for groups).
    var highestQubit: Int {
        func top(_ bits: Int) -> Int { bits == 0 ? -1 : Int.bitWidth - 1 - bits.leadingZeroBitCount }
        func top(_ space: Subspace) -> Int { space.positions.last ?? -1 }
        switch self {
        case .nothing: return -1
        case .scale(let parts): return parts.map { top($0.0) }.max() ?? -1
        case .phaseOnQubitZero(let parts): return parts.map { top($0.0) }.max() ?? -1
        case .diagonal(let bit0, let bit1, _): return top(bit0 | bit1)
        case .swap(let space, let a, let b): return max(top(space), top(a | b))
        case .dense1(let space, let bit, _): return max(top(space), top(bit))
        case .dense2(let space, let bit0, let bit1, _): return max(top(space), top(bit0 | bit1))
        case .flipQubitZero(let space), .dense1OnQubitZero(let space, _): return top(space)
        case .dense2OnQubitZero(let space, let bit1, _): return max(top(space), top(bit1))
        case .phaseGroup, .cacheBlocked: return Int.max
        }
    }
}

extension StateVectorKernels {
    func cacheBlocked(_ kernels: [KernelChoice]) {
        let chunkQubits = CacheBlocking.qubits
        guard n > chunkQubits else {
            for k in kernels { run(k) }
            return
        }
        let a = self.a
        // each chunk is below ParallelFor's threshold, so the kernels inside run on this thread
        ParallelFor.run(1 << (n - chunkQubits), itemSize: 1 << chunkQubits) { first, end in
            for chunk in first..<end {
                let view = StateVectorKernels(state: a + 2 * (chunk << chunkQubits), qubits: chunkQubits)
                for k in kernels { view.run(k) }
            }
        }
    }
}
