/// plot: Figure values (line plots, bar charts, histograms). The kernel renders them as SVG;
/// elsewhere they print as a one-line summary.
public final class FigureValue: NativeObject {
    public enum Kind: String { case line, bar, histogram }
    public let kind: Kind
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Line plots: one or more (label, xs, ys) series. Bar charts: labels and one series of heights.
    public var series: [(label: String, xs: [Double], ys: [Double])]
    public var categories: [String]

    init(kind: Kind, title: String, xLabel: String = "", yLabel: String = "", series: [(String, [Double], [Double])], categories: [String] = []) {
        self.kind = kind; self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.series = series.map { (label: $0.0, xs: $0.1, ys: $0.2) }
        self.categories = categories
    }

    public var typeName: String { "Figure" }
    public var text: String {
        let n = series.first?.ys.count ?? 0
        return "<Figure \(kind.rawValue)\(title.isEmpty ? "" : " \"\(title)\""), \(n) point\(n == 1 ? "" : "s")>"
    }
}

enum PlotLibrary {
    static func options(_ a: Arguments) -> (String, String, String) {
        (a.keyword("title").map(Format.str) ?? "", a.keyword("xlabel").map(Format.str) ?? "", a.keyword("ylabel").map(Format.str) ?? "")
    }

    static let builtins: [Builtin] = [
        Builtin("plot", "plot(xs, ys = nil, title: \"\", xlabel: \"\", ylabel: \"\", label: \"\") -> Figure",
                "A line plot of ys against xs (or of xs against 0, 1, 2, ... when ys is omitted). It displays as an SVG chart.") { a in
            try a.require(1, "plot", "plot(xs, ys)")
            var xs = try a.numbers(0, "xs")
            var ys: [Double]
            if a.count > 1 { ys = try a.numbers(1, "ys") } else { ys = xs; xs = ys.indices.map(Double.init) }
            guard xs.count == ys.count else { throw SynQError.value("plot: xs has \(xs.count) values but ys has \(ys.count)") }
            let (title, xl, yl) = options(a)
            return .object(FigureValue(kind: .line, title: title, xLabel: xl, yLabel: yl, series: [(a.keyword("label").map(Format.str) ?? "", xs, ys)]))
        },
        Builtin("bar", "bar(labels, values, title: \"\") -> Figure", "A bar chart. It displays as an SVG chart.") { a in
            let labels = try a.list(0, "labels").map(Format.str)
            let values = try a.numbers(1, "values")
            guard labels.count == values.count else { throw SynQError.value("bar: \(labels.count) labels but \(values.count) values") }
            let (title, xl, yl) = options(a)
            return .object(FigureValue(kind: .bar, title: title, xLabel: xl, yLabel: yl, series: [("", values.indices.map(Double.init), values)], categories: labels))
        },
        Builtin("hist", "hist(values, bins: 10, title: \"\") -> Figure", "A histogram of the values in equal-width bins. It displays as an SVG chart.") { a in
            let xs = try a.numbers(0, "values")
            guard !xs.isEmpty else { throw SynQError.value("hist of an empty list") }
            let bins = try a.optionalInt(nil, "bins") ?? 10
            guard bins > 0 else { throw SynQError.value("bins must be positive") }
            let (lo, hi) = (xs.min()!, xs.max()!)
            let width = hi > lo ? (hi - lo) / Double(bins) : 1
            var counts = [Double](repeating: 0, count: bins)
            for x in xs { counts[min(bins - 1, Int((x - lo) / width))] += 1 }
            let (title, xl, yl) = options(a)
            let edges = (0..<bins).map { lo + Double($0) * width }
            return .object(FigureValue(kind: .histogram, title: title, xLabel: xl, yLabel: yl.isEmpty ? "count" : yl,
                                       series: [("", edges, counts)], categories: [String(width)]))
        },
    ]
}
