/// Every name a program declares and every place it is used, found by walking the syntax tree
/// with the same scoping rules the compiler applies: a cell's top-level names are visible
/// everywhere in it, a block's names from their declaration to the block's end. Editors use it
/// for go-to-definition, references, rename, outline, hover and highlighting.
public struct DeclaredSymbol: Sendable {
    public enum Kind: String, Sendable {
        case constant, variable, parameter, function, kernel, structType, enumType, enumCase, field, method, register, module
    }
    public var name: String
    public var kind: Kind
    /// Where the name itself is written in the declaration.
    public var nameSpan: Span
    /// The whole declaration.
    public var span: Span
    /// Where the name can be used (the whole text for top-level names).
    public var scope: Span
    /// The symbol this one belongs to: a struct's field or method, an enum's case.
    public var container: Int?
    public var doc: String?
    /// A one-line description: a function's signature, `qubit q[3]`, `let x`.
    public var detail: String
    /// For a register declared with a literal size.
    public var registerSize: Int? = nil
    /// The type of a binding's value where it shows (a literal or a struct constructor call).
    public var valueType: String? = nil
}

public struct Occurrence: Sendable {
    public var span: Span
    public var symbol: Int
    public var isDeclaration: Bool
}

public final class SymbolIndex {
    public private(set) var symbols: [DeclaredSymbol] = []
    /// Sorted by position.
    public private(set) var occurrences: [Occurrence] = []
    /// Where gate names are written in gate statements.
    public private(set) var gateNames: [Span] = []
    let source: Source
    let identifierTokens: [Token]
    private var scopes: [[String: Int]] = [[:]]
    private var blockEnds: [Int] = []
    private var membersByName: [String: [Int]] = [:]
    private var membersByContainer: [Int: [Int]] = [:]
    private var typesByName: [String: Int] = [:]

    public init(program: [Stmt], source: Source, tokens: [Token]) {
        self.source = source
        self.identifierTokens = tokens.filter { if case .identifier = $0.kind { return true }; return false }
        blockEnds = [source.scalars.count]
        for stmt in program { predeclare(stmt) }
        for stmt in program { walk(stmt) }
        linkTypeNamesInAnnotations()
        occurrences.sort { $0.span.start < $1.span.start }
    }

    // MARK: - queries

    /// The occurrence whose name covers `offset` (or ends right at it).
    public func occurrence(at offset: Int) -> Occurrence? {
        var lo = 0, hi = occurrences.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if occurrences[mid].span.end < offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo < occurrences.count, occurrences[lo].span.start <= offset else { return nil }
        return occurrences[lo]
    }

    public func occurrences(of symbol: Int) -> [Occurrence] { occurrences.filter { $0.symbol == symbol } }

    /// Symbols usable at `offset`, innermost first (a shadowed name appears once).
    public func visibleSymbols(at offset: Int) -> [DeclaredSymbol] {
        var seen = Set<String>()
        var out: [DeclaredSymbol] = []
        let candidates = symbols.enumerated().filter { _, s in
            s.container == nil && s.scope.start <= offset && offset <= s.scope.end
        }.sorted { $0.element.scope.start > $1.element.scope.start }
        for (_, s) in candidates where seen.insert(s.name).inserted { out.append(s) }
        return out
    }

    /// The members (fields, methods, cases) declared inside a struct or enum.
    public func members(of symbol: Int) -> [Int] { membersByContainer[symbol] ?? [] }

    public func type(named name: String) -> Int? { typesByName[name] }

    // MARK: - declaring

    /// The span of `name` as written at or after `offset` (declarations without a stored name span).
    func nameSpan(_ name: String, after offset: Int) -> Span {
        for token in identifierTokens[firstIdentifier(atOrAfter: offset)...] where token.kind == .identifier(name) { return token.span }
        return Span(offset, offset)
    }

