/// A small SVG writer: escaped text, fixed-precision numbers, and a theme-neutral palette
/// (mid-tone fills with white text read on JupyterLab's light and dark themes alike).
public struct SVG {
    var body = ""
    let width: Double, height: Double

    public init(width: Double, height: Double) { self.width = width; self.height = height }

    public static let wire = "#8a8f98"
    public static let text = "#8a8f98"
    public static let palette = (gate: "#3b6fb6", rotation: "#7b4fb3", phase: "#2f8f6f", measure: "#5f6670",
                                 control: "#3b6fb6", bar: "#3b82c4", accent: "#d9822b")

    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String = SVG.wire, width: Double = 1.5, dash: String? = nil, cls: String? = nil) {
        body += "<line x1=\"\(SVG.n(x1))\" y1=\"\(SVG.n(y1))\" x2=\"\(SVG.n(x2))\" y2=\"\(SVG.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(SVG.n(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")\(cls.map { " class=\"\($0)\"" } ?? "")/>"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, rx: Double = 4, stroke: String? = nil, cls: String? = nil, opacity: Double? = nil) {
        body += "<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" width=\"\(SVG.n(w))\" height=\"\(SVG.n(h))\" rx=\"\(SVG.n(rx))\" fill=\"\(fill)\"\(stroke.map { " stroke=\"\($0)\"" } ?? "")\(opacity.map { " fill-opacity=\"\(SVG.n($0))\"" } ?? "")\(cls.map { " class=\"\($0)\"" } ?? "")/>"
    }

    mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, fill: String, stroke: String? = nil, cls: String? = nil) {
        body += "<circle cx=\"\(SVG.n(cx))\" cy=\"\(SVG.n(cy))\" r=\"\(SVG.n(r))\" fill=\"\(fill)\"\(stroke.map { " stroke=\"\($0)\" stroke-width=\"1.5\"" } ?? "")\(cls.map { " class=\"\($0)\"" } ?? "")/>"
    }

    mutating func text(_ x: Double, _ y: Double, _ s: String, size: Double = 13, fill: String = SVG.text, anchor: String = "middle", weight: String? = nil, rotate: Double? = nil, cls: String? = nil) {
        let transform = rotate.map { " transform=\"rotate(\(SVG.n($0)) \(SVG.n(x)) \(SVG.n(y)))\"" } ?? ""
        body += "<text x=\"\(SVG.n(x))\" y=\"\(SVG.n(y))\" font-size=\"\(SVG.n(size))\" fill=\"\(fill)\" text-anchor=\"\(anchor)\" dominant-baseline=\"central\"\(weight.map { " font-weight=\"\($0)\"" } ?? "")\(transform)\(cls.map { " class=\"\($0)\"" } ?? "")>\(SVG.escape(s))</text>"
    }

    mutating func path(_ d: String, stroke: String, fill: String = "none", width: Double = 1.5, cls: String? = nil) {
        body += "<path d=\"\(d)\" stroke=\"\(stroke)\" fill=\"\(fill)\" stroke-width=\"\(SVG.n(width))\"\(cls.map { " class=\"\($0)\"" } ?? "")/>"
    }

    mutating func raw(_ s: String) { body += s }

    /// The document: natural size in pixels, scaled down only by the front end's max-width.
    public var document: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.n(width))\" height=\"\(SVG.n(height))\" viewBox=\"0 0 \(SVG.n(width)) \(SVG.n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">" + body + "</svg>"
    }

    /// Approximate text width for layout (no font metrics are available here).
    static func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.62 }
}
