import QuantumKit

/// Density matrices as HTML: up to 4 qubits the whole matrix, each cell shaded by its magnitude
/// and tinted by its phase; beyond that the diagonal, as basis-state probabilities.
public enum DensityHTML {
    public static let maxMatrixQubits = 4

    public static func html(_ dimension: Int, qubits: Int, purity: Double, entry: (Int, Int) -> Complex) -> String {
        var out = "<div class=\"synq-density\"><p style=\"margin:2px 0\">density matrix of \(qubits) qubit\(qubits == 1 ? "" : "s"), purity Tr ρ² = \(StateHTML.format2(purity))</p>"
        if qubits <= maxMatrixQubits {
            let cell = "padding:2px 6px;font-family:monospace;text-align:right"
            out += "<table style=\"border-collapse:collapse;font-variant-numeric:tabular-nums\"><thead><tr><th></th>"
            for c in 0..<dimension { out += "<th style=\"\(cell)\">⟨\(StateText.bits(c, qubits))|</th>" }
            out += "</tr></thead><tbody>"
            for r in 0..<dimension {
                out += "<tr><th style=\"\(cell)\">|\(StateText.bits(r, qubits))⟩</th>"
                for c in 0..<dimension {
                    let z = entry(r, c)
                    let phase = z.phase < 0 ? z.phase + 2 * .pi : z.phase
                    let hue = Int((phase / (2 * .pi) * 360).rounded()) % 360
                    let alpha = StateHTML.format2(min(1, z.magnitude) * 0.6)
                    let text = z.magnitude < 5e-5 ? "0" : StateText.amplitude(z)
                    out += "<td style=\"\(cell);background:hsla(\(hue),65%,50%,\(alpha))\">\(SVG.escape(text))</td>"
                }
                out += "</tr>"
            }
            return out + "</tbody></table></div>"
        }
        let rows = (0..<dimension).map { ($0, entry($0, $0).re) }.filter { $0.1 > 1e-12 }.sorted { $0.1 > $1.1 }
        out += Tables.html(header: ["basis", "probability"],
                           rows: rows.prefix(StateHTML.maxRows).map { ["|\(StateText.bits($0.0, qubits))⟩", StateHTML.format2($0.1)] })
        return out + "</div>"
    }
}
