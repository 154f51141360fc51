import Support
import SynQLanguage

/// The LSP requests, each answered from the document's analysis.
extension LanguageServer {
    static let tokenModifiers = ["declaration", "readonly", "defaultLibrary"]

    // MARK: - completion, hover, signature help

    func completion(_ params: JSON) throws -> JSON {
        let (document, offset) = try documentAndOffset(params)
        let (candidates, start) = analysis(document).completions(at: offset)
        let replaced = range(Span(start, offset), in: document)
        let items = candidates.enumerated().map { rank, c -> JSON in
            var item: JSONObject = [
                "label": .string(c.label),
                "kind": .int(Self.completionItemKind(c.kind)),
                "detail": .string(c.detail),
                "sortText": .string(format6(rank)),
                "textEdit": .object(["range": replaced, "newText": .string(c.snippet ?? c.label)]),
            ]
            if let doc = c.doc {
                item["documentation"] = .object(["kind": "markdown", "value": .string(doc)])
            } else if c.kind == .gate || c.kind == .builtin {
                item["data"] = .object(["uri": .string(document.uri), "kind": .string(c.kind.rawValue)])
            }
            if c.snippet != nil { item["insertTextFormat"] = 2 }
            return .object(item)
        }
        return .object(["isIncomplete": false, "items": .array(items)])
    }

    /// Adds the documentation of a library name or gate that `completion` left out.
    func resolveCompletion(_ item: JSON) -> JSON {
        guard case .object(var fields) = item, let label = fields["label"]?.string,
              let uri = item["data"]?["uri"]?.string, let document = documents[uri],
              let kind = item["data"]?["kind"]?.string.flatMap(CompletionCandidate.Kind.init(rawValue:)),
              let doc = analysis(document).libraryDocumentation(label, kind: kind) else { return item }
        fields["documentation"] = .object(["kind": "markdown", "value": .string(doc)])
        return .object(fields)
    }

