import QuantumKit

/// help(), completion and inspection: all read the same signatures and doc strings.
public enum Documentation {
    static let overview = """
    SynQ: classical code and qubits in one language.
      help(name)        the signature and doc of a function, type, module or value
      %lsmagic          the notebook magics
      gates()           every gate name
    Modules: math, stats, linalg, json, csv, regex, io.
    """

    public static let keywords: [String] = Keyword.allCases.map { $0.rawValue } + ["qubit", "measure", "reset", "barrier", "release", "quantum", "call"]

    public static func help(for v: Value, session: Session) -> String {
        switch v {
        case .builtin(let b): return "\(b.signature)\n\n\(b.doc)"
        case .function(let c):
            return c.proto.signature + (c.proto.doc.map { "\n\n" + $0 } ?? "")
        case .type(let t):
            if t.kind == .enumType {
                return "enum \(t.name) { \(t.cases.map { $0.fields.isEmpty ? $0.name : "\($0.name)(\($0.fields.joined(separator: ", ")))" }.joined(separator: ", ")) }" + (t.doc.map { "\n\n" + $0 } ?? "")
            }
            return "struct \(t.name)(\(t.fields.joined(separator: ", ")))" + (t.methods.isEmpty ? "" : "\nmethods: " + t.methods.keys.sorted().joined(separator: ", ")) + (t.doc.map { "\n\n" + $0 } ?? "")
        case .module(let m):
            let members = m.members.sorted { $0.key < $1.key }.map { key, value -> String in
                if case .builtin(let b) = value { return "  \(b.signature)" }
                return "  \(m.name).\(key) = \(Format.repr(value))"
            }
            return "module \(m.name): \(m.doc)\n" + members.joined(separator: "\n")
        default:
            let methods = Library.methodNames(for: v)
            var text = "\(Format.typeName(v)): \(Format.repr(v).prefix(200))"
            if case .object(let o) = v, !o.memberNames.isEmpty { text += "\nmembers: " + o.memberNames.joined(separator: ", ") }
            if !methods.isEmpty { text += "\nmethods: " + methods.joined(separator: ", ") }
            return text
        }
    }

    /// The identifier (with dotted prefix) that ends at `cursor`, and where it starts.
    static func token(before cursor: Int, in scalars: [Unicode.Scalar]) -> (text: String, start: Int) {
        var start = min(cursor, scalars.count)
        while start > 0 {
            let c = scalars[start - 1]
            if c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" || c == "." { start -= 1 } else { break }
        }
        return (String(scalars: scalars[start..<min(cursor, scalars.count)]), start)
    }
}

