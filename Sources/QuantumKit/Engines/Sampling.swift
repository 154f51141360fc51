/// Drawing many shots from a distribution in one pass.
enum Sampling {
    /// Draws `shots` basis indices from the weights `weight(0..<count)` (summing to `total`):
    /// sorted uniforms swept once against the cumulative sum. Returns counts by index.
    static func draw(count: Int, total: Double, shots: Int, random: inout SeededRandom,
                     weight: (Int) -> Double) -> [Int: Int] {
        var draws = (0..<shots).map { _ in random.uniform() }
        draws.sort()
        var counts: [Int: Int] = [:]
        var cumulative = 0.0
        var lastNonZero = 0
        var d = 0
        var i = 0
        while d < shots && i < count {
            let w = weight(i)
            if w > 0 { lastNonZero = i }
            cumulative += w / total
            var hits = 0
            while d < shots && draws[d] < cumulative { hits += 1; d += 1 }
            if hits > 0 { counts[i, default: 0] += hits }
            i += 1
        }
        if d < shots {
            // rounding left the last draws above the final cumulative sum: give them to the last non-zero weight
            counts[lastNonZero, default: 0] += shots - d
        }
        return counts
    }

    /// The outcome of `qubits` in a basis index: bit j is qubits[j].
    static func outcome(of index: Int, _ qubits: [Int]) -> Int {
        var key = 0
        for (j, q) in qubits.enumerated() where index & (1 << q) != 0 { key |= 1 << j }
        return key
    }

    /// Counts by basis index turned into counts by the outcome of `qubits`.
    static func outcomes(_ byIndex: [Int: Int], of qubits: [Int]) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for (index, n) in byIndex { counts[outcome(of: index, qubits), default: 0] += n }
        return counts
    }
}
