/// Recursive-descent parser producing the AST. It stops at the first error, which it reports
/// precisely; `Parser.isComplete` uses the same machinery to answer the kernel's is_complete.
public struct Parser {
    public struct Failure: Error {
        public var diagnostic: Diagnostic
        /// The error was met at the end of the text: more input could fix it.
        public var atEnd: Bool
    }

    let source: Source
    var tokens: [Token]
    var p = 0

    public init(source: Source, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    /// Lexes and parses a whole program or cell.
    public static func parse(_ source: Source) throws -> [Stmt] {
        let lexed = Lexer.tokenize(source)
        if let first = lexed.diagnostics.first { throw first }
        var parser = Parser(source: source, tokens: lexed.tokens)
        do { return try parser.parseProgram() } catch let failure as Failure { throw failure.diagnostic }
    }

    /// Notebook magics (`%seed 7`, `%%qasm`) belong to the kernel, not the language: their lines
    /// become spaces (so offsets and line numbers stay) before the text is parsed as SynQ.
    public static func blankingMagicLines(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.drop { $0 == " " || $0 == "\t" }.hasPrefix("%") ? String(repeating: " ", count: line.unicodeScalars.count) : String(line)
        }.joined(separator: "\n")
    }

    public enum Completeness: Equatable { case complete, incomplete(indent: String), invalid }

    /// Whether a cell is ready to run, as the kernel's is_complete_request asks.
    public static func isComplete(_ code: String) -> Completeness {
        let source = Source(name: "cell", text: code)
        let lexed = Lexer.tokenize(source)
        let depth = lexed.openBrackets.filter { $0 == "{" }.count
        let indent = String(repeating: "    ", count: max(depth, 1))
        if lexed.endsIncomplete { return .incomplete(indent: depth > 0 ? indent : "") }
        if !lexed.diagnostics.isEmpty { return .invalid }
        if let last = lexed.tokens.dropLast(2).last, case .symbol(let sym) = last.kind,
           Lexer.continuationSymbols.contains(sym) {
            return .incomplete(indent: indent)
        }
        var parser = Parser(source: source, tokens: lexed.tokens)
        do {
            _ = try parser.parseProgram()
            return .complete
        } catch let failure as Failure {
            return failure.atEnd ? .incomplete(indent: indent) : .invalid
        } catch {
            return .invalid
        }
    }

    // MARK: - token helpers

    var current: Token { tokens[p] }
    var previous: Token { tokens[max(0, p - 1)] }

    func peekKind(_ k: Int = 0) -> TokenKind { tokens[min(p + k, tokens.count - 1)].kind }

    func isSymbol(_ sym: String, _ k: Int = 0) -> Bool {
        if case .symbol(let s) = peekKind(k) { return s == sym }
        return false
    }

    func isKeyword(_ kw: Keyword, _ k: Int = 0) -> Bool {
        if case .keyword(let w) = peekKind(k) { return w == kw }
        return false
    }

    func isIdentifier(_ k: Int = 0) -> Bool {
        if case .identifier = peekKind(k) { return true }
        return false
    }

    func identifierText(_ k: Int = 0) -> String? {
        if case .identifier(let s) = peekKind(k) { return s }
        return nil
    }

