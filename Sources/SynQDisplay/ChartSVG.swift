/// Line plots, bar charts and histograms from `plot`, `bar` and `hist`.
public struct Chart {
    public enum Kind { case line, bar, histogram }
    public var kind: Kind
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [(label: String, xs: [Double], ys: [Double])]
    public var categories: [String]
    public init(kind: Kind, title: String, xLabel: String, yLabel: String, series: [(label: String, xs: [Double], ys: [Double])], categories: [String]) {
        self.kind = kind; self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.categories = categories
    }
}

public enum ChartSVG {
    static let colors = ["#3b82c4", "#d9822b", "#2f8f6f", "#b3474f", "#7b4fb3"]

    public static func render(_ chart: Chart) -> String {
        let width = 520.0, height = 320.0
        let left = 62.0, right = 16.0, top = chart.title.isEmpty ? 16.0 : 36.0, bottom = 48.0
        let plotW = width - left - right, plotH = height - top - bottom
        var svg = SVG(width: width, height: height)
        if !chart.title.isEmpty { svg.text(width / 2, 16, chart.title, size: 14, weight: "bold") }
        let allY = chart.series.flatMap { $0.ys }.filter { $0.isFinite }
        let allX = chart.series.flatMap { $0.xs }.filter { $0.isFinite }
        var yLo = min(0, allY.min() ?? 0), yHi = allY.max() ?? 1
        if chart.kind == .line { yLo = allY.min() ?? 0 }
        if yHi - yLo <= 1e-9 * max(1, abs(yHi)) {
            // a flat series: centre it in a unit range instead of magnifying rounding noise
            let mid = (yHi + yLo) / 2
            yLo = mid - 0.5
            yHi = mid + 0.5
        }
        let pad = (yHi - yLo) * 0.05
        if chart.kind == .line { yLo -= pad }
        yHi += pad
        var xLo = allX.min() ?? 0, xHi = allX.max() ?? 1
        if chart.kind == .histogram, let w = Double(chart.categories.first ?? "") { xHi += w }
        if xHi - xLo <= 1e-9 * max(1, abs(xHi)) { xLo -= 0.5; xHi += 0.5 }
        func px(_ x: Double) -> Double { left + (x - xLo) / (xHi - xLo) * plotW }
        func py(_ y: Double) -> Double { top + plotH - (y - yLo) / (yHi - yLo) * plotH }
        svg.line(left, top + plotH, left + plotW, top + plotH)
        svg.line(left, top, left, top + plotH)
        for t in Ticks.nice(yLo, yHi, count: 5) {
            svg.line(left - 4, py(t), left, py(t))
            svg.line(left, py(t), left + plotW, py(t), stroke: SVG.wire, width: 0.5, dash: "2 3")
            svg.text(left - 7, py(t), Ticks.label(t), size: 10, anchor: "end")
        }
        switch chart.kind {
        case .line:
            for t in Ticks.nice(xLo, xHi, count: 6) {
                svg.line(px(t), top + plotH, px(t), top + plotH + 4)
                svg.text(px(t), top + plotH + 14, Ticks.label(t), size: 10)
            }
            for (i, s) in chart.series.enumerated() {
                let color = colors[i % colors.count]
                let points = zip(s.xs, s.ys).filter { $0.1.isFinite }
                let d = points.enumerated().map { "\($0.offset == 0 ? "M" : "L") \(SVG.n(px($0.element.0))) \(SVG.n(py($0.element.1)))" }.joined(separator: " ")
                svg.path(d, stroke: color, width: 2, cls: "series")
                if points.count <= 60 { for (x, y) in points { svg.circle(px(x), py(y), 2.5, fill: color) } }
            }
        case .bar:
            let n = Double(max(chart.categories.count, 1))
            let slot = plotW / n
            for (i, y) in (chart.series.first?.ys ?? []).enumerated() {
                let x = left + Double(i) * slot + slot * 0.15
                svg.rect(x, min(py(y), py(0)), slot * 0.7, abs(py(0) - py(y)), fill: colors[0], rx: 2, cls: "bar")
                svg.text(x + slot * 0.35, top + plotH + 14, chart.categories[i], size: 10)
            }
        case .histogram:
            let w = Double(chart.categories.first ?? "") ?? 1
            for t in Ticks.nice(xLo, xHi, count: 6) {
                svg.line(px(t), top + plotH, px(t), top + plotH + 4)
                svg.text(px(t), top + plotH + 14, Ticks.label(t), size: 10)
            }
            if let s = chart.series.first {
                for (x, y) in zip(s.xs, s.ys) {
                    svg.rect(px(x) + 0.5, py(y), max(1, px(x + w) - px(x) - 1), py(0) - py(y), fill: colors[0], rx: 0, cls: "bar")
                }
            }
        }
        if !chart.xLabel.isEmpty { svg.text(left + plotW / 2, height - 12, chart.xLabel, size: 12) }
        if !chart.yLabel.isEmpty { svg.text(16, top + plotH / 2, chart.yLabel, size: 12, rotate: -90) }
        return svg.document
    }
}
