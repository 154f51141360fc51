/// Writes a Circuit as OpenQASM 3 (stdgates.inc, modifiers, `input` parameters) or 2.0
/// (qelib1.inc; what 2.0 cannot say is an error, never dropped).
import Glibc

struct QASMExporter {
    let circuit: Circuit
    let version: Int
    private var definitionsUsed: [String] = []
    private var qubitNames: [String] = []
    private var clbitNames: [String] = []
    private var clbitRegisters: [Register] = []

    init(_ circuit: Circuit, version: Int) {
        self.circuit = circuit
        self.version = version
    }

    /// Gates SynQ has that the include file lacks, defined exactly (global phase included).
    static let definitions3: [String: String] = [
        "sxdg": "gate sxdg a { h a; sdg a; h a; }",
        "rxx": "gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b; }",
        "ryy": "gate ryy(theta) a, b { rx(pi/2) a; rx(pi/2) b; cx a, b; rz(theta) b; cx a, b; rx(-pi/2) a; rx(-pi/2) b; }",
        "rzz": "gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }",
        "iswap": "gate iswap a, b { s a; s b; h a; cx a, b; cx b, a; h b; }",
        "ecr": "gate ecr a, b { h b; cx a, b; rz(pi/4) b; cx a, b; h b; x a; h b; cx a, b; rz(-pi/4) b; cx a, b; h b; }",
    ]

    /// OpenQASM 2.0 readers such as Qiskit's know only the original qelib1.inc; every other gate
    /// SynQ writes is defined in the file from those.
    static let definitions2: [String: String] = [
        "sx": "gate sx a { h a; s a; h a; }",
        "sxdg": "gate sxdg a { h a; sdg a; h a; }",
        "swap": "gate swap a, b { cx a, b; cx b, a; cx a, b; }",
        "cswap": "gate cswap a, b, c { cx c, b; ccx a, b, c; cx c, b; }",
        "ccz": "gate ccz a, b, c { h c; ccx a, b, c; h c; }",
        "rxx": definitions3["rxx"]!, "ryy": definitions3["ryy"]!, "rzz": definitions3["rzz"]!,
        "iswap": definitions3["iswap"]!, "ecr": definitions3["ecr"]!,
    ]

    /// The original qelib1.inc: what every OpenQASM 2.0 reader has.
    static let qelib1Original: Set<String> = [
        "u3", "u2", "u1", "cx", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz", "cz", "cy", "ch", "ccx",
        "crz", "cu1", "cu3",
    ]

    /// Words a register may not be called.
    static let reserved: Set<String> = [
        "OPENQASM", "include", "qreg", "creg", "qubit", "bit", "gate", "opaque", "measure", "reset", "barrier", "if", "else",
        "for", "while", "in", "input", "output", "const", "int", "uint", "float", "angle", "bool", "complex", "duration",
        "stretch", "def", "return", "let", "pi", "tau", "euler", "true", "false", "U", "CX", "gphase", "ctrl", "negctrl",
        "inv", "pow", "box", "delay", "end", "extern", "array", "sin", "cos", "tan", "exp", "ln", "sqrt",
    ]

    mutating func text() throws -> String {
        guard circuit.globalPhase == 0 || version == 3 else {
            throw QASMError("QASM101", "the circuit has a global phase, which OpenQASM 2.0 cannot express; use qasm(c) for OpenQASM 3")
        }
        let parameters = circuit.parameterNames
        if version == 2, let p = parameters.first {
            throw QASMError("QASM102", "the circuit has the parameter \(p); OpenQASM 2.0 has no circuit parameters: bind it first, or use qasm(c) for OpenQASM 3")
        }
        let taken = Set(GateSpec.table.keys).union(QASMExporter.reserved).union(QASMGateLibrary.qelib1).union(parameters)
        var used = taken
        let qubitRegisters = registers(circuit.qubitRegisters, count: circuit.qubitCount, fallback: "q", used: &used)
        clbitRegisters = registers(circuit.clbitRegisters, count: circuit.clbitCount, fallback: "c", used: &used)
        for r in qubitRegisters { for i in 0..<r.size { qubitNames.append("\(r.name)[\(i)]") } }
        for r in clbitRegisters { for i in 0..<r.size { clbitNames.append("\(r.name)[\(i)]") } }

        var body: [String] = []
        if circuit.globalPhase != 0 { body.append("gphase(\(QASMExporter.number(circuit.globalPhase)));") }
        for inst in circuit.instructions { body += try statements(inst) }

        var out = version == 3 ? ["OPENQASM 3.0;", "include \"stdgates.inc\";"] : ["OPENQASM 2.0;", "include \"qelib1.inc\";"]
        for p in parameters { out.append("input float[64] \(p);") }
        let table = version == 3 ? QASMExporter.definitions3 : QASMExporter.definitions2
        for name in definitionsUsed { out.append(table[name]!) }
        for r in qubitRegisters { out.append(version == 3 ? "qubit[\(r.size)] \(r.name);" : "qreg \(r.name)[\(r.size)];") }
        for r in clbitRegisters { out.append(version == 3 ? "bit[\(r.size)] \(r.name);" : "creg \(r.name)[\(r.size)];") }
        return (out + body).joined(separator: "\n") + "\n"
    }

