import QuantumKit
import Support
import SynQDisplay
import SynQLanguage

/// Turns values into MIME bundles: every value has text/plain; circuits, counts, states,
/// figures, estimates and lists of maps add their richer forms.
enum RichOutput {
    /// Counts as JSON for programs, under a vendor type: JupyterLab renders a plain
    /// application/json output as a JSON tree, ranked above the histogram's SVG.
    static let countsJSON = "application/vnd.synq.counts+json"

    /// Output metadata: circuit diagrams are `unconfined`, so JupyterLab shows them at their own
    /// size and scrolls a wide one sideways instead of shrinking its text to the cell's width.
    static func metadata(_ value: Value) -> JSONObject {
        if case .object(is CircuitValue) = value { return ["image/svg+xml": .object(["unconfined": .bool(true)])] }
        return [:]
    }

    static func bundle(_ value: Value) -> JSONObject {
        var data: JSONObject = ["text/plain": .string(Format.repr(value).isEmpty ? "" : text(value))]
        switch value {
        case .object(let c as CircuitValue):
            data["image/svg+xml"] = .string(CircuitSVG.render(c.circuit))
        case .object(let counts as CountsValue):
            let rows = counts.counts.sorted
            data["image/svg+xml"] = .string(HistogramSVG.render(rows, shots: counts.counts.shots))
            data["text/plain"] = .string(Tables.text(header: ["outcome", "count", "probability"],
                                                     rows: rows.prefix(64).map { [$0.0, String($0.1), fraction($0.1, counts.counts.shots)] }))
            if let json = try? counts.json() { data[countsJSON] = json }
        case .object(let s as StateValue):
            let amplitudes = s.amplitudes
            data["text/html"] = .string(StateHTML.html(amplitudes, qubits: s.qubitCount))
            data["text/latex"] = .string(StateHTML.latex(amplitudes, qubits: s.qubitCount))
        case .object(let f as FigureValue):
            data["image/svg+xml"] = .string(ChartSVG.render(chart(f)))
        case .object(let d as DensityValue):
            data["text/html"] = .string(DensityHTML.html(d.rho.dimension, qubits: d.qubitCount, purity: d.rho.purity) { d.rho[$0, $1] })
        case .object(let e as EstimateValue):
            data["text/html"] = .string(Tables.html(header: ["resource", "value"], rows: e.rows.map { [$0.0, $0.1] }))
        case .list(let l) where !l.items.isEmpty && l.items.allSatisfy({ if case .map = $0 { return true }; return false }):
            var header: [String] = []
            for case .map(let m) in l.items { for k in m.keys where !header.contains(Format.str(k.value)) { header.append(Format.str(k.value)) } }
            let rows: [[String]] = l.items.prefix(200).map { item in
                guard case .map(let m) = item else { return [] }
                return header.map { h in m[.string(h)].map(Format.str) ?? "" }
            }
            data["text/html"] = .string(Tables.html(header: header, rows: rows))
        default: break
        }
        return data
    }

    static func text(_ value: Value) -> String { Format.repr(value) }

    static func fraction(_ n: Int, _ total: Int) -> String {
        guard total > 0 else { return "0" }
        let p = (Double(n) / Double(total) * 10000).rounded() / 10000
        return String(p)
    }

    static func chart(_ f: FigureValue) -> Chart {
        let kind: Chart.Kind = f.kind == .line ? .line : f.kind == .bar ? .bar : .histogram
        return Chart(kind: kind, title: f.title, xLabel: f.xLabel, yLabel: f.yLabel,
                     series: f.series.map { (label: $0.label, xs: $0.xs, ys: $0.ys) }, categories: f.categories)
    }
}