extension Session {
    /// Completions at a cursor (in Unicode scalars): names in scope, keywords, gates, modules'
    /// members after `module.`, and a value's members after `name.`.
    public func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int) {
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(0, cursor), scalars.count)
        let (text, start) = Documentation.token(before: cursor, in: scalars)
        if let dot = text.lastIndex(of: ".") {
            let base = String(text[..<dot])
            let prefix = String(text[text.index(after: dot)...])
            let memberStart = start + base.unicodeScalars.count + 1
            guard let value = evaluatePath(base) else { return ([], memberStart, cursor) }
            let names = memberNames(of: value)
            return (names.filter { $0.hasPrefix(prefix) }.sorted(), memberStart, cursor)
        }
        var names = Set(Documentation.keywords)
        names.formUnion(globalTable.keys)
        names.formUnion(builtins.keys)
        names.formUnion(modules.keys)
        names.formUnion(GateSpec.table.keys)
        names.insert("bell_pair")
        names.formUnion(localNames(in: scalars, before: start))
        let matches = names.filter { $0.hasPrefix(text) && $0 != text || ($0 == text && !text.isEmpty) }
        return (matches.sorted { ($0.count, $0) < ($1.count, $1) }, start, cursor)
    }

    /// Names bound earlier in the cell itself (let, var, fn, for, parameters), for completion.
    func localNames(in scalars: [Unicode.Scalar], before end: Int) -> Set<String> {
        let lexed = Lexer.tokenize(Source(name: "completion", text: String(scalars: scalars[0..<end])))
        var out = Set<String>()
        var previous: TokenKind? = nil
        for t in lexed.tokens {
            if case .identifier(let name) = t.kind, let p = previous {
                switch p {
                case .keyword(let k) where [.let, .var, .fn, .for, .kernel, .struct, .enum].contains(k): out.insert(name)
                case .identifier("qubit"): out.insert(name)
                default: break
                }
            }
            previous = t.kind
        }
        return out
    }

    func evaluatePath(_ path: String) -> Value? {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first, var v = lookup(first) else { return nil }
        for p in parts.dropFirst() {
            guard let next = try? Members.get(v, p, session: self, cache: MemberCache()) else { return nil }
            v = next
        }
        return v
    }

    func memberNames(of v: Value) -> [String] {
        switch v {
        case .module(let m): return Array(m.members.keys)
        case .record(let r): return r.fieldNames + Array(r.type.methods.keys)
        case .type(let t): return t.cases.map { $0.name } + Array(t.methods.keys)
        case .object(let o): return o.memberNames
        case .error: return ["message", "kind", "code"]
        default: return Library.methodNames(for: v)
        }
    }

    /// The signature and doc of the name under (or just before) the cursor, for inspection.
    public func inspect(_ code: String, cursor: Int, detail: Int = 0) -> String? {
        let scalars = Array(code.unicodeScalars)
        var end = min(max(0, cursor), scalars.count)
        while end < scalars.count, scalars[end].properties.isAlphabetic || scalars[end] == "_" || scalars[end].properties.numericType != nil { end += 1 }
        var (text, _) = Documentation.token(before: end, in: scalars)
        if text.isEmpty, end > 0, scalars[end - 1] == "(" {
            (text, _) = Documentation.token(before: end - 1, in: scalars)
        }
        guard !text.isEmpty else { return nil }
        if let spec = GateSpec.table[text], lookup(text) == nil {
            let p = spec.parameterCount, q = spec.qubitCount
            return "gate \(text): \(q) qubit\(q == 1 ? "" : "s"), \(p) parameter\(p == 1 ? "" : "s")\n\n\(Documentation.gateDoc(spec))"
        }
        if let doc = Library.constantDocs[text], globalTable[text] == nil { return "\(text) = \(Format.repr(builtins[text] ?? .none))\n\n\(doc)" }
        if let dot = text.lastIndex(of: "."), let base = evaluatePath(String(text[..<dot])) {
            let name = String(text[text.index(after: dot)...])
            if let sig = Library.methodSignature(base, name) { return sig + "\n\n" + Library.methodDoc(base, name) }
        }
        guard let v = evaluatePath(text) else {
            if Documentation.keywords.contains(text) { return "\(text): a SynQ keyword" }
            return nil
        }
        var out = Documentation.help(for: v, session: self)
        if detail > 0, case .function(let c) = v {
            out += "\n\ndefined in \(c.proto.source.name), line \(c.proto.source.location(of: c.proto.span.start).line):\n" + c.proto.source.slice(c.proto.span)
        }
        return out
    }
}

extension Documentation {
    static func gateDoc(_ spec: GateSpec) -> String {
        let base: [GateKind: String] = [
            .id: "The identity.", .x: "Pauli X (bit flip).", .y: "Pauli Y.", .z: "Pauli Z (phase flip).",
            .h: "Hadamard: |0⟩ → (|0⟩+|1⟩)/√2.", .s: "Phase π/2 (√Z).", .sdg: "Phase -π/2 (S†).", .t: "Phase π/4 (√S).",
            .tdg: "Phase -π/4 (T†).", .sx: "√X.", .sxdg: "√X†.", .rx: "Rotation about X by θ.", .ry: "Rotation about Y by θ.",
            .rz: "Rotation about Z by θ: diag(e^(-iθ/2), e^(iθ/2)).", .p: "Phase θ on |1⟩: diag(1, e^(iθ)).",
            .u: "u(θ, φ, λ): the general one-qubit gate (OpenQASM's U).", .swap: "Exchanges two qubits.",
            .iswap: "Exchanges two qubits with a phase i on |01⟩ and |10⟩.", .ecr: "Echoed cross-resonance.",
            .rxx: "exp(-iθ XX/2).", .ryy: "exp(-iθ YY/2).", .rzz: "exp(-iθ ZZ/2).",
        ]
        let doc = base[spec.kind] ?? ""
        if spec.controls == 0 { return doc }
        return "Controlled by the first \(spec.controls == 1 ? "operand" : "\(spec.controls) operands"): \(doc)"
    }
}
