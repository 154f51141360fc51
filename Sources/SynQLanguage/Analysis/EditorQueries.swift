import Support
import QuantumKit

/// One completion proposal. `snippet` uses the LSP snippet syntax ($1, ${2:name}, $0).
public struct CompletionCandidate: Sendable {
    public enum Kind: String, Sendable {
        case keyword, variable, constant, parameter, function, kernel, type, enumCase, field, method, module, gate, register, builtin, snippet
    }
    public var label: String
    public var kind: Kind
    public var detail: String
    public var doc: String?
    public var snippet: String?
}

/// A call being typed: the callee's signature, its parameters and which one the cursor is in.
public struct SignatureAtCursor: Sendable {
    public var label: String
    public var parameters: [String]
    public var activeParameter: Int
    public var doc: String?
}

/// How a token is coloured.
public enum SemanticClass: String, CaseIterable, Sendable {
    case keyword, variable, parameter, function, method, type, enumMember, property, namespace, number, string, comment, `operator`, macro, decorator
}

public struct SemanticToken: Sendable {
    public var span: Span
    public var kind: SemanticClass
    /// Declaration site, a read-only binding, or a library name.
    public var isDeclaration = false
    public var isReadonly = false
    public var isLibrary = false
}

extension DocumentAnalysis {
    /// The analysis to answer completion and signature help from: this one, or, while the text
    /// does not parse (the line being typed is unfinished), that of the text with the cursor's
    /// line blanked, or else with everything from that line on blanked.
    func usableAnalysis(at offset: Int) -> DocumentAnalysis {
        guard program == nil else { return self }
        let line = source.location(of: offset).line
        if let known = repairs[line] { return known }
        let repaired = repair(line: line)
        repairs[line] = repaired
        return repaired
    }

    private func repair(line: Int) -> DocumentAnalysis {
        let start = source.lineStarts[line - 1]
        let lineEnd = line < source.lineStarts.count ? source.lineStarts[line] - 1 : source.scalars.count
        for end in [lineEnd, source.scalars.count] {
            var scalars = source.scalars
            for k in start..<end where scalars[k] != "\n" { scalars[k] = " " }
            let repaired = DocumentAnalysis(text: String(scalars: scalars[...]), name: source.name, session: session, resolving: false)
            if repaired.program != nil { return repaired }
        }
        return self
    }

    // MARK: - completion

    static let snippets: [(String, String, String)] = [
        ("kernel", "kernel ${1:name}(${2:q}) {\n    $0\n}", "a kernel: a function that applies gates"),
        ("fn", "fn ${1:name}(${2:x}) {\n    $0\n}", "a function"),
        ("for", "for ${1:i} in ${2:0..n} {\n    $0\n}", "a for loop"),
        ("qubit", "qubit ${1:q}[${2:2}]", "a register of qubits"),
        ("match", "match ${1:value} {\n    ${2:pattern} => $0\n}", "a match expression"),
    ]