    /// The circuit's registers when they tile its wires in order, else one register; names made
    /// valid, distinct and free of keywords and gate names.
    private func registers(_ given: [Register], count: Int, fallback: String, used: inout Set<String>) -> [Register] {
        guard count > 0 else { return [] }
        let nonEmpty = given.filter { $0.size > 0 }
        var next = 0
        var tiles = true
        for r in nonEmpty { if r.offset != next { tiles = false }; next = r.offset + r.size }
        let chosen = tiles && next == count ? nonEmpty : [Register(name: fallback, offset: 0, size: count)]
        return chosen.map { r in
            var name = identifier(r.name)
            while used.contains(name) { name += "_" }
            used.insert(name)
            return Register(name: name, offset: r.offset, size: r.size)
        }
    }

    /// A valid identifier for the version: OpenQASM 2.0 names are ASCII and start lowercase.
    private func identifier(_ name: String) -> String {
        var s = String(name.unicodeScalars.map { c -> Character in
            let ok = c == "_" || (c.isASCII ? (c.properties.isAlphabetic || ("0"..."9").contains(c)) : version == 3 && c.properties.isAlphabetic)
            return ok ? Character(c) : "_"
        })
        if let first = s.unicodeScalars.first, version == 2 ? !("a"..."z").contains(first) : ("0"..."9").contains(first) { s = "r" + s }
        return s.isEmpty ? "r" : s
    }

    // MARK: instructions

    private mutating func statements(_ inst: Instruction) throws -> [String] {
        switch inst {
        case .gate(let op):
            return try gate(op)
        case .measure(let q, let c):
            return [version == 3 ? "\(clbitNames[c]) = measure \(qubitNames[q]);" : "measure \(qubitNames[q]) -> \(clbitNames[c]);"]
        case .reset(let q):
            return ["reset \(qubitNames[q]);"]
        case .barrier(let qs):
            return ["barrier " + qs.map { qubitNames[$0] }.joined(separator: ", ") + ";"]
        case .conditional(let clbits, let value, let op):
            let body = try gate(op)
            if let r = clbitRegisters.first(where: { $0.size == clbits.count && Array($0.offset..<$0.offset + $0.size) == clbits }) {
                return version == 3 ? ["if (\(r.name) == \(value)) {"] + body.map { "  " + $0 } + ["}"]
                                    : body.map { "if(\(r.name)==\(value)) " + $0 }
            }
            guard version == 3 else {
                throw QASMError("QASM103", "a condition on bits \(clbits.map { clbitNames[$0] }.joined(separator: ", ")) is not a whole register; OpenQASM 2.0 can only test a register's value: use qasm(c) for OpenQASM 3")
            }
            var out = body
            for (j, c) in clbits.enumerated().reversed() {
                let test = value & (1 << j) != 0 ? clbitNames[c] : "!" + clbitNames[c]
                out = ["if (\(test)) {"] + out.map { "  " + $0 } + ["}"]
            }
            return out
        }
    }

    private mutating func gate(_ op: Operation) throws -> [String] {
        version == 3 ? [try gate3(op)] : try gate2(op)
    }

    private func arguments(_ params: [Parameter]) throws -> String {
        guard !params.isEmpty else { return "" }
        return "(" + (try params.map(QASMExporter.parameter)).joined(separator: ", ") + ")"
    }

    private func operands(_ qubits: [Int]) -> String { qubits.map { qubitNames[$0] }.joined(separator: ", ") }

