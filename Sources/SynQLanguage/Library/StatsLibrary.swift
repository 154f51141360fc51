import Glibc

/// stats: descriptive statistics of a list of numbers.
enum StatsLibrary {
    static func nonEmpty(_ a: Arguments, _ name: String) throws -> [Double] {
        let xs = try a.numbers(0, "xs")
        guard !xs.isEmpty else { throw SynQError.value("\(name)() of an empty list") }
        return xs
    }

    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

    static func variance(_ xs: [Double], sample: Bool) -> Double {
        let m = mean(xs)
        let denominator = Double(sample ? max(xs.count - 1, 1) : xs.count)
        return xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / denominator
    }

    static let builtins: [Builtin] = [
        Builtin("mean", "stats.mean(xs) -> Float", "The arithmetic mean.") { a in .float(mean(try nonEmpty(a, "mean"))) },
        Builtin("median", "stats.median(xs) -> Float", "The middle value (the mean of the two middle values for an even count).") { a in
            let xs = try nonEmpty(a, "median").sorted()
            let n = xs.count
            return .float(n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2)
        },
        Builtin("variance", "stats.variance(xs, sample: true) -> Float", "The variance; sample: false divides by n instead of n - 1.") { a in
            .float(variance(try nonEmpty(a, "variance"), sample: try a.bool("sample", default: true)))
        },
        Builtin("stddev", "stats.stddev(xs, sample: true) -> Float", "The standard deviation (square root of the variance).") { a in
            .float(variance(try nonEmpty(a, "stddev"), sample: try a.bool("sample", default: true)).squareRoot())
        },
        Builtin("histogram", "stats.histogram(xs, bins: 10) -> Map", "Counts of the values in equal-width bins: a Map with \"edges\" (bins + 1 Floats) and \"counts\" (bins Ints).") { a in
            let xs = try nonEmpty(a, "histogram")
            let bins = try a.optionalInt(1, "bins") ?? 10
            guard bins > 0 else { throw SynQError.value("bins must be positive") }
            let (lo, hi) = (xs.min()!, xs.max()!)
            let width = hi > lo ? (hi - lo) / Double(bins) : 1
            var counts = [Int](repeating: 0, count: bins)
            for x in xs { counts[min(bins - 1, Int((x - lo) / width))] += 1 }
            let edges = (0...bins).map { Value.float(lo + Double($0) * width) }
            return .map(MapRef([(.string("edges"), .list(ListRef(edges))), (.string("counts"), .list(ListRef(counts.map { .int($0) })))]))
        },
    ]

    static let module = Module(name: "stats", doc: "Descriptive statistics.", members: Dictionary(uniqueKeysWithValues: builtins.map { ($0.name, Value.builtin($0)) }))
}
