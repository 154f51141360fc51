import QuantumKit

/// Circuit diagrams: columns by moment, gate boxes (multi-qubit gates as one tall box), control
/// dots and lines, target circles, swap crosses, measurement meters with a classical wire,
/// barriers, and angles as fractions of π.
public enum CircuitSVG {
    static let rowHeight = 44.0, boxHeight = 30.0, top = 24.0

    public static func render(_ circuit: Circuit) -> String {
        let n = max(circuit.qubitCount, 1)
        let columns = CircuitText.columns(circuit)
        let labels = (0..<n).map { circuit.qubitCount == 0 ? "" : circuit.qubitLabel($0) }
        let left = 16 + (labels.map { SVG.textWidth($0, size: 13) }.max() ?? 20)
        var widths: [Double] = []
        for column in columns {
            var w = 40.0
            for inst in column {
                for (_, label) in CircuitText.labels(inst) { w = max(w, SVG.textWidth(label, size: 13) + 20) }
            }
            widths.append(w)
        }
        let hasClassical = circuit.clbitCount > 0
        let classicalY = top + Double(n) * rowHeight + 6
        let width = left + widths.reduce(0) { $0 + $1 + 12 } + 24
        let height = top + Double(n) * rowHeight + (hasClassical ? 34 : 4)
        var svg = SVG(width: width, height: height)
        func y(_ q: Int) -> Double { top + Double(q) * rowHeight + rowHeight / 2 - 10 }
        for q in 0..<n {
            svg.text(left - 10, y(q), labels[q], anchor: "end", cls: "qubit-label")
            svg.line(left, y(q), width - 12, y(q), cls: "wire")
        }
        if hasClassical {
            svg.line(left, classicalY - 2, width - 12, classicalY - 2, cls: "cwire")
            svg.line(left, classicalY + 2, width - 12, classicalY + 2, cls: "cwire")
            svg.text(left - 10, classicalY, circuit.clbitRegisters.count == 1 ? circuit.clbitRegisters[0].name : "c", anchor: "end", cls: "clbit-label")
        }
        var x = left + 6
        for (column, w) in zip(columns, widths) {
            let cx = x + w / 2
            for inst in column { draw(inst, at: cx, width: w, y: y, classicalY: classicalY, into: &svg) }
            x += w + 12
        }
        return svg.document
    }

    static func color(_ kind: GateKind) -> String {
        switch kind {
        case .rx, .ry, .rz, .rxx, .ryy, .rzz, .u: return SVG.palette.rotation
        case .p, .s, .sdg, .t, .tdg, .z: return SVG.palette.phase
        default: return SVG.palette.gate
        }
    }

    static func draw(_ inst: Instruction, at cx: Double, width w: Double, y: (Int) -> Double, classicalY: Double, into svg: inout SVG) {
        switch inst {
        case .barrier(let qs):
            guard let lo = qs.min(), let hi = qs.max() else { return }
            svg.rect(cx - 6, y(lo) - 18, 12, y(hi) - y(lo) + 36, fill: SVG.wire, rx: 2, cls: "barrier", opacity: 0.18)
            svg.line(cx, y(lo) - 18, cx, y(hi) + 18, dash: "4 3", cls: "barrier-line")
        case .measure(let q, let c):
            svg.line(cx - 1.5, y(q) + boxHeight / 2, cx - 1.5, classicalY - 6, stroke: SVG.palette.measure)
            svg.line(cx + 1.5, y(q) + boxHeight / 2, cx + 1.5, classicalY - 6, stroke: SVG.palette.measure)
            svg.path("M \(SVG.n(cx - 5)) \(SVG.n(classicalY - 10)) L \(SVG.n(cx)) \(SVG.n(classicalY - 2)) L \(SVG.n(cx + 5)) \(SVG.n(classicalY - 10)) Z", stroke: SVG.palette.measure, fill: SVG.palette.measure)
            svg.rect(cx - 18, y(q) - boxHeight / 2, 36, boxHeight, fill: SVG.palette.measure, cls: "measure")
            svg.path("M \(SVG.n(cx - 11)) \(SVG.n(y(q) + 7)) A 11 11 0 0 1 \(SVG.n(cx + 11)) \(SVG.n(y(q) + 7))", stroke: "#ffffff", width: 1.6)
            svg.line(cx, y(q) + 7, cx + 8, y(q) - 8, stroke: "#ffffff", width: 1.6)
            svg.text(cx + 10, classicalY + 12, String(c), size: 10)
        case .reset(let q):
            svg.rect(cx - 18, y(q) - boxHeight / 2, 36, boxHeight, fill: SVG.palette.measure, cls: "gate reset")
            svg.text(cx, y(q), "|0⟩", fill: "#ffffff")
        case .gate(let op):
            drawGate(op, at: cx, width: w, y: y, into: &svg, condition: nil, classicalY: classicalY)
        case .conditional(let bits, let value, let op):
            drawGate(op, at: cx, width: w, y: y, into: &svg, condition: (bits, value), classicalY: classicalY)
        }
    }

    static func drawGate(_ op: Operation, at cx: Double, width w: Double, y: (Int) -> Double, into svg: inout SVG,
                         condition: ([Int], Int)?, classicalY: Double) {
        let qubits = op.qubits
        let lo = qubits.min()!, hi = qubits.max()!
        if lo != hi { svg.line(cx, y(lo), cx, y(hi), stroke: SVG.palette.control, width: 2, cls: "connector") }
        if let (bits, value) = condition {
            svg.line(cx, y(hi) + boxHeight / 2, cx, classicalY - 4, stroke: SVG.palette.accent, dash: "3 2")
            svg.circle(cx, classicalY, 4, fill: SVG.palette.accent)
            svg.text(cx + 8, classicalY + 12, "c\(bits)=\(value)", size: 10, anchor: "start")
        }
        for (q, on) in zip(op.controls, op.controlStates) {
            svg.circle(cx, y(q), 6, fill: on ? SVG.palette.control : "none", stroke: SVG.palette.control, cls: on ? "control" : "negcontrol")
        }
        let plain = !op.inverted && op.power == 1
        if op.kind == .x && !op.controls.isEmpty && plain {
            let t = y(op.targets[0])
            svg.circle(cx, t, 12, fill: SVG.palette.control, cls: "target")
            svg.line(cx - 7, t, cx + 7, t, stroke: "#ffffff", width: 2)
            svg.line(cx, t - 7, cx, t + 7, stroke: "#ffffff", width: 2)
            return
        }
        if op.kind == .swap && plain {
            for t in op.targets {
                svg.line(cx - 7, y(t) - 7, cx + 7, y(t) + 7, stroke: SVG.palette.control, width: 2.2, cls: "swap")
                svg.line(cx - 7, y(t) + 7, cx + 7, y(t) - 7, stroke: SVG.palette.control, width: 2.2)
            }
            return
        }
        if op.kind == .z && !op.controls.isEmpty && plain {
            svg.circle(cx, y(op.targets[0]), 6, fill: SVG.palette.control, cls: "control")
            return
        }
        let label = CircuitText.targetLabels(op).first?.1 ?? op.kind.rawValue
        let boxWidth = max(36, SVG.textWidth(label, size: 13) + 14)
        let tLo = op.targets.min()!, tHi = op.targets.max()!
        svg.rect(cx - boxWidth / 2, y(tLo) - boxHeight / 2, boxWidth, y(tHi) - y(tLo) + boxHeight, fill: color(op.kind), cls: "gate")
        svg.text(cx, (y(tLo) + y(tHi)) / 2, label, fill: "#ffffff")
    }
}