    /// Completions at `offset`: after `x.` the members of x; otherwise the names in scope,
    /// keywords, library names, gates (with their operand and parameter counts) and snippets.
    public func completions(at offset: Int) -> (candidates: [CompletionCandidate], start: Int) {
        let (text, start) = Documentation.token(before: offset, in: source.scalars)
        if let dot = text.lastIndex(of: ".") {
            let base = String(text[..<dot])
            let prefix = String(text[text.index(after: dot)...])
            let memberStart = start + base.unicodeScalars.count + 1
            return (memberCompletions(of: base, at: offset, index: usableAnalysis(at: offset).index).filter { $0.label.hasPrefix(prefix) },
                    memberStart)
        }
        let usable = usableAnalysis(at: offset)
        var out: [CompletionCandidate] = []
        var seen = Set<String>()
        func add(_ c: CompletionCandidate) {
            if c.label.hasPrefix(text), seen.insert(c.label + c.kind.rawValue).inserted { out.append(c) }
        }
        for s in usable.index.visibleSymbols(at: offset) where s.nameSpan.end != offset {
            add(CompletionCandidate(label: s.name, kind: Self.completionKind(s.kind), detail: s.detail, doc: s.doc))
        }
        if usable.program == nil {
            for name in session.localNames(in: source.scalars, before: start).sorted() {
                add(CompletionCandidate(label: name, kind: .variable, detail: "defined in this text"))
            }
        }
        for (label, body, doc) in Self.snippets { add(CompletionCandidate(label: label, kind: .snippet, detail: doc, snippet: body)) }
        for k in Documentation.keywords.sorted() { add(CompletionCandidate(label: k, kind: .keyword, detail: "keyword")) }
        for (name, spec) in GateSpec.table.sorted(by: { $0.key < $1.key }) {
            add(CompletionCandidate(label: name, kind: .gate, detail: Self.gateDetail(spec)))
        }
        for (name, value) in session.builtins.sorted(by: { $0.key < $1.key }) where name.hasPrefix(text) {
            let detail: String
            if case .builtin(let b) = value { detail = b.signature } else { detail = "\(name) = \(Format.repr(value))" }
            add(CompletionCandidate(label: name, kind: .builtin, detail: detail))
        }
        for name in session.modules.keys.sorted() {
            add(CompletionCandidate(label: name, kind: .module, detail: "module \(name)", doc: session.modules[name]?.doc))
        }
        return (out, start)
    }

    /// The doc of a gate or library name, which completion leaves out of its list (clients
    /// ask for it when an item is selected).
    public func libraryDocumentation(_ name: String, kind: CompletionCandidate.Kind) -> String? {
        switch kind {
        case .gate: return GateSpec.table[name].map(Documentation.gateDoc)
        case .builtin: return session.builtins[name].map { Documentation.help(for: $0, session: session) }
        default: return nil
        }
    }

    static func gateDetail(_ spec: GateSpec) -> String {
        let q = spec.qubitCount, p = spec.parameterCount
        return "gate: \(q) qubit\(q == 1 ? "" : "s"), \(p) parameter\(p == 1 ? "" : "s")"
    }

    static func completionKind(_ k: DeclaredSymbol.Kind) -> CompletionCandidate.Kind {
        switch k {
        case .constant: return .constant
        case .variable: return .variable
        case .parameter: return .parameter
        case .function: return .function
        case .kernel: return .kernel
        case .structType, .enumType: return .type
        case .enumCase: return .enumCase
        case .field: return .field
        case .method: return .method
        case .register: return .register
        case .module: return .module
        }
    }

    /// Members of a name declared in the text (a type's cases and methods, a struct value's
    /// fields and methods, a literal's methods), else of a library value (a module's members).
    func memberCompletions(of base: String, at offset: Int, index: SymbolIndex) -> [CompletionCandidate] {
        if let symbol = index.visibleSymbols(at: offset).first(where: { $0.name == base }) {
            var typeName: String? = nil
            if symbol.kind == .structType || symbol.kind == .enumType { typeName = symbol.name }
            if let t = symbol.valueType, index.type(named: t) != nil { typeName = t }
            if let typeName, let type = index.type(named: typeName) {
                let isValue = symbol.kind != .structType && symbol.kind != .enumType
                return index.members(of: type).map { index.symbols[$0] }
                    .filter { isValue ? $0.kind != .enumCase : $0.kind != .field }
                    .map { CompletionCandidate(label: $0.name, kind: Self.completionKind($0.kind), detail: $0.detail, doc: $0.doc) }
            }
            if let sample = symbol.valueType.flatMap(Self.sampleValue) {
                return Library.methodNames(for: sample).map { name in
                    CompletionCandidate(label: name, kind: .method, detail: Library.methodSignature(sample, name) ?? name,
                                        doc: Library.methodDoc(sample, name))
                }
            }
            return []
        }
        guard let value = session.evaluatePath(base) else { return [] }
        return session.memberNames(of: value).sorted().map { name in
            if case .module(let m) = value, let member = m.members[name] {
                let doc = Documentation.help(for: member, session: session)
                return CompletionCandidate(label: name, kind: .function, detail: doc.split(separator: "\n").first.map(String.init) ?? name, doc: doc)
            }
            return CompletionCandidate(label: name, kind: .method, detail: Library.methodSignature(value, name) ?? name,
                                       doc: Library.methodDoc(value, name))
        }
    }

