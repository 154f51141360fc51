import Glibc

/// Angles as people write them: fractions of π where they are, decimals otherwise.
public enum AngleText {
    public static func format(_ x: Double) -> String {
        if x == 0 { return "0" }
        let ratio = x / Double.pi
        for denominator in [1, 2, 3, 4, 6, 8, 16] {
            let numerator = ratio * Double(denominator)
            if abs(numerator - numerator.rounded()) < 1e-9 {
                let n = Int(numerator.rounded())
                let sign = n < 0 ? "-" : ""
                let top = abs(n) == 1 ? "π" : "\(abs(n))π"
                return denominator == 1 ? sign + top : "\(sign)\(top)/\(denominator)"
            }
        }
        var s = String(format4(x))
        while s.contains(".") && (s.hasSuffix("0") || s.hasSuffix(".")) { s.removeLast() }
        return s
    }

    public static func format(_ p: Parameter) -> String {
        if p.isNumeric { return format(p.constant) }
        return p.description
    }

    static func format4(_ x: Double) -> String {
        let scaled = (x * 10000).rounded() / 10000
        return scaled.description
    }
}

/// Plain-text circuit diagrams: one line per qubit, columns by moment.
public enum CircuitText {
    /// The label drawn on each qubit an instruction touches.
    public static func labels(_ inst: Instruction) -> [(qubit: Int, label: String)] {
        switch inst {
        case .measure(let q, let c): return [(q, "M→\(c)")]
        case .reset(let q): return [(q, "|0⟩")]
        case .barrier(let qs): return qs.map { ($0, "░") }
        case .gate(let op), .conditional(_, _, let op):
            var out: [(Int, String)] = []
            for (q, on) in zip(op.controls, op.controlStates) { out.append((q, on ? "●" : "○")) }
            out += targetLabels(op).map { ($0.0, $0.1) }
            if case .conditional(let bits, let value, _) = inst, let first = out.last {
                out[out.count - 1] = (first.0, first.1 + " if c\(bits)=\(value)")
            }
            return out
        }
    }

    public static func targetLabels(_ op: Operation) -> [(Int, String)] {
        if op.kind == .swap && !op.inverted && op.power == 1 { return op.targets.map { ($0, "×") } }
        if op.kind == .x && !op.controls.isEmpty && !op.inverted && op.power == 1 { return [(op.targets[0], "⊕")] }
        var name = op.kind.rawValue.uppercased()
        if op.kind == .sdg { name = "S†" }
        if op.kind == .tdg { name = "T†" }
        if op.kind == .sxdg { name = "√X†" }
        if op.kind == .sx { name = "√X" }
        if !op.params.isEmpty { name += "(" + op.params.map(AngleText.format).joined(separator: ",") + ")" }
        if op.inverted { name += "†" }
        if op.power != 1 { name += "^" + AngleText.format4(op.power).replacingZeroSuffix() }
        return op.targets.map { ($0, name) }
    }

    /// Moments: each instruction goes in the first column after everything on the wires it spans.
    public static func columns(_ circuit: Circuit) -> [[Instruction]] {
        var level = [Int](repeating: 0, count: max(circuit.qubitCount, 1))
        var columns: [[Instruction]] = []
        for inst in circuit.instructions {
            let qs = inst.qubits
            guard let lo = qs.min(), var hi = qs.max() else { continue }
            switch inst {
            case .measure, .conditional:
                // its line runs down to the classical wire: nothing below may share the column
                hi = max(hi, circuit.qubitCount - 1)
            default: break
            }
            let col = (lo...hi).map { level[$0] }.max()!
            if col == columns.count { columns.append([]) }
            columns[col].append(inst)
            for q in lo...hi { level[q] = col + 1 }
        }
        return columns
    }

    public static func diagram(_ circuit: Circuit) -> String {
        let n = circuit.qubitCount
        if n == 0 { return "(empty circuit)" }
        let names = (0..<n).map { circuit.qubitLabel($0) + ": " }
        let nameWidth = names.map { $0.count }.max()!
        var rows = (0..<(2 * n - 1)).map { r in r % 2 == 0 ? names[r / 2].padded(nameWidth) : String(repeating: " ", count: nameWidth) }
        for column in columns(circuit) {
            var cells = [String?](repeating: nil, count: 2 * n - 1)
            for inst in column {
                let ls = labels(inst)
                for (q, label) in ls { cells[2 * q] = label }
                let qs = inst.qubits
                if case .barrier = inst { continue }
                if let lo = qs.min(), let hi = qs.max(), lo < hi {
                    for r in (2 * lo)...(2 * hi) where cells[r] == nil { cells[r] = r % 2 == 0 ? "┼" : "│" }
                }
            }
            let width = (cells.compactMap { $0?.count }.max() ?? 1) + 2
            for r in 0..<(2 * n - 1) {
                let wire = r % 2 == 0
                let fill: Character = wire ? "─" : " "
                guard let c = cells[r] else { rows[r] += String(repeating: fill, count: width); continue }
                let pad = width - c.count
                rows[r] += String(repeating: fill, count: pad / 2) + c + String(repeating: fill, count: pad - pad / 2)
            }
        }
        return rows.map { $0 + ($0.hasSuffix(" ") ? "" : "─") }.joined(separator: "\n")
    }
}

/// States as ket sums: `0.7071|00⟩ + 0.7071|11⟩` (qubit 0 rightmost).
public enum StateText {
    public static func amplitude(_ z: Complex) -> String {
        func f(_ x: Double) -> String { AngleText.format4(x).replacingZeroSuffix() }
        if abs(z.im) < 1e-10 { return f(z.re) }
        if abs(z.re) < 1e-10 { return f(z.im) + "i" }
        return "(" + f(z.re) + (z.im < 0 ? "-" : "+") + f(abs(z.im)) + "i)"
    }

    public static func bits(_ index: Int, _ qubits: Int) -> String {
        String((0..<qubits).reversed().map { index & (1 << $0) != 0 ? "1" : "0" })
    }

    public static func ket(_ amplitudes: [Complex], qubits: Int, limit: Int = 32) -> String {
        let terms = amplitudes.enumerated().filter { $0.element.normSquared > 1e-20 }
        if terms.isEmpty { return "0" }
        var parts = terms.prefix(limit).map { amplitude($0.element) + "|" + bits($0.offset, qubits) + "⟩" }
        if terms.count > limit { parts.append("… (\(terms.count - limit) more terms)") }
        return parts.joined(separator: " + ").replacingOccurrencesOfPlusMinus()
    }
}

extension String {
    func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func replacingZeroSuffix() -> String {
        var s = self
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
    func replacingOccurrencesOfPlusMinus() -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: " + -") {
            out += rest[..<r.lowerBound] + " - "
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
