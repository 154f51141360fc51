import Glibc
import QuantumKit

/// States as an HTML table (basis, amplitude, probability bar, phase), a LaTeX ket sum and text.
public enum StateHTML {
    public static let maxRows = 64

    public static func html(_ amplitudes: [Complex], qubits: Int) -> String {
        let rows = amplitudes.enumerated().filter { $0.element.normSquared > 1e-20 }
        var out = "<table class=\"synq-state\" style=\"border-collapse:collapse;font-variant-numeric:tabular-nums\">"
        out += "<thead><tr><th style=\"text-align:left;padding:2px 10px\">basis</th><th style=\"text-align:right;padding:2px 10px\">amplitude</th>"
        out += "<th style=\"text-align:left;padding:2px 10px\">probability</th><th style=\"text-align:left;padding:2px 10px\">phase</th></tr></thead><tbody>"
        for (index, a) in rows.prefix(maxRows) {
            let p = a.normSquared
            let phase = a.phase
            let hue = Int(((phase < 0 ? phase + 2 * .pi : phase) / (2 * .pi) * 360).rounded()) % 360
            out += "<tr><td style=\"padding:2px 10px;font-family:monospace\">|\(StateText.bits(index, qubits))⟩</td>"
            out += "<td style=\"padding:2px 10px;text-align:right;font-family:monospace\">\(SVG.escape(StateText.amplitude(a)))</td>"
            out += "<td style=\"padding:2px 10px\"><div style=\"display:flex;align-items:center;gap:6px\">"
            out += "<div style=\"width:120px;height:10px;background:rgba(138,143,152,0.25);border-radius:2px\"><div style=\"width:\(String(format2(p * 100)))%;height:10px;background:#3b82c4;border-radius:2px\"></div></div>"
            out += "<span style=\"font-family:monospace\">\(format2(p))</span></div></td>"
            out += "<td style=\"padding:2px 10px\"><span style=\"display:inline-block;width:10px;height:10px;border-radius:5px;background:hsl(\(hue),65%,50%);margin-right:6px\"></span>\(SVG.escape(AngleText.format(phase)))</td></tr>"
        }
        out += "</tbody></table>"
        if rows.count > maxRows { out += "<p>… \(rows.count - maxRows) more basis states with non-zero amplitude</p>" }
        return out
    }

    public static func latex(_ amplitudes: [Complex], qubits: Int) -> String {
        let rows = amplitudes.enumerated().filter { $0.element.normSquared > 1e-20 }
        var terms: [String] = []
        for (index, a) in rows.prefix(maxRows) {
            var coefficient = StateText.amplitude(a)
            if coefficient == "1" { coefficient = "" } else if coefficient == "-1" { coefficient = "-" }
            terms.append("\(coefficient)\\left|\(StateText.bits(index, qubits))\\right\\rangle")
        }
        if rows.count > maxRows { terms.append("\\ldots") }
        let s = terms.joined(separator: " + ").replacing("+ -", with: "- ")
        return "$" + s + "$"
    }

    static func format2(_ x: Double) -> String {
        let r = (x * 10000).rounded() / 10000
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