    static func sampleValue(_ typeName: String) -> Value? {
        switch typeName {
        case "String": return .string("")
        case "List": return .list(ListRef([]))
        case "Map": return .map(MapRef())
        case "Range": return .range(RangeRef(start: 0, end: 0, step: 1, inclusive: false))
        default: return nil
        }
    }

    // MARK: - hover

    /// Markdown for the name at `offset`: a declaration's signature and `///` doc, or a library
    /// name's signature and doc, or a gate's description.
    public func hover(at offset: Int) -> (markdown: String, span: Span)? {
        if let occurrence = index.occurrence(at: offset) {
            let s = index.symbols[occurrence.symbol]
            return ("```synq\n\(s.detail)\n```" + (s.doc.map { "\n\n" + $0 } ?? ""), occurrence.span)
        }
        let isIdentifier: (Token) -> Bool = { if case .identifier = $0.kind { return true }; return false }
        guard let token = lexed.tokens.first(where: { isIdentifier($0) && $0.span.start <= offset && offset <= $0.span.end }),
              let text = session.inspect(source.text, cursor: token.span.end) else { return nil }
        let parts = text.components(separatedBy: "\n\n")
        return ("```synq\n\(parts[0])\n```" + (parts.count > 1 ? "\n\n" + parts.dropFirst().joined(separator: "\n\n") : ""), token.span)
    }

    // MARK: - signature help

    /// The call whose argument list holds `offset`, with the argument the cursor is in.
    public func signature(at offset: Int) -> SignatureAtCursor? {
        var depth = 0, commas = 0
        let tokens = lexed.tokens.filter { $0.span.end <= offset && $0.kind != .newline && $0.kind != .eof }
        var k = tokens.count - 1
        while k >= 0 {
            if case .symbol(let s) = tokens[k].kind {
                if s == ")" || s == "]" || s == "}" { depth += 1 }
                if s == "(" || s == "[" || s == "{" {
                    if depth == 0 {
                        if s != "(" { return nil }
                        break
                    }
                    depth -= 1
                }
                if s == "," && depth == 0 { commas += 1 }
            }
            k -= 1
        }
        guard k > 0, case .identifier(let name) = tokens[k - 1].kind else { return nil }
        let index = usableAnalysis(at: offset).index
        let isMember = k > 1 && tokens[k - 2].kind == .symbol(".")
        if let s = index.visibleSymbols(at: offset).first(where: { $0.name == name }), !isMember {
            switch s.kind {
            case .function, .kernel:
                return SignatureAtCursor(label: s.detail, parameters: Self.parameters(of: s.detail), activeParameter: commas, doc: s.doc)
            case .structType:
                let fields = index.members(of: index.symbols.firstIndex { $0.nameSpan == s.nameSpan }!).map { index.symbols[$0] }.filter { $0.kind == .field }
                let label = "\(s.name)(\(fields.map { String($0.detail.dropFirst("field \(s.name).".count)) }.joined(separator: ", ")))"
                return SignatureAtCursor(label: label, parameters: Self.parameters(of: label), activeParameter: commas, doc: s.doc)
            default: return nil
            }
        }
        var path = name
        if isMember, k > 2, case .identifier(let base) = tokens[k - 3].kind { path = base + "." + name }
        if isMember, let method = index.symbols.first(where: { $0.kind == .method && $0.name == name }) {
            var params = Self.parameters(of: method.detail)
            if params.first == "self" { params.removeFirst() }
            return SignatureAtCursor(label: method.detail, parameters: params, activeParameter: commas, doc: method.doc)
        }
        guard let value = session.evaluatePath(path), case .builtin(let b) = value else { return nil }
        return SignatureAtCursor(label: b.signature, parameters: Self.parameters(of: b.signature), activeParameter: commas, doc: b.doc)
    }