    /// OpenQASM 3: stdgates names where they exist, modifiers for everything else.
    private mutating func gate3(_ op: Operation) throws -> String {
        let params = try arguments(op.params)
        let plain = !op.inverted && op.power == 1 && !op.controlStates.contains(false)
        if plain, let name = GateSpec.canonicalName(kind: op.kind, controls: op.controls.count), !op.controls.isEmpty,
           QASMGateLibrary.stdgates.contains(name) {
            return "\(name)\(params) \(operands(op.qubits));"
        }
        var prefix = ""
        var i = 0
        while i < op.controlStates.count {
            let state = op.controlStates[i]
            var j = i
            while j < op.controlStates.count && op.controlStates[j] == state { j += 1 }
            prefix += (state ? "ctrl" : "negctrl") + (j - i > 1 ? "(\(j - i))" : "") + " @ "
            i = j
        }
        if op.inverted { prefix += "inv @ " }
        if op.power != 1 { prefix += "pow(\(QASMExporter.number(op.power))) @ " }
        let name: String
        switch op.kind {
        case .u: name = "U"
        case .sxdg, .rxx, .ryy, .rzz, .iswap, .ecr:
            name = op.kind.rawValue
            if !definitionsUsed.contains(name) { definitionsUsed.append(name) }
        default: name = op.kind.rawValue
        }
        return "\(prefix)\(name)\(params) \(operands(op.qubits));"
    }

    /// OpenQASM 2.0 has no modifiers: negative controls are wrapped in x, inverses and powers
    /// become the equivalent named gates, and a one-qubit gate with one control that has no name
    /// becomes u1 on the control and cu3, from its matrix.
    private mutating func gate2(_ op: Operation) throws -> [String] {
        let flips = zip(op.controls, op.controlStates).filter { !$0.1 }.map { "x \(qubitNames[$0.0]);" }
        var positive = op
        positive.controlStates = Array(repeating: true, count: op.controls.count)
        var out: [String] = []
        if let plain = try? QASMExporter.withoutModifiers(positive), case let names = plain.compactMap(name2), names.count == plain.count {
            for (g, name) in zip(plain, names) {
                if QASMExporter.definitions2[name] != nil && !definitionsUsed.contains(name) { definitionsUsed.append(name) }
                out.append("\(name)\(try arguments(g.params)) \(operands(g.qubits));")
            }
        } else if op.kind.qubitCount == 1 && op.controls.count <= 1 {
            let (phase, theta, phi, lambda) = QASMExporter.u3Angles(try positive.matrix())
            let angles = [theta, phi, lambda].map(QASMExporter.number).joined(separator: ", ")
            if op.controls.isEmpty {
                guard abs(phase) < 1e-12 else {
                    throw QASMError("QASM105", "\(CircuitText.targetLabels(op)[0].1) differs from every OpenQASM 2.0 gate by a global phase, which 2.0 cannot express; use qasm(c) for OpenQASM 3")
                }
                out.append("u3(\(angles)) \(operands(op.targets));")
            } else {
                if abs(phase) >= 1e-15 { out.append("u1(\(QASMExporter.number(phase))) \(operands(op.controls));") }
                out.append("cu3(\(angles)) \(operands(op.qubits));")
            }
        } else {
            throw QASMError("QASM104", "\(op.kind.rawValue) with \(op.controls.count) control\(op.controls.count == 1 ? "" : "s") has no OpenQASM 2.0 form; use qasm(c) for OpenQASM 3")
        }
        return flips + out + flips
    }

    /// The OpenQASM 2.0 name of a gate without modifiers, if it has one.
    private func name2(_ g: Operation) -> String? {
        switch (g.kind, g.controls.count) {
        case (.u, 0): return "u3"
        case (.p, 0): return "u1"
        case (.p, 1): return "cu1"
        case (.u, 1): return "cu3"
        default:
            guard let name = GateSpec.canonicalName(kind: g.kind, controls: g.controls.count) else { return nil }
            return QASMExporter.qelib1Original.contains(name) || QASMExporter.definitions2[name] != nil ? name : nil
        }
    }