    /// Ranks as fixed-width text, so clients keep the server's order.
    func format6(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func completionItemKind(_ k: CompletionCandidate.Kind) -> Int {
        switch k {
        case .keyword: return 14
        case .variable, .register: return 6
        case .constant: return 21
        case .parameter: return 6
        case .function, .kernel, .builtin: return 3
        case .method: return 2
        case .type: return 22
        case .enumCase: return 20
        case .field: return 5
        case .module: return 9
        case .gate: return 24
        case .snippet: return 15
        }
    }

    func hover(_ params: JSON) throws -> JSON {
        let (document, offset) = try documentAndOffset(params)
        guard let (markdown, span) = analysis(document).hover(at: offset) else { return .null }
        return .object(["contents": .object(["kind": "markdown", "value": .string(markdown)]), "range": range(span, in: document)])
    }

    func signatureHelp(_ params: JSON) throws -> JSON {
        let (document, offset) = try documentAndOffset(params)
        guard let s = analysis(document).signature(at: offset) else { return .null }
        var signature: JSONObject = [
            "label": .string(s.label),
            "parameters": .array(s.parameters.map { .object(["label": .string($0)]) }),
        ]
        if let doc = s.doc { signature["documentation"] = .object(["kind": "markdown", "value": .string(doc)]) }
        return .object([
            "signatures": .array([.object(signature)]),
            "activeSignature": 0,
            "activeParameter": .int(min(s.activeParameter, max(0, s.parameters.count - 1))),
        ])
    }

    // MARK: - navigation

    func symbolAt(_ params: JSON) throws -> (TextDocument, DocumentAnalysis, Occurrence)? {
        let (document, offset) = try documentAndOffset(params)
        let analysis = self.analysis(document)
        guard let occurrence = analysis.index.occurrence(at: offset) else { return nil }
        return (document, analysis, occurrence)
    }

    func location(_ span: Span, in document: TextDocument) -> JSON {
        .object(["uri": .string(document.uri), "range": range(span, in: document)])
    }

    func definition(_ params: JSON) throws -> JSON {
        guard let (document, analysis, occurrence) = try symbolAt(params) else { return .null }
        return location(analysis.index.symbols[occurrence.symbol].nameSpan, in: document)
    }

    func references(_ params: JSON) throws -> JSON {
        guard let (document, analysis, occurrence) = try symbolAt(params) else { return .array([]) }
        let includeDeclaration = params["context"]?["includeDeclaration"]?.bool ?? true
        return .array(analysis.index.occurrences(of: occurrence.symbol)
            .filter { includeDeclaration || !$0.isDeclaration }
            .map { location($0.span, in: document) })
    }

    func documentSymbols(_ params: JSON) throws -> JSON {
        let document = try self.document(params)
        let index = analysis(document).index
        func symbol(_ id: Int) -> JSON {
            let s = index.symbols[id]
            var item: JSONObject = [
                "name": .string(s.name),
                "detail": .string(s.detail),
                "kind": .int(Self.symbolKind(s.kind)),
                "range": range(s.span.to(s.nameSpan), in: document),
                "selectionRange": range(s.nameSpan, in: document),
            ]
            let children = index.members(of: id)
            if !children.isEmpty { item["children"] = .array(children.map(symbol)) }
            return .object(item)
        }
        let topLevel = index.symbols.indices.filter {
            let s = index.symbols[$0]
            return s.container == nil && s.scope.start == 0 && s.scope.end == document.scalars.count
        }
        return .array(topLevel.map(symbol))
    }

    static func symbolKind(_ k: DeclaredSymbol.Kind) -> Int {
        switch k {
        case .constant: return 14
        case .variable, .parameter, .register: return 13
        case .function, .kernel: return 12
        case .method: return 6
        case .structType: return 23
        case .enumType: return 10
        case .enumCase: return 22
        case .field: return 8
        case .module: return 2
        }
    }

    // MARK: - rename

    func prepareRename(_ params: JSON) throws -> JSON {
        guard let (document, analysis, occurrence) = try symbolAt(params) else { return .null }
        return .object(["range": range(occurrence.span, in: document),
                        "placeholder": .string(analysis.index.symbols[occurrence.symbol].name)])
    }

    func rename(_ params: JSON) throws -> JSON {
        guard let newName = params["newName"]?.string else { throw RequestFailure.invalidParams("newName is missing") }
        guard Self.isIdentifier(newName) else {
            throw RequestFailure.invalidParams("'\(newName)' is not a valid SynQ name")
        }
        guard let (document, analysis, occurrence) = try symbolAt(params) else {
            throw RequestFailure.invalidParams("there is no symbol declared in this file at that position")
        }
        let edits = analysis.index.occurrences(of: occurrence.symbol).map { o -> JSON in
            .object(["range": range(o.span, in: document), "newText": .string(newName)])
        }
        return .object(["changes": .object([document.uri: .array(edits)])])
    }

    static func isIdentifier(_ name: String) -> Bool {
        let tokens = Lexer.tokenize(Source(name: "rename", text: name)).tokens
        guard tokens.count == 3, case .identifier(let word) = tokens[0].kind else { return false }
        return word == name
    }

    // MARK: - semantic tokens and formatting

    /// Relative (line, start, length, type, modifiers) quintuples; a token that spans lines
    /// (a triple-quoted string, a block comment) is split into one entry per line.
    func semanticTokens(_ params: JSON) throws -> JSON {
        let document = try self.document(params)
        let typeIndex = Dictionary(uniqueKeysWithValues: SemanticClass.allCases.enumerated().map { ($1, $0) })
        var data: [JSON] = []
        var previousLine = 0, previousStart = 0
        for token in analysis(document).semanticTokens() {
            var modifiers = 0
            if token.isDeclaration { modifiers |= 1 }
            if token.isReadonly { modifiers |= 2 }
            if token.isLibrary { modifiers |= 4 }
            var start = token.span.start
            while start < token.span.end {
                var end = start
                while end < token.span.end && document.scalars[end] != "\n" { end += 1 }
                if end > start {
                    let p = document.position(of: start)
                    let deltaLine = p.line - previousLine
                    data += [.int(deltaLine), .int(deltaLine == 0 ? p.character - previousStart : p.character),
                             .int(document.length(of: Span(start, end))), .int(typeIndex[token.kind]!), .int(modifiers)]
                    previousLine = p.line
                    previousStart = p.character
                }
                start = end + 1
            }
        }
        return .object(["data": .array(data)])
    }

    func formatting(_ params: JSON) throws -> JSON {
        let document = try self.document(params)
        let text = document.text
        guard let formatted = try? Formatter.format(text) else { return .null }
        if formatted == text { return .array([]) }
        return .array([.object(["range": range(Span(0, document.scalars.count), in: document), "newText": .string(formatted)])])
    }
}
