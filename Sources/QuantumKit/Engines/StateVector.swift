import Glibc

/// A state of n qubits as 2^n complex doubles, interleaved (re, im), in one 64-byte-aligned block.
/// Amplitude index bit j is qubit j (little-endian, qubit 0 rightmost in bitstrings).
public final class StateVector {
    public let qubitCount: Int
    public let dimension: Int
    public let amplitudes: UnsafeMutablePointer<Double>

    /// |0...0>. Throws a clear error when the state would not fit the limit or the free memory.
    public init(qubits: Int) throws {
        try MemoryBudget.check(qubits: qubits, bytesPerAmplitude: 16, what: "a state vector")
        qubitCount = qubits
        dimension = 1 << qubits
        var raw: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&raw, 64, dimension * 16) == 0, let raw else {
            throw SimulationError("SIM002", "could not allocate \(MemoryBudget.formatBytes(qubits, 16)) for \(qubits) qubits")
        }
        amplitudes = raw.bindMemory(to: Double.self, capacity: 2 * dimension)
        let a = amplitudes
        ParallelFor.run(dimension) { lo, hi in
            (a + 2 * lo).initialize(repeating: 0, count: 2 * (hi - lo))
        }
        amplitudes[0] = 1
    }

    deinit { free(amplitudes) }

    public subscript(index: Int) -> Complex {
        get { Complex(amplitudes[2 * index], amplitudes[2 * index + 1]) }
        set { amplitudes[2 * index] = newValue.re; amplitudes[2 * index + 1] = newValue.im }
    }

    public func copy() throws -> StateVector {
        let s = try StateVector(qubits: qubitCount)
        s.amplitudes.update(from: amplitudes, count: 2 * dimension)
        return s
    }

    public var array: [Complex] { (0..<dimension).map { self[$0] } }

    public func setZero() {
        amplitudes.initialize(repeating: 0, count: 2 * dimension)
        amplitudes[0] = 1
    }

    /// Multiplies every amplitude by `factor` (a global phase).
    public func multiply(by factor: Complex) {
        let a = amplitudes
        ParallelFor.run(dimension) { lo, hi in
            for i in lo..<hi {
                let z = Complex(a[2 * i], a[2 * i + 1]) * factor
                a[2 * i] = z.re
                a[2 * i + 1] = z.im
            }
        }
    }

    // MARK: - gates

    /// Applies one gate operation, choosing the specialised kernel for its shape.
    public func apply(_ op: Operation, bindings: [String: Double] = [:]) throws {
        var cmask = 0, cval = 0
        for (q, on) in zip(op.controls, op.controlStates) {
            cmask |= 1 << q
            if on { cval |= 1 << q }
        }
        let m = try op.matrix(bindings)
        let kernels = StateVectorKernels(state: amplitudes, qubits: qubitCount)
        if op.kind.qubitCount == 1 {
            let t = op.targets[0]
            if m[1] == .zero && m[2] == .zero {
                if m[0] == .one && m[3] == .one { return }
                kernels.diagonal1(target: t, m[0], m[3], cmask: cmask, cval: cval)
            } else if m[0] == .zero && m[3] == .zero && m[1] == .one && m[2] == .one {
                kernels.flip(target: t, cmask: cmask, cval: cval)
            } else {
                kernels.dense1(target: t, m, cmask: cmask, cval: cval)
            }
        } else if op.kind == .swap && !op.inverted && op.power == 1 {
            kernels.swap(op.targets[0], op.targets[1], cmask: cmask, cval: cval)
        } else if op.kind.isDiagonal {
            kernels.diagonal2(op.targets[0], op.targets[1], [m[0], m[5], m[10], m[15]], cmask: cmask, cval: cval)
        } else {
            kernels.dense2(op.targets[0], op.targets[1], m, cmask: cmask, cval: cval)
        }
    }

    /// Applies an arbitrary matrix on `targets` (bit j of a row index is targets[j]).
    public func applyMatrix(_ m: [Complex], targets: [Int], controls: [Int] = []) {
        let cmask = controls.reduce(0) { $0 | (1 << $1) }
        ReferenceKernels.apply(amplitudes, qubits: qubitCount, matrix: m, targets: targets, cmask: cmask, cval: cmask)
    }

    // MARK: - observation

    /// Probability that `qubit` reads 1.
    public func probabilityOfOne(_ qubit: Int) -> Double {
        let a = amplitudes
        let bit = 1 << qubit
        let half = dimension / 2
        return ParallelFor.sum(half) { lo, hi in
            var s = 0.0
            for i in lo..<hi {
                let j = ((i >> qubit) << (qubit + 1)) | (i & (bit - 1)) | bit
                s += a[2 * j] * a[2 * j] + a[2 * j + 1] * a[2 * j + 1]
            }
            return s
        }
    }

    /// Measures one qubit: draws the outcome, collapses and renormalises.
    public func measure(_ qubit: Int, random: inout SeededRandom) -> Bool {
        let p1 = probabilityOfOne(qubit)
        let outcome = random.uniform() < p1
        collapse(qubit, to: outcome, probability: outcome ? p1 : 1 - p1)
        return outcome
    }

    /// Projects `qubit` onto `value` and renormalises.
    public func collapse(_ qubit: Int, to value: Bool, probability: Double) {
        let scale = probability > 0 ? 1 / probability.squareRoot() : 0
        let a = amplitudes
        let bit = 1 << qubit
        let keep = value ? bit : 0
        ParallelFor.run(dimension) { lo, hi in
            for i in lo..<hi {
                if i & bit == keep {
                    a[2 * i] *= scale; a[2 * i + 1] *= scale
                } else {
                    a[2 * i] = 0; a[2 * i + 1] = 0
                }
            }
        }
    }

    /// Resets a qubit to |0> (measure, then flip if it read 1).
    public func reset(_ qubit: Int, random: inout SeededRandom) {
        if measure(qubit, random: &random) {
            StateVectorKernels(state: amplitudes, qubits: qubitCount).flip(target: qubit, cmask: 0, cval: 0)
        }
    }

    public func probabilities() -> [Double] {
        (0..<dimension).map { amplitudes[2 * $0] * amplitudes[2 * $0] + amplitudes[2 * $0 + 1] * amplitudes[2 * $0 + 1] }
    }

    /// Probabilities of the outcomes of `qubits` (bit j of the outcome is qubits[j]).
    public func marginal(_ qubits: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: 1 << qubits.count)
        for i in 0..<dimension {
            let p = amplitudes[2 * i] * amplitudes[2 * i] + amplitudes[2 * i + 1] * amplitudes[2 * i + 1]
            if p == 0 { continue }
            var k = 0
            for (j, q) in qubits.enumerated() where i & (1 << q) != 0 { k |= 1 << j }
            out[k] += p
        }
        return out
    }

    public var norm: Double {
        let a = amplitudes
        return ParallelFor.sum(dimension) { lo, hi in
            var s = 0.0
            for i in 2 * lo..<2 * hi { s += a[i] * a[i] }
            return s
        }
    }

    /// Draws `shots` outcomes of `qubits` without collapsing: sorted uniforms swept once
    /// against the cumulative probabilities. Returns counts by outcome index.
    public func sample(_ qubits: [Int], shots: Int, random: inout SeededRandom) -> [Int: Int] {
        var draws = (0..<shots).map { _ in random.uniform() }
        draws.sort()
        let total = norm
        var counts: [Int: Int] = [:]
        let identity = qubits == Array(0..<qubitCount)
        var cumulative = 0.0
        var d = 0
        var i = 0
        while d < shots && i < dimension {
            cumulative += (amplitudes[2 * i] * amplitudes[2 * i] + amplitudes[2 * i + 1] * amplitudes[2 * i + 1]) / total
            var hits = 0
            while d < shots && draws[d] < cumulative { hits += 1; d += 1 }
            if hits > 0 {
                var key = i
                if !identity {
                    key = 0
                    for (j, q) in qubits.enumerated() where i & (1 << q) != 0 { key |= 1 << j }
                }
                counts[key, default: 0] += hits
            }
            i += 1
        }
        if d < shots {
            // rounding left the last draws above the final cumulative sum: give them to the last non-zero amplitude
            var last = dimension - 1
            while last > 0 && self[last].normSquared == 0 { last -= 1 }
            var key = last
            if !identity {
                key = 0
                for (j, q) in qubits.enumerated() where last & (1 << q) != 0 { key |= 1 << j }
            }
            counts[key, default: 0] += shots - d
        }
        return counts
    }
}
