/// Measurement histograms: one bar per outcome (the most frequent ones when there are many),
/// with counts above the bars and bitstrings below.
public enum HistogramSVG {
    public static let maxBars = 32

    /// `rows` are (bitstring, count), most frequent first.
    public static func render(_ rows: [(String, Int)], shots: Int, title: String = "") -> String {
        var shown = Array(rows.prefix(maxBars))
        let rest = rows.dropFirst(maxBars).reduce(0) { $0 + $1.1 }
        shown.sort { $0.0 < $1.0 }
        if rest > 0 { shown.append(("other", rest)) }
        let labelLength = shown.map { $0.0.count }.max() ?? 1
        let rotate = labelLength * 8 > 34
        let barWidth = max(22.0, min(48.0, 640.0 / Double(max(shown.count, 1))))
        let left = 52.0, plotHeight = 200.0, top = title.isEmpty ? 18.0 : 38.0
        let bottom = rotate ? Double(labelLength) * 7.6 + 24 : 30
        let width = left + Double(shown.count) * (barWidth + 8) + 20
        var svg = SVG(width: max(width, 160), height: top + plotHeight + bottom)
        if !title.isEmpty { svg.text(width / 2, 16, title, size: 14, weight: "bold") }
        let maxCount = Double(shown.map { $0.1 }.max() ?? 1)
        let axisY = top + plotHeight
        svg.line(left, top, left, axisY)
        svg.line(left, axisY, width - 10, axisY)
        for tick in Ticks.nice(0, maxCount, count: 4) {
            let ty = axisY - tick / maxCount * plotHeight
            svg.line(left - 4, ty, left, ty)
            svg.text(left - 7, ty, Ticks.label(tick), size: 10, anchor: "end")
        }
        svg.text(14, top + plotHeight / 2, "count", size: 11, rotate: -90)
        for (i, (label, count)) in shown.enumerated() {
            let x = left + 8 + Double(i) * (barWidth + 8)
            let h = Double(count) / maxCount * plotHeight
            svg.rect(x, axisY - h, barWidth, h, fill: label == "other" ? SVG.wire : SVG.palette.bar, rx: 2, cls: "bar")
            let fraction = shots > 0 ? Double(count) / Double(shots) : 0
            svg.text(x + barWidth / 2, axisY - h - 8, barWidth >= 30 ? Ticks.label(fraction, digits: 3) : String(count), size: 9)
            if rotate {
                svg.text(x + barWidth / 2, axisY + 8, label, size: 11, anchor: "end", rotate: -60)
            } else {
                svg.text(x + barWidth / 2, axisY + 14, label, size: 11)
            }
        }
        return svg.document
    }
}

/// Axis ticks at round numbers.
enum Ticks {
    static func nice(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(count)
        let magnitude = pow10(floorLog10(raw))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var k = (lo / step).rounded(.up)
        while k * step <= hi + step * 1e-9 && ticks.count <= 2 * count + 2 {
            ticks.append(k * step)
            k += 1
        }
        return ticks
    }

    static func floorLog10(_ x: Double) -> Int {
        var e = 0
        var v = x
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 && v > 0 { v *= 10; e -= 1 }
        return e
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }

    static func label(_ x: Double, digits: Int = 4) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        var s = String((x * scale).rounded() / scale)
        if s.hasPrefix("0.") { s = String(s) }
        return s
    }
}