    func firstIdentifier(atOrAfter offset: Int) -> Int {
        var lo = 0, hi = identifierTokens.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if identifierTokens[mid].span.start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The label of `name: value` in a call: the last identifier before the value.
    func labelSpan(_ label: String, before offset: Int) -> Span? {
        let k = firstIdentifier(atOrAfter: offset) - 1
        guard k >= 0, identifierTokens[k].kind == .identifier(label) else { return nil }
        return identifierTokens[k].span
    }

    @discardableResult
    func declare(_ name: String, _ kind: DeclaredSymbol.Kind, at nameSpan: Span, span: Span, doc: String? = nil,
                 detail: String? = nil, container: Int? = nil, registerSize: Int? = nil, inScope: Bool = true) -> Int {
        if inScope, let existing = scopes[scopes.count - 1][name], symbols[existing].nameSpan == nameSpan { return existing }
        let visible = scopes.count == 1 ? Span(0, source.scalars.count) : Span(nameSpan.start, blockEnds.last!)
        symbols.append(DeclaredSymbol(name: name, kind: kind, nameSpan: nameSpan, span: span, scope: visible,
                                      container: container, doc: doc, detail: detail ?? "\(kind.rawValue) \(name)",
                                      registerSize: registerSize))
        let id = symbols.count - 1
        if inScope { scopes[scopes.count - 1][name] = id }
        if let container {
            membersByName[name, default: []].append(id)
            membersByContainer[container, default: []].append(id)
        }
        if (kind == .structType || kind == .enumType) && typesByName[name] == nil { typesByName[name] = id }
        occurrences.append(Occurrence(span: nameSpan, symbol: id, isDeclaration: true))
        return id
    }

    func reference(_ name: String, at span: Span) {
        for scope in scopes.reversed() {
            if let id = scope[name] {
                occurrences.append(Occurrence(span: span, symbol: id, isDeclaration: false))
                return
            }
        }
    }

    func withScope(until end: Int, _ body: () -> Void) {
        scopes.append([:])
        blockEnds.append(end)
        body()
        scopes.removeLast()
        blockEnds.removeLast()
    }

    /// Top-level declarations are visible to the whole cell, before and after them (the first
    /// binding of a name; a later `let` of the same name shadows it from there on).
    func predeclare(_ stmt: Stmt) {
        switch stmt.kind {
        case .function(let d): declareFunction(d, kind: .function)
        case .kernel(let d): declareFunction(d, kind: .kernel)
        case .structDecl(let d): declareStruct(d, stmt.span)
        case .enumDecl(let d): declareEnum(d, stmt.span)
        case .binding(let pattern, _, _, _):
            if !pattern.boundNames.contains(where: { scopes[0][$0] != nil }) { declareNames(stmt) }
        case .qubitDecl(let name, _), .measureInto(_, let name):
            if scopes[0][name] == nil { declareNames(stmt) }
        default: break
        }
    }

    func valueType(_ e: Expr) -> String? {
        switch e.kind {
        case .string: return "String"
        case .list, .comprehension: return "List"
        case .map: return "Map"
        case .tuple: return "Tuple"
        case .range: return "Range"
        case .call(let callee, _):
            if case .name(let n) = callee.kind, let t = typesByName[n], symbols[t].kind == .structType { return n }
            return nil
        default: return nil
        }
    }

    /// Declares what a binding, register, measurement or import statement names.
    func declareNames(_ stmt: Stmt) {
        switch stmt.kind {
        case .binding(let pattern, _, let value, let mutable):
            let word = mutable ? "var" : "let"
            declarePattern(pattern, kind: mutable ? .variable : .constant) { "\(word) \($0)" }
            if case .binding(let name) = pattern.kind, let id = scopes[scopes.count - 1][name], let type = valueType(value) {
                symbols[id].valueType = type
            }
        case .qubitDecl(let name, let size):
            var literal: Int? = nil
            if case .int(let n)? = size?.kind { literal = n } else if size == nil { literal = 1 }
            let at = nameSpan(name, after: stmt.span.start + 1)
            declare(name, .register, at: at, span: stmt.span,
                    detail: "qubit \(name)" + (size.map { "[\(source.slice($0.span))]" } ?? ""), registerSize: literal)
        case .measureInto(let target, let name):
            let at = nameSpan(name, after: target.span.end)
            declare(name, .variable, at: at, span: stmt.span, detail: "measure … as \(name)")
        case .importModule(let name, let alias):
            let bound = alias ?? name
            let at = nameSpan(bound, after: alias == nil ? stmt.span.start : nameSpan(name, after: stmt.span.start).end)
            declare(bound, .module, at: at, span: stmt.span, detail: "import \(name)" + (alias.map { " as \($0)" } ?? ""))
        default: break
        }
    }

    @discardableResult
    func declareFunction(_ d: FunctionDecl, kind: DeclaredSymbol.Kind, container: Int? = nil) -> Int {
        declare(d.name, kind, at: nameSpan(d.name, after: d.span.start), span: d.span, doc: d.doc,
                detail: d.signature(isKernel: kind == .kernel), container: container, inScope: container == nil)
    }

    func declareStruct(_ d: StructDecl, _ span: Span) {
        let id = declare(d.name, .structType, at: nameSpan(d.name, after: span.start), span: span, doc: d.doc,
                         detail: "struct \(d.name)(\(d.fields.map { source.slice($0.span) }.joined(separator: ", ")))")
        for f in d.fields {
            declare(f.name, .field, at: nameSpan(f.name, after: f.span.start), span: f.span,
                    detail: "field \(d.name).\(source.slice(f.span))", container: id, inScope: false)
        }
        for m in d.methods { declareFunction(m, kind: .method, container: id) }
    }

    func declareEnum(_ d: EnumDecl, _ span: Span) {
        let id = declare(d.name, .enumType, at: nameSpan(d.name, after: span.start), span: span, doc: d.doc,
                         detail: "enum \(d.name)")
        for c in d.cases {
            declare(c.name, .enumCase, at: nameSpan(c.name, after: c.span.start), span: c.span,
                    detail: "case \(d.name).\(source.slice(c.span))", container: id, inScope: false)
        }
        for m in d.methods { declareFunction(m, kind: .method, container: id) }
    }

    func declarePattern(_ p: Pattern, kind: DeclaredSymbol.Kind, detail: (String) -> String) {
        switch p.kind {
        case .binding(let name) where name != "_":
            declare(name, kind, at: p.span, span: p.span, detail: detail(name))
        case .tuple(let items): for item in items { declarePattern(item, kind: kind, detail: detail) }
        case .list(let items, let rest, _):
            for item in items { declarePattern(item, kind: kind, detail: detail) }
            if let rest, rest != "_" { declare(rest, kind, at: nameSpan(rest, after: p.span.start), span: p.span, detail: detail(rest)) }
        case .constructor(let name, let items, _):
            let caseName = name.split(separator: ".").last.map(String.init) ?? name
            referenceMember(caseName, at: nameSpan(caseName, after: p.span.start), kinds: [.enumCase])
            for (_, item) in items { declarePattern(item, kind: kind, detail: detail) }
        case .alternatives(let items):
            if let first = items.first { declarePattern(first, kind: kind, detail: detail) }
            for item in items.dropFirst() { walkPatternReferences(item) }
        case .literal(let e): walk(e)
        case .range(let a, let b, _): walk(a); walk(b)
        default: break
        }
    }

    /// Later alternatives of `p | q` bind the names the first one declared.
    func walkPatternReferences(_ p: Pattern) {
        switch p.kind {
        case .binding(let name): reference(name, at: p.span)
        case .tuple(let items), .list(let items, _, _), .alternatives(let items): items.forEach(walkPatternReferences)
        case .constructor(_, let items, _): items.forEach { walkPatternReferences($0.1) }
        default: break
        }
    }

    /// A member name (`p.x`, a case in a pattern) refers to the one field, method or case of
    /// that name the file declares; when several types declare it, the type is unknown here.
    func referenceMember(_ name: String, at span: Span, kinds: Set<DeclaredSymbol.Kind>) {
        let matches = (membersByName[name] ?? []).filter { kinds.contains(symbols[$0].kind) }
        if matches.count == 1 { occurrences.append(Occurrence(span: span, symbol: matches[0], isDeclaration: false)) }
    }

    /// Type names in annotations (`x: Point`) and constructor patterns have no node of their
    /// own; every other identifier token that names a declared type refers to it.
    func linkTypeNamesInAnnotations() {
        let covered = Set(occurrences.map { $0.span.start })
        for token in identifierTokens where !covered.contains(token.span.start) {
            if case .identifier(let name) = token.kind, let id = typesByName[name] {
                occurrences.append(Occurrence(span: token.span, symbol: id, isDeclaration: false))
            }
        }
    }

    // MARK: - walking

    func walk(_ stmts: [Stmt], until end: Int) {
        withScope(until: end) { for s in stmts { walk(s) } }
    }

    func blockEnd(_ stmts: [Stmt], fallback: Span) -> Int { max(stmts.last?.span.end ?? fallback.end, fallback.end) }

    func walk(_ stmt: Stmt) {
        switch stmt.kind {
        case .expression(let e): walk(e)
        case .binding(_, _, let value, _):
            walk(value)
            declareNames(stmt)
        case .assign(let target, _, let value): walk(target); walk(value)
        case .function(let d), .kernel(let d):
            let isKernel: Bool = { if case .kernel = stmt.kind { return true }; return false }()
            if scopes.count > 1 { declareFunction(d, kind: isKernel ? .kernel : .function) }
            walkFunction(d)
        case .structDecl(let d):
            if scopes.count > 1 { declareStruct(d, stmt.span) }
            d.fields.forEach { $0.defaultValue.map(walk) }
            d.methods.forEach(walkFunction)
        case .enumDecl(let d):
            if scopes.count > 1 { declareEnum(d, stmt.span) }
            d.methods.forEach(walkFunction)
        case .whileLoop(let cond, let body):
            walk(cond)
            walk(body, until: stmt.span.end)
        case .forLoop(let pattern, let iterable, let body):
            walk(iterable)
            withScope(until: stmt.span.end) {
                declarePattern(pattern, kind: .variable) { "for \($0)" }
                for s in body { walk(s) }
            }
        case .returnStmt(let e): e.map(walk)
        case .throwStmt(let e): walk(e)
        case .assert(let a, let b): walk(a); b.map(walk)
        case .tryCatch(let body, let name, let handler):
            walk(body, until: blockEnd(body, fallback: stmt.span))
            withScope(until: stmt.span.end) {
                if let name {
                    let at = nameSpan(name, after: body.last?.span.end ?? stmt.span.start)
                    declare(name, .variable, at: at, span: at, detail: "catch \(name)")
                }
                for s in handler { walk(s) }
            }
        case .importModule: declareNames(stmt)
        case .qubitDecl(_, let size):
            size.map(walk)
            declareNames(stmt)
        case .gate(_, let gateName, let params, let modifiers, let operands):
            gateNames.append(gateName)
            for m in modifiers {
                switch m {
                case .ctrl(let e), .negctrl(let e): e.map(walk)
                case .pow(let e): walk(e)
                case .inv: break
                }
            }
            params.forEach(walk)
            operands.forEach(walk)
        case .measureInto(let target, _):
            walk(target)
            declareNames(stmt)
        case .reset(let es), .barrier(let es), .release(let es): es.forEach(walk)
        case .breakStmt, .continueStmt, .attribute: break
        }
    }

    func walkFunction(_ d: FunctionDecl) {
        withScope(until: d.span.end) {
            for p in d.params {
                p.defaultValue.map(walk)
                declare(p.name, .parameter, at: nameSpan(p.name, after: p.span.start), span: p.span,
                        detail: "parameter \(source.slice(p.span))")
            }
            for s in d.body { walk(s) }
        }
    }

    func walk(_ e: Expr) {
        switch e.kind {
        case .int, .float, .imaginary, .bool, .nilLiteral: break
        case .string(let parts): for case .expr(let x) in parts { walk(x) }
        case .name(let n): reference(n, at: e.span)
        case .list(let items), .tuple(let items): items.forEach(walk)
        case .map(let pairs): for (k, v) in pairs { walk(k); walk(v) }
        case .unary(_, let x), .measure(let x), .await(let x), .async(let x): walk(x)
        case .binary(_, let a, let b), .logical(_, let a, let b), .pipe(let a, let b), .index(let a, let b): walk(a); walk(b)
        case .range(let a, let b, _, let step): walk(a); walk(b); step.map(walk)
        case .call(let callee, let args):
            walk(callee)
            for arg in args {
                walk(arg.value)
                if let label = arg.label, case .name(let typeName) = callee.kind, let type = typesByName[typeName],
                   let field = members(of: type).first(where: { symbols[$0].name == label }),
                   let at = labelSpan(label, before: arg.value.span.start) {
                    occurrences.append(Occurrence(span: at, symbol: field, isDeclaration: false))
                }
            }
        case .member(let base, let name):
            walk(base)
            let at = Span(e.span.end - name.unicodeScalars.count, e.span.end)
            if case .name(let baseName) = base.kind, let type = typesByName[baseName],
               let member = members(of: type).first(where: { symbols[$0].name == name }) {
                occurrences.append(Occurrence(span: at, symbol: member, isDeclaration: false))
            } else {
                referenceMember(name, at: at, kinds: [.field, .method, .enumCase])
            }
        case .lambda(let params, let body, _):
            withScope(until: e.span.end) {
                for p in params {
                    p.defaultValue.map(walk)
                    declare(p.name, .parameter, at: nameSpan(p.name, after: p.span.start), span: p.span, detail: "parameter \(p.name)")
                }
                for s in body { walk(s) }
            }
        case .ifExpr(let cond, let then, let otherwise):
            walk(cond)
            walk(then, until: e.span.end)
            otherwise.map { walk($0, until: e.span.end) }
        case .match(let subject, let arms):
            walk(subject)
            for arm in arms {
                withScope(until: arm.body.span.end) {
                    declarePattern(arm.pattern, kind: .constant) { "case \($0)" }
                    arm.guardExpr.map(walk)
                    walk(arm.body)
                }
            }
        case .comprehension(let body, let pattern, let iterable, let condition):
            walk(iterable)
            withScope(until: e.span.end) {
                declarePattern(pattern, kind: .variable) { "for \($0)" }
                condition.map(walk)
                walk(body)
            }
        case .block(let stmts): walk(stmts, until: e.span.end)
        }
    }
}