    var atEnd: Bool { if case .eof = current.kind { return true } else { return false } }
    var atNewline: Bool { if case .newline = current.kind { return true } else { return false } }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[p]
        if p < tokens.count - 1 { p += 1 }
        return t
    }

    mutating func match(_ sym: String) -> Bool {
        if isSymbol(sym) { advance(); return true }
        return false
    }

    mutating func matchKeyword(_ kw: Keyword) -> Bool {
        if isKeyword(kw) { advance(); return true }
        return false
    }

    mutating func skipNewlines() {
        while atNewline || isSymbol(";") { advance() }
    }

    func describe(_ t: Token) -> String {
        switch t.kind {
        case .identifier(let s): return "'\(s)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .int(let v): return "'\(v)'"
        case .float(let v): return "'\(v)'"
        case .imaginary(let v): return "'\(v)i'"
        case .string: return "a string"
        case .symbol(let s): return "'\(s)'"
        case .attribute: return "an attribute"
        case .newline: return "the end of the line"
        case .eof: return "the end of the input"
        }
    }

    func fail(_ code: String, _ message: String, at token: Token? = nil, help: String? = nil) -> Failure {
        let t = token ?? current
        var atEnd = false
        if case .eof = t.kind { atEnd = true }
        if case .newline = t.kind, t.span.start >= source.scalars.count { atEnd = true }
        var span = t.span.end > t.span.start ? t.span : Span(t.span.start, t.span.start + 1)
        if t.kind == .eof || t.kind == .newline, let before = tokens[..<p].last(where: { $0.kind != .newline }) {
            // point just past the last real token, on its line, rather than at an empty next line
            span = Span(before.span.end, before.span.end + 1)
        }
        return Failure(diagnostic: Diagnostic(code, message, at: span, help: help, source: source), atEnd: atEnd)
    }

    mutating func expect(_ sym: String, _ what: String? = nil, help: String? = nil) throws -> Token {
        if isSymbol(sym) { return advance() }
        throw fail("P001", "expected '\(sym)'\(what.map { " \($0)" } ?? "") but found \(describe(current))", help: help)
    }

    mutating func expectIdentifier(_ what: String) throws -> (String, Span) {
        if case .identifier(let name) = current.kind {
            let t = advance()
            return (name, t.span)
        }
        if case .keyword(let k) = current.kind {
            throw fail("P001", "expected \(what) but found the keyword '\(k.rawValue)'", help: "'\(k.rawValue)' is reserved; choose another name")
        }
        throw fail("P001", "expected \(what) but found \(describe(current))")
    }

    // MARK: - statements

    public mutating func parseProgram() throws -> [Stmt] {
        var stmts: [Stmt] = []
        skipNewlines()
        while !atEnd {
            stmts.append(try parseStatementTerminated())
            skipNewlines()
        }
        return stmts
    }

    mutating func parseStatementTerminated() throws -> Stmt {
        var stmt = try parseStatement()
        if isSymbol(";") {
            stmt.endsWithSemicolon = true
            advance()
        } else if !(atNewline || atEnd || isSymbol("}")) {
            throw fail("P001", "expected the end of the statement but found \(describe(current))",
                       help: "put one statement on each line, or separate them with ';'")
        }
        return stmt
    }

    mutating func parseBlock() throws -> [Stmt] {
        _ = try expect("{", "to open a block")
        var stmts: [Stmt] = []
        skipNewlines()
        while !isSymbol("}") {
            if atEnd { throw fail("P002", "expected '}' to close the block", help: "add '}'") }
            stmts.append(try parseStatementTerminated())
            skipNewlines()
        }
        advance()
        return stmts
    }

    /// A block, or with `then`/`do` a single statement (the recovery profile's one-line forms).
    mutating func parseBodyAfter(_ keyword: Keyword) throws -> [Stmt] {
        if matchKeyword(keyword) { return [try parseStatement()] }
        return try parseBlock()
    }

    mutating func parseStatement() throws -> Stmt {
        let start = current
        let doc = current.doc
        switch current.kind {
        case .attribute(let text):
            advance()
            return Stmt(.attribute(text), start.span)
        case .keyword(let kw):
            switch kw {
            case .let, .var: return try parseBinding()
            case .set:
                advance()
                let target = try parseExpression()
                let opTok = current
                guard case .symbol(let op) = opTok.kind, ["=", "+=", "-=", "*=", "/="].contains(op) else {
                    throw fail("P001", "expected '=' after set target")
                }
                advance()
                let value = try parseExpression()
                return Stmt(.assign(target, op, value), start.span.to(value.span))
            case .fn:
                advance()
                var decl = try parseFunction(doc: doc)
                decl.span = start.span.to(decl.span)
                return Stmt(.function(decl), decl.span)
            case .kernel:
                advance()
                var decl = try parseFunction(doc: doc)
                decl.span = start.span.to(decl.span)
                return Stmt(.kernel(decl), decl.span)
            case .struct: return try parseStruct(doc: doc)
            case .enum: return try parseEnum(doc: doc)
            case .while:
                advance()
                let cond = try parseExpression()
                let body = try parseBodyAfter(.do)
                return Stmt(.whileLoop(cond, body), start.span.to(previous.span))
            case .for:
                advance()
                let pattern = try parsePattern()
                guard matchKeyword(.in) else { throw fail("P001", "expected 'in' after the loop variable", help: "for i in 0..10 { ... }") }
                let iterable = try parseExpression()
                let body = try parseBodyAfter(.do)
                return Stmt(.forLoop(pattern, iterable, body), start.span.to(previous.span))
            case .break: advance(); return Stmt(.breakStmt, start.span)
            case .continue: advance(); return Stmt(.continueStmt, start.span)
            case .return:
                advance()
                if atNewline || atEnd || isSymbol(";") || isSymbol("}") { return Stmt(.returnStmt(nil), start.span) }
                let value = try parseExpression()
                return Stmt(.returnStmt(value), start.span.to(value.span))
            case .throw:
                advance()
                let value = try parseExpression()
                return Stmt(.throwStmt(value), start.span.to(value.span))
            case .try:
                advance()
                let body = try parseBlock()
                skipNewlinesBefore(.catch)
                guard matchKeyword(.catch) else { throw fail("P001", "expected 'catch' after the try block", help: "try { ... } catch err { ... }") }
                var name: String? = nil
                if case .identifier(let n) = current.kind { name = n; advance() }
                let handler = try parseBlock()
                return Stmt(.tryCatch(body, name, handler), start.span.to(previous.span))
            case .assert:
                advance()
                let cond = try parseExpression()
                var message: Expr? = nil
                if match(",") { message = try parseExpression() }
                return Stmt(.assert(cond, message), start.span.to(previous.span))
            case .import:
                advance()
                var (name, _) = try expectIdentifier("a module name")
                while match(".") { name += "." + (try expectIdentifier("a module name")).0 }
                var alias: String? = nil
                if matchKeyword(.as) { alias = try expectIdentifier("an alias").0 }
                return Stmt(.importModule(name, alias: alias), start.span.to(previous.span))
            case .if:
                if let stmt = try parseIfThen() { return stmt }
            default: break
            }
        case .identifier(let word):
            if let stmt = try parseQuantumStatement(word) { return stmt }
        default: break
        }
        let expr = try parseExpression()
        if case .symbol(let op) = current.kind, ["=", "+=", "-=", "*=", "/="].contains(op) {
            switch expr.kind {
            case .name, .index, .member: break
            default: throw fail("P007", "cannot assign to this expression", at: Token(kind: .symbol(op), span: expr.span, atLineStart: false),
                                help: "the left side of '\(op)' must be a name, an index like xs[0] or a field like p.x")
            }
            advance()
            let value = try parseExpression()
            return Stmt(.assign(expr, op, value), expr.span.to(value.span))
        }
        return Stmt(.expression(expr), expr.span)
    }

    mutating func skipNewlinesBefore(_ kw: Keyword) {
        var k = p
        while case .newline = tokens[k].kind { k += 1 }
        if case .keyword(let w) = tokens[k].kind, w == kw { p = k }
    }

    /// `if c then stmt [else stmt]`; nil when the `if` has a block (then it is an expression).
    mutating func parseIfThen() throws -> Stmt? {
        let save = p
        let start = advance()
        let cond = try parseExpression()
        guard isKeyword(.then) else { p = save; return nil }
        advance()
        let body = [try parseStatement()]
        var elseBody: [Stmt]? = nil
        if matchKeyword(.else) { elseBody = [try parseStatement()] }
        let expr = Expr(.ifExpr(cond, body, elseBody), start.span.to(previous.span))
        return Stmt(.expression(expr), expr.span)
    }

    mutating func parseBinding() throws -> Stmt {
        let start = advance()
        let mutable = start.kind == .keyword(.var)
        let pattern = try parsePattern()
        var type: TypeExpr? = nil
        if match(":") { type = try parseType() }
        _ = try expect("=", "in the binding", help: "\(mutable ? "var" : "let") name = value")
        let value = try parseExpression()
        return Stmt(.binding(pattern, type, value, mutable: mutable), start.span.to(value.span))
    }

    mutating func parseParams(close: String) throws -> [Param] {
        var params: [Param] = []
        while !isSymbol(close) {
            let start = current.span
            var (name, _) = try expectIdentifier("a parameter name")
            var type: TypeExpr? = nil
            if let second = identifierText() {
                // profile style: `angle theta`, `qubit target`
                type = .named(name, [])
                name = second
                advance()
            } else if name == "self" && (isSymbol(",") || isSymbol(close)) {
                params.append(Param(name: "self", type: nil, defaultValue: nil, span: start))
                if !match(",") { break }
                continue
            }
            if match(":") { type = try parseType() }
            var def: Expr? = nil
            if match("=") { def = try parseExpression() }
            params.append(Param(name: name, type: type, defaultValue: def, span: start.to(previous.span)))
            if !match(",") { break }
        }
        _ = try expect(close, "to close the parameter list")
        return params
    }

    mutating func parseFunction(doc: String?) throws -> FunctionDecl {
        let (name, nameSpan) = try expectIdentifier("a function name")
        var generics: [String] = []
        if match("<") {
            repeat { generics.append(try expectIdentifier("a type parameter").0) } while match(",")
            _ = try expect(">", "to close the type parameters")
        }
        _ = try expect("(", "to open the parameter list", help: "fn \(name)(x) { ... }")
        let params = try parseParams(close: ")")
        var returnType: TypeExpr? = nil
        if match("->") {
            let save = p
            if let type = try? parseType(), isSymbol("{") {
                returnType = type
            } else {
                p = save
                let body = try parseExpression()
                return FunctionDecl(name: name, generics: generics, params: params, returnType: nil,
                                    body: [Stmt(.expression(body), body.span)], isExpressionBody: true, doc: doc,
                                    span: nameSpan.to(body.span))
            }
        }
        if isSymbol("=") {
            advance()
            let body = try parseExpression()
            return FunctionDecl(name: name, generics: generics, params: params, returnType: returnType,
                                body: [Stmt(.expression(body), body.span)], isExpressionBody: true, doc: doc, span: nameSpan.to(body.span))
        }
        let body = try parseBlock()
        return FunctionDecl(name: name, generics: generics, params: params, returnType: returnType,
                            body: body, isExpressionBody: false, doc: doc, span: nameSpan.to(previous.span))
    }

    mutating func parseStruct(doc: String?) throws -> Stmt {
        let start = advance()
        let (name, _) = try expectIdentifier("a struct name")
        _ = try expect("{", "to open the struct body")
        var fields: [Param] = []
        var methods: [FunctionDecl] = []
        skipNewlinesAndCommas()
        while !isSymbol("}") {
            if atEnd { throw fail("P002", "expected '}' to close struct \(name)") }
            if isKeyword(.fn) {
                let d = current.doc
                advance()
                methods.append(try parseFunction(doc: d))
            } else {
                let fstart = current.span
                let (fname, _) = try expectIdentifier("a field name")
                var type: TypeExpr? = nil
                if match(":") { type = try parseType() }
                var def: Expr? = nil
                if match("=") { def = try parseExpression() }
                fields.append(Param(name: fname, type: type, defaultValue: def, span: fstart.to(previous.span)))
            }
            skipNewlinesAndCommas()
        }
        advance()
        return Stmt(.structDecl(StructDecl(name: name, fields: fields, methods: methods, doc: doc, span: start.span.to(previous.span))),
                    start.span.to(previous.span))
    }

    mutating func skipNewlinesAndCommas() {
        while atNewline || isSymbol(",") || isSymbol(";") { advance() }
    }

    mutating func parseEnum(doc: String?) throws -> Stmt {
        let start = advance()
        let (name, _) = try expectIdentifier("an enum name")
        _ = try expect("{", "to open the enum body")
        var cases: [EnumCaseDecl] = []
        var methods: [FunctionDecl] = []
        skipNewlinesAndCommas()
        while !isSymbol("}") {
            if atEnd { throw fail("P002", "expected '}' to close enum \(name)") }
            if isKeyword(.fn) {
                let d = current.doc
                advance()
                methods.append(try parseFunction(doc: d))
            } else {
                let cstart = current.span
                let (cname, _) = try expectIdentifier("a case name")
                var fields: [Param] = []
                if match("(") {
                    var index = 0
                    while !isSymbol(")") {
                        let fs = current.span
                        if isIdentifier(), isSymbol(":", 1) {
                            let fname = try expectIdentifier("a field name").0
                            advance()
                            fields.append(Param(name: fname, type: try parseType(), defaultValue: nil, span: fs.to(previous.span)))
                        } else {
                            fields.append(Param(name: "_\(index)", type: try parseType(), defaultValue: nil, span: fs.to(previous.span)))
                        }
                        index += 1
                        if !match(",") { break }
                    }
                    _ = try expect(")", "to close the case's fields")
                }
                cases.append(EnumCaseDecl(name: cname, fields: fields, span: cstart.to(previous.span)))
            }
            skipNewlinesAndCommas()
        }
        advance()
        return Stmt(.enumDecl(EnumDecl(name: name, cases: cases, methods: methods, doc: doc, span: start.span.to(previous.span))),
                    start.span.to(previous.span))
    }

    mutating func parseType() throws -> TypeExpr {
        if match("(") {
            var items: [TypeExpr] = []
            while !isSymbol(")") {
                items.append(try parseType())
                if !match(",") { break }
            }
            _ = try expect(")", "to close the type")
            if match("->") { return .function(items, try parseType()) }
            return items.count == 1 ? items[0] : .tuple(items)
        }
        let name: String
        if case .keyword(.nil) = current.kind { advance(); name = "Nil" } else {
            name = try expectIdentifier("a type name").0
        }
        var args: [TypeExpr] = []
        if isSymbol("<") {
            advance()
            repeat { args.append(try parseType()) } while match(",")
            if isSymbol(">>") {
                // `List<List<Int>>`: split the shift token
                tokens[p].kind = .symbol(">")
            } else {
                _ = try expect(">", "to close the type arguments")
            }
        }
        if match("?") { return .named("Optional", [.named(name, args)]) }
        return .named(name, args)
    }

    // MARK: - quantum statements

    static let modifierWords: Set<String> = ["ctrl", "negctrl", "inv", "pow"]

    /// Index just past a balanced parenthesis group starting at `k`, or nil.
    func skipParens(from k: Int) -> Int? {
        guard case .symbol("(") = tokens[min(k, tokens.count - 1)].kind else { return nil }
        var depth = 0, j = k
        while j < tokens.count {
            if case .symbol(let s) = tokens[j].kind {
                if s == "(" { depth += 1 } else if s == ")" { depth -= 1; if depth == 0 { return j + 1 } }
            }
            if case .eof = tokens[j].kind { return nil }
            j += 1
        }
        return nil
    }

    func looksLikeGate(at k: Int) -> Bool {
        guard case .identifier(let word) = tokens[k].kind else { return false }
        var j = k + 1
        if Parser.modifierWords.contains(word) {
            if let after = skipParens(from: j) { j = after }
            if case .symbol("@") = tokens[j].kind { return true }
            j = k + 1
        }
        if let after = skipParens(from: j) { j = after }
        if case .identifier = tokens[j].kind, !tokens[j].atLineStart { return true }
        return false
    }

    mutating func parseQuantumStatement(_ word: String) throws -> Stmt? {
        let start = current
        switch word {
        case "quantum":
            advance()
            guard looksLikeGate(at: p) else {
                throw fail("P005", "expected a gate after 'quantum'", help: "quantum h q[0]")
            }
            return try parseGate(start: start)
        case "qubit" where isIdentifier(1) && !tokens[p + 1].atLineStart:
            advance()
            let (name, _) = try expectIdentifier("a register name")
            var size: Expr? = nil
            if match("[") {
                size = try parseExpression()
                _ = try expect("]", "after the register size")
            }
            return Stmt(.qubitDecl(name, size), start.span.to(previous.span))
        case "measure" where isIdentifier(1) && !tokens[p + 1].atLineStart:
            let save = p
            advance()
            let target = try parseExpression()
            if matchKeyword(.as) {
                let (name, _) = try expectIdentifier("a name for the result")
                return Stmt(.measureInto(target, name), start.span.to(previous.span))
            }
            p = save
            return nil
        case "reset", "barrier", "release":
            guard isIdentifier(1), !tokens[p + 1].atLineStart else { return nil }
            advance()
            var operands = [try parseExpression()]
            while match(",") { operands.append(try parseExpression()) }
            let span = start.span.to(previous.span)
            switch word {
            case "reset": return Stmt(.reset(operands), span)
            case "barrier": return Stmt(.barrier(operands), span)
            default: return Stmt(.release(operands), span)
            }
        case "call" where isIdentifier(1):
            advance()
            let expr = try parseExpression()
            guard case .call = expr.kind else { throw fail("P001", "expected a kernel call after 'call'", help: "call bell(q[0], q[1])") }
            return Stmt(.expression(expr), start.span.to(expr.span))
        default:
            guard looksLikeGate(at: p) else { return nil }
            return try parseGate(start: start)
        }
    }

    mutating func parseGate(start: Token) throws -> Stmt {
        var modifiers: [GateModifier] = []
        while let word = identifierText(), Parser.modifierWords.contains(word),
              isSymbol("@", 1) || (isSymbol("(", 1) && skipParens(from: p + 1).map { tokens[$0].kind == .symbol("@") } == true) {
            advance()
            var arg: Expr? = nil
            if match("(") {
                arg = try parseExpression()
                _ = try expect(")")
            }
            _ = try expect("@", "after the gate modifier")
            switch word {
            case "ctrl": modifiers.append(.ctrl(arg))
            case "negctrl": modifiers.append(.negctrl(arg))
            case "inv": modifiers.append(.inv)
            default:
                guard let arg else { throw fail("P001", "pow needs an exponent", help: "pow(2) @ x q[0]") }
                modifiers.append(.pow(arg))
            }
        }
        let (name, nameSpan) = try expectIdentifier("a gate name")
        var params: [Expr] = []
        if match("(") {
            while !isSymbol(")") {
                params.append(try parseExpression())
                if !match(",") { break }
            }
            _ = try expect(")", "to close the gate parameters")
        }
        guard isIdentifier(), !current.atLineStart else {
            throw fail("P005", "expected a qubit operand like q[0]", help: "gates act on qubits: \(name) q[0]")
        }
        var operands = [try parseOperand()]
        while match(",") { operands.append(try parseOperand()) }
        return Stmt(.gate(name: name, nameSpan: nameSpan, params: params, modifiers: modifiers, operands: operands),
                    start.span.to(previous.span))
    }

    mutating func parseOperand() throws -> Expr {
        guard isIdentifier() else { throw fail("P005", "expected a qubit operand like q[0]") }
        return try parsePostfix(try parsePrimary())
    }

    // MARK: - patterns

    mutating func parsePattern() throws -> Pattern {
        let first = try parseSinglePattern()
        guard isSymbol("|") else { return first }
        var alternatives = [first]
        while match("|") { alternatives.append(try parseSinglePattern()) }
        return Pattern(kind: .alternatives(alternatives), span: first.span.to(previous.span))
    }

    mutating func parseSinglePattern() throws -> Pattern {
        let start = current
        switch current.kind {
        case .identifier(let name):
            advance()
            if name == "_" { return Pattern(kind: .wildcard, span: start.span) }
            var full = name
            if isSymbol("."), case .identifier(let member) = peekKind(1) {
                advance(); advance()
                full = name + "." + member
            }
            let isConstructor = full.contains(".") || (full.first?.isUppercase ?? false)
            if match("(") {
                var items: [(String?, Pattern)] = []
                while !isSymbol(")") {
                    if isIdentifier(), isSymbol(":", 1) {
                        let label = identifierText()
                        advance(); advance()
                        items.append((label, try parsePattern()))
                    } else {
                        items.append((nil, try parsePattern()))
                    }
                    if !match(",") { break }
                }
                _ = try expect(")", "to close the pattern")
                return Pattern(kind: .constructor(full, items, hasPayload: true), span: start.span.to(previous.span))
            }
            if isConstructor { return Pattern(kind: .constructor(full, [], hasPayload: false), span: start.span.to(previous.span)) }
            return Pattern(kind: .binding(name), span: start.span)
        case .symbol("("):
            advance()
            var items: [Pattern] = []
            while !isSymbol(")") {
                items.append(try parsePattern())
                if !match(",") { break }
            }
            _ = try expect(")", "to close the tuple pattern")
            if items.count == 1 { return items[0] }
            return Pattern(kind: .tuple(items), span: start.span.to(previous.span))
        case .symbol("["):
            advance()
            var items: [Pattern] = []
            var rest: String? = nil
            var restIndex: Int? = nil
            while !isSymbol("]") {
                if match("..") {
                    restIndex = items.count
                    if case .identifier(let n) = current.kind { rest = n; advance() } else { rest = "_" }
                } else {
                    items.append(try parsePattern())
                }
                if !match(",") { break }
            }
            _ = try expect("]", "to close the list pattern")
            return Pattern(kind: .list(items, rest: rest, restIndex: restIndex), span: start.span.to(previous.span))
        default:
            let lit = try parseUnary()
            switch lit.kind {
            case .int, .float, .string, .bool, .nilLiteral, .imaginary, .unary: break
            default: throw fail("P001", "expected a pattern but found \(describe(start))", at: start,
                                help: "patterns are literals, names, _, tuples, lists, ranges or Case(...)")
            }
            if isSymbol("..") || isSymbol("..=") {
                let inclusive = advance().kind == .symbol("..=")
                let hi = try parseUnary()
                return Pattern(kind: .range(lit, hi, inclusive: inclusive), span: start.span.to(previous.span))
            }
            return Pattern(kind: .literal(lit), span: lit.span)
        }
    }

    // MARK: - expressions

    public mutating func parseExpression() throws -> Expr {
        try parsePipe()
    }

    mutating func parsePipe() throws -> Expr {
        var lhs = try parseOr()
        while match("|>") {
            let rhs = try parseOr()
            lhs = Expr(.pipe(lhs, rhs), lhs.span.to(rhs.span))
        }
        return lhs
    }

    mutating func parseOr() throws -> Expr {
        var lhs = try parseAnd()
        while matchKeyword(.or) {
            let rhs = try parseAnd()
            lhs = Expr(.logical("or", lhs, rhs), lhs.span.to(rhs.span))
        }
        return lhs
    }

    mutating func parseAnd() throws -> Expr {
        var lhs = try parseNot()
        while matchKeyword(.and) {
            let rhs = try parseNot()
            lhs = Expr(.logical("and", lhs, rhs), lhs.span.to(rhs.span))
        }
        return lhs
    }

    mutating func parseNot() throws -> Expr {
        if isKeyword(.not) {
            let start = advance()
            let operand = try parseNot()
            return Expr(.unary("not", operand), start.span.to(operand.span))
        }
        return try parseComparison()
    }

    static let comparisonOps: Set<String> = ["==", "!=", "<", "<=", ">", ">="]

    mutating func parseComparison() throws -> Expr {
        var lhs = try parseBinary(level: 0)
        while true {
            if case .symbol(let op) = current.kind, Parser.comparisonOps.contains(op) {
                advance()
                let rhs = try parseBinary(level: 0)
                lhs = Expr(.binary(op, lhs, rhs), lhs.span.to(rhs.span))
            } else if isKeyword(.in) {
                advance()
                let rhs = try parseBinary(level: 0)
                lhs = Expr(.binary("in", lhs, rhs), lhs.span.to(rhs.span))
            } else if isKeyword(.not) && isKeyword(.in, 1) {
                advance(); advance()
                let rhs = try parseBinary(level: 0)
                let test = Expr(.binary("in", lhs, rhs), lhs.span.to(rhs.span))
                lhs = Expr(.unary("not", test), test.span)
            } else {
                return lhs
            }
        }
    }

    /// Binary levels from loose to tight, below unary minus.
    static let binaryLevels: [Set<String>] = [["|"], ["^"], ["&"], ["<<", ">>"], ["..", "..="], ["+", "-"], ["*", "/", "%"]]

    mutating func parseBinary(level: Int) throws -> Expr {
        if level == Parser.binaryLevels.count { return try parseUnary() }
        var lhs = try parseBinary(level: level + 1)
        while case .symbol(let op) = current.kind, Parser.binaryLevels[level].contains(op) {
            advance()
            let rhs = try parseBinary(level: level + 1)
            if op == ".." || op == "..=" {
                var step: Expr? = nil
                if case .identifier("step") = current.kind {
                    advance()
                    step = try parseBinary(level: level + 1)
                }
                lhs = Expr(.range(lhs, rhs, inclusive: op == "..=", step: step), lhs.span.to(previous.span))
            } else {
                lhs = Expr(.binary(op, lhs, rhs), lhs.span.to(rhs.span))
            }
        }
        return lhs
    }

    mutating func parseUnary() throws -> Expr {
        if isSymbol("-") || isSymbol("+") || isSymbol("!") {
            let start = advance()
            let operand = try parseUnary()
            guard case .symbol(let op) = start.kind else { return operand }
            if op == "!" {
                throw fail("P001", "'!' is not an operator in SynQ", at: start, help: "use 'not'")
            }
            if op == "-", case .int(let v) = operand.kind { return Expr(.int(-v), start.span.to(operand.span)) }
            if op == "-", case .float(let v) = operand.kind { return Expr(.float(-v), start.span.to(operand.span)) }
            return Expr(.unary(op, operand), start.span.to(operand.span))
        }
        if isKeyword(.await) {
            let start = advance()
            let operand = try parseUnary()
            return Expr(.await(operand), start.span.to(operand.span))
        }
        if isKeyword(.async) {
            let start = advance()
            let operand = try parseUnary()
            return Expr(.async(operand), start.span.to(operand.span))
        }
        return try parsePower()
    }

    mutating func parsePower() throws -> Expr {
        let base = try parsePostfix(try parsePrimary())
        if match("**") {
            let exponent = try parseUnary()
            return Expr(.binary("**", base, exponent), base.span.to(exponent.span))
        }
        return base
    }

    mutating func parseArguments() throws -> [Argument] {
        var args: [Argument] = []
        while !isSymbol(")") {
            if isIdentifier(), isSymbol(":", 1) {
                let label = identifierText()
                advance(); advance()
                args.append(Argument(label: label, value: try parseExpression()))
            } else {
                if args.last?.label != nil {
                    throw fail("P001", "a positional argument cannot follow a keyword argument", help: "put positional arguments first")
                }
                args.append(Argument(label: nil, value: try parseExpression()))
            }
            if !match(",") { break }
        }
        _ = try expect(")", "to close the argument list")
        return args
    }

    mutating func parsePostfix(_ base: Expr) throws -> Expr {
        var expr = base
        while true {
            if isSymbol("(") && !current.atLineStart {
                advance()
                let args = try parseArguments()
                expr = Expr(.call(expr, args), expr.span.to(previous.span))
            } else if isSymbol("[") && !current.atLineStart {
                advance()
                let index = try parseExpression()
                _ = try expect("]", "to close the index")
                expr = Expr(.index(expr, index), expr.span.to(previous.span))
            } else if isSymbol(".") {
                advance()
                switch current.kind {
                case .identifier(let name):
                    advance()
                    expr = Expr(.member(expr, name), expr.span.to(previous.span))
                case .int(let n):
                    advance()
                    expr = Expr(.member(expr, String(n)), expr.span.to(previous.span))
                case .keyword(let k):
                    advance()
                    expr = Expr(.member(expr, k.rawValue), expr.span.to(previous.span))
                default:
                    throw fail("P001", "expected a member name after '.'")
                }
            } else {
                return expr
            }
        }
    }

    mutating func parseInterpolation(_ parts: [StringPart], span: Span) throws -> Expr {
        var out: [InterpolationPart] = []
        for part in parts {
            switch part {
            case .text(let t): out.append(.text(t))
            case .code(let code, let offset):
                var lexer = Lexer(source: source, text: Array(code.unicodeScalars), offset: offset)
                let lexed = lexer.run()
                if let first = lexed.diagnostics.first { throw Failure(diagnostic: first, atEnd: false) }
                var sub = Parser(source: source, tokens: lexed.tokens)
                let e = try sub.parseExpression()
                if !sub.atNewline && !sub.atEnd {
                    throw sub.fail("P001", "unexpected \(sub.describe(sub.current)) in string interpolation")
                }
                out.append(.expr(e))
            }
        }
        return Expr(.string(out), span)
    }

    mutating func parsePrimary() throws -> Expr {
        let start = current
        switch current.kind {
        case .int(let v): advance(); return Expr(.int(v), start.span)
        case .float(let v): advance(); return Expr(.float(v), start.span)
        case .imaginary(let v): advance(); return Expr(.imaginary(v), start.span)
        case .string(let parts): advance(); return try parseInterpolation(parts, span: start.span)
        case .keyword(.true): advance(); return Expr(.bool(true), start.span)
        case .keyword(.false): advance(); return Expr(.bool(false), start.span)
        case .keyword(.nil): advance(); return Expr(.nilLiteral, start.span)
        case .keyword(.if): return try parseIfExpression()
        case .keyword(.match): return try parseMatch()
        case .keyword(.fn):
            advance()
            _ = try expect("(", "to open the parameter list")
            let params = try parseParams(close: ")")
            if match("->") {
                let body = try parseExpression()
                return Expr(.lambda(params, [Stmt(.expression(body), body.span)], isExpressionBody: true), start.span.to(body.span))
            }
            let body = try parseBlock()
            return Expr(.lambda(params, body, isExpressionBody: false), start.span.to(previous.span))
        case .identifier(let name):
            advance()
            if name == "measure", isIdentifier(), !current.atLineStart {
                let target = try parsePostfix(try parsePrimary())
                return Expr(.measure(target), start.span.to(target.span))
            }
            return Expr(.name(name), start.span)
        case .symbol("("):
            advance()
            if match(")") { return Expr(.tuple([]), start.span.to(previous.span)) }
            let first = try parseExpression()
            if match(")") { return Expr(first.kind, start.span.to(previous.span)) }
            var items = [first]
            while match(",") {
                if isSymbol(")") { break }
                items.append(try parseExpression())
            }
            _ = try expect(")", "to close the tuple")
            return Expr(.tuple(items), start.span.to(previous.span))
        case .symbol("["):
            advance()
            if match("]") { return Expr(.list([]), start.span.to(previous.span)) }
            let first = try parseExpression()
            if matchKeyword(.for) {
                let pattern = try parsePattern()
                guard matchKeyword(.in) else { throw fail("P001", "expected 'in' in the comprehension") }
                let iterable = try parseExpression()
                var cond: Expr? = nil
                if matchKeyword(.if) { cond = try parseExpression() }
                _ = try expect("]", "to close the comprehension")
                return Expr(.comprehension(first, pattern, iterable, cond), start.span.to(previous.span))
            }
            var items = [first]
            while match(",") {
                if isSymbol("]") { break }
                items.append(try parseExpression())
            }
            _ = try expect("]", "to close the list")
            return Expr(.list(items), start.span.to(previous.span))
        case .symbol("{"):
            advance()
            skipNewlines()
            var entries: [(Expr, Expr)] = []
            while !isSymbol("}") {
                let key = try parseExpression()
                _ = try expect(":", "between a map key and its value", help: "{\"key\": value}")
                let value = try parseExpression()
                entries.append((key, value))
                skipNewlines()
                if !match(",") { break }
                skipNewlines()
            }
            skipNewlines()
            _ = try expect("}", "to close the map")
            return Expr(.map(entries), start.span.to(previous.span))
        case .symbol("|"):
            advance()
            let params = try parseParams(close: "|")
            if isSymbol("{") {
                let body = try parseBlock()
                return Expr(.lambda(params, body, isExpressionBody: false), start.span.to(previous.span))
            }
            let body = try parseExpression()
            return Expr(.lambda(params, [Stmt(.expression(body), body.span)], isExpressionBody: true), start.span.to(body.span))
        case .symbol("||"):
            advance()
            let body = try parseExpression()
            return Expr(.lambda([], [Stmt(.expression(body), body.span)], isExpressionBody: true), start.span.to(body.span))
        case .newline, .eof:
            throw fail("P004", "expected an expression but the line ended", help: "complete the expression")
        default:
            throw fail("P004", "expected an expression but found \(describe(current))")
        }
    }

    mutating func parseIfExpression() throws -> Expr {
        let start = advance()
        let cond = try parseExpression()
        let body: [Stmt]
        if matchKeyword(.then) { body = [try parseStatement()] } else { body = try parseBlock() }
        var elseBody: [Stmt]? = nil
        skipNewlinesBefore(.else)
        if matchKeyword(.else) {
            if isKeyword(.if) {
                let nested = try parseIfExpression()
                elseBody = [Stmt(.expression(nested), nested.span)]
            } else if isSymbol("{") {
                elseBody = try parseBlock()
            } else {
                elseBody = [try parseStatement()]
            }
        }
        return Expr(.ifExpr(cond, body, elseBody), start.span.to(previous.span))
    }

    mutating func parseMatch() throws -> Expr {
        let start = advance()
        let subject = try parseExpression()
        _ = try expect("{", "to open the match arms")
        var arms: [MatchArm] = []
        skipNewlinesAndCommas()
        while !isSymbol("}") {
            if atEnd { throw fail("P002", "expected '}' to close the match") }
            let pattern = try parsePattern()
            var guardExpr: Expr? = nil
            if matchKeyword(.if) { guardExpr = try parseExpression() }
            _ = try expect("=>", "after the pattern", help: "pattern => value")
            let body: Expr
            if isSymbol("{") {
                let bstart = current
                let stmts = try parseBlock()
                body = Expr(.block(stmts), bstart.span.to(previous.span))
            } else {
                body = try parseExpression()
            }
            arms.append(MatchArm(pattern: pattern, guardExpr: guardExpr, body: body))
            skipNewlinesAndCommas()
        }
        advance()
        return Expr(.match(subject, arms), start.span.to(previous.span))
    }
}