    /// V = e^{i·phase} · U3(θ, φ, λ) for a 2x2 unitary V.
    static func u3Angles(_ v: [Complex]) -> (phase: Double, theta: Double, phi: Double, lambda: Double) {
        let theta = 2 * atan2(v[2].magnitude, v[0].magnitude)
        if v[0].magnitude < 1e-12 {
            let phase = v[2].phase
            return (phase, theta, 0, (-(v[1] * Complex.exp(i: -phase))).phase)
        }
        let phase = v[0].phase
        let w = v.map { $0 * Complex.exp(i: -phase) }
        if v[2].magnitude < 1e-12 { return (phase, theta, 0, w[3].phase) }
        return (phase, theta, w[2].phase, (-w[1]).phase)
    }

    /// The same unitary as plain gates (all controls positive): inverses and powers folded into
    /// angles or repetitions.
    static func withoutModifiers(_ op: Operation) throws -> [Operation] {
        var g = op
        g.controlStates = Array(repeating: true, count: op.controls.count)
        g.inverted = false
        g.power = 1
        let rotation: Set<GateKind> = [.rx, .ry, .rz, .p, .rxx, .ryy, .rzz]
        if rotation.contains(op.kind) {
            g.params[0] = (op.inverted ? -op.power : op.power) * op.params[0]
            return [g]
        }
        guard op.power == op.power.rounded(), abs(op.power) <= 64 else {
            if [.z, .s, .t].contains(op.kind) {
                let quarterTurns: Double = op.kind == .z ? 1 : op.kind == .s ? 0.5 : 0.25
                g.kind = .p
                g.params = [Parameter((op.inverted ? -1 : 1) * op.power * quarterTurns * Double.pi)]
                return [g]
            }
            throw QASMError("QASM105", "pow(\(op.power)) @ \(op.kind.rawValue) has no OpenQASM 2.0 form; use qasm(c) for OpenQASM 3")
        }
        var times = Int(abs(op.power))
        if (op.power < 0) != op.inverted {
            switch op.kind {
            case .id, .x, .y, .z, .h, .swap, .ecr: break
            case .iswap: times *= 3  // iswap^4 = I
            case .s: g.kind = .sdg
            case .sdg: g.kind = .s
            case .t: g.kind = .tdg
            case .tdg: g.kind = .t
            case .sx: g.kind = .sxdg
            case .sxdg: g.kind = .sx
            case .u: g.params = [-op.params[0], -op.params[2], -op.params[1]]
            default:
                throw QASMError("QASM105", "inv @ \(op.kind.rawValue) has no OpenQASM 2.0 form; use qasm(c) for OpenQASM 3")
            }
        }
        return Array(repeating: g, count: times)
    }

    // MARK: numbers

    /// An angle with full precision; exact multiples of π as `3*pi/4`.
    static func number(_ x: Double) -> String {
        if x == 0 { return "0" }
        for d in [1, 2, 3, 4, 6, 8, 12, 16, 32, 64] {
            let n = (x * Double(d) / Double.pi).rounded()
            guard n != 0, abs(n) <= 64, n * Double.pi / Double(d) == x else { continue }
            let sign = n < 0 ? "-" : ""
            let top = abs(n) == 1 ? "pi" : "\(Int(abs(n)))*pi"
            return sign + top + (d == 1 ? "" : "/\(d)")
        }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return x.description
    }

    static func parameter(_ p: Parameter) throws -> String {
        guard p.constant.isFinite, p.terms.allSatisfy({ $0.1.isFinite }) else {
            throw QASMError("QASM106", "the angle \(p) is not a finite number")
        }
        if p.isNumeric { return number(p.constant) }
        var parts: [String] = []
        for (name, c) in p.terms {
            let sign = parts.isEmpty ? (c < 0 ? "-" : "") : (c < 0 ? " - " : " + ")
            parts.append(sign + (abs(c) == 1 ? name : "\(number(abs(c)))*\(name)"))
        }
        if p.constant != 0 { parts.append((p.constant < 0 ? " - " : " + ") + number(abs(p.constant))) }
        return parts.joined()
    }
}

/// OpenQASM in and out: the entry points the language and the CLI call.
public enum OpenQASM {
    /// Reads OpenQASM 2.0 or 3 (docs/qasm.md lists the subset).
    public static func read(_ text: String) throws -> Circuit { try QASMImporter.circuit(from: text) }

    /// Writes OpenQASM 3 (`version: 3`) or 2.0 (`version: 2`).
    public static func write(_ circuit: Circuit, version: Int = 3) throws -> String {
        var exporter = QASMExporter(circuit, version: version)
        return try exporter.text()
    }
}