    /// The parameters of `name(a, b: Int = 1) -> T`, split at the top-level commas.
    static func parameters(of signature: String) -> [String] {
        guard let open = signature.firstIndex(of: "(") else { return [] }
        var out: [String] = [], current = "", depth = 0
        for c in signature[signature.index(after: open)...] {
            if c == "(" || c == "[" || c == "<" { depth += 1 }
            if c == ")" || c == "]" || c == ">" {
                if depth == 0 { break }
                depth -= 1
            }
            if c == "," && depth == 0 {
                out.append(current.trimmingCharacters())
                current = ""
            } else {
                current.append(c)
            }
        }
        let last = current.trimmingCharacters()
        if !last.isEmpty { out.append(last) }
        return out
    }

    // MARK: - semantic tokens

    static let punctuation: Set<String> = ["(", ")", "[", "]", "{", "}", ",", ";", ":", "."]
    static let quantumWords: Set<String> = ["qubit", "measure", "reset", "barrier", "release", "quantum", "call", "ctrl", "negctrl", "inv", "pow"]

    /// Every token and comment with its colour class, in text order.
    public func semanticTokens() -> [SemanticToken] {
        var occurrences: [Int: Occurrence] = [:]
        for o in index.occurrences { occurrences[o.span.start] = o }
        let gates = Set(index.gateNames.map { $0.start })
        var out: [SemanticToken] = lexed.comments.map { SemanticToken(span: $0, kind: .comment) }
        for (k, token) in lexed.tokens.enumerated() {
            let afterDot = k > 0 && lexed.tokens[k - 1].kind == .symbol(".")
            switch token.kind {
            case .keyword: out.append(SemanticToken(span: token.span, kind: .keyword))
            case .int, .float, .imaginary: out.append(SemanticToken(span: token.span, kind: .number))
            case .string: out.append(SemanticToken(span: token.span, kind: .string))
            case .attribute: out.append(SemanticToken(span: token.span, kind: .decorator))
            case .symbol(let s) where !Self.punctuation.contains(s): out.append(SemanticToken(span: token.span, kind: .operator))
            case .identifier(let name):
                if let o = occurrences[token.span.start] {
                    let s = index.symbols[o.symbol]
                    out.append(SemanticToken(span: token.span, kind: Self.semanticClass(s.kind), isDeclaration: o.isDeclaration,
                                             isReadonly: s.kind == .constant || s.kind == .enumCase))
                } else if gates.contains(token.span.start) {
                    out.append(SemanticToken(span: token.span, kind: .macro, isLibrary: true))
                } else if Self.quantumWords.contains(name) {
                    out.append(SemanticToken(span: token.span, kind: .keyword))
                } else if afterDot {
                    let isCall = k + 1 < lexed.tokens.count && lexed.tokens[k + 1].kind == .symbol("(")
                    out.append(SemanticToken(span: token.span, kind: isCall ? .method : .property))
                } else if session.modules[name] != nil {
                    out.append(SemanticToken(span: token.span, kind: .namespace, isLibrary: true))
                } else if let value = session.builtins[name] {
                    if case .builtin = value {
                        out.append(SemanticToken(span: token.span, kind: .function, isLibrary: true))
                    } else {
                        out.append(SemanticToken(span: token.span, kind: .variable, isReadonly: true, isLibrary: true))
                    }
                } else {
                    out.append(SemanticToken(span: token.span, kind: .variable))
                }
            default: break
            }
        }
        return out.sorted { $0.span.start < $1.span.start }
    }

    static func semanticClass(_ k: DeclaredSymbol.Kind) -> SemanticClass {
        switch k {
        case .constant, .variable, .register: return .variable
        case .parameter: return .parameter
        case .function, .kernel: return .function
        case .method: return .method
        case .structType, .enumType: return .type
        case .enumCase: return .enumMember
        case .field: return .property
        case .module: return .namespace
        }
    }
}
