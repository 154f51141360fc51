/// HTML tables for lists of records and for key/value reports (resource estimates).
public enum Tables {
    public static func html(header: [String], rows: [[String]]) -> String {
        var out = "<table style=\"border-collapse:collapse\"><thead><tr>"
        for h in header { out += "<th style=\"text-align:left;padding:2px 10px\">\(SVG.escape(h))</th>" }
        out += "</tr></thead><tbody>"
        for r in rows {
            out += "<tr>" + r.map { "<td style=\"padding:2px 10px\">\(SVG.escape($0))</td>" }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }

    public static func text(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = (0..<header.count).map { c in all.map { $0.count > c ? $0[c].count : 0 }.max() ?? 0 }
        return all.map { r in (0..<header.count).map { c in (c < r.count ? r[c] : "").padding(widths[c]) }.joined(separator: "  ") }
            .joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
