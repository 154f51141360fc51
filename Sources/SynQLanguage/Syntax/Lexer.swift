/// Turns source text into tokens. Newlines are statement ends except inside `()` and `[]`
/// and after a binary operator or a comma; that rule is also what `is_complete` relies on.
public struct Lexer {
    public struct Result {
        public var tokens: [Token]
        public var diagnostics: [Diagnostic]
        /// The text ended inside a string, a block comment or an open bracket.
        public var endsIncomplete: Bool
        /// Open brackets at the end of the text, innermost last.
        public var openBrackets: [String]
        /// Where each `//` and `/* */` comment sits (for highlighting and formatting).
        public var comments: [Span]
    }

    private let source: Source
    private let s: [Unicode.Scalar]
    private let base: Int
    private var i = 0
    private var tokens: [Token] = []
    private var diagnostics: [Diagnostic] = []
    private var brackets: [(String, Int)] = []
    private var incomplete = false
    private var atLineStart = true
    private var pendingDoc: [String] = []
    private var comments: [Span] = []

    /// Lexes `text`, whose first scalar sits at `offset` within `source` (for interpolations).
    public init(source: Source, text: [Unicode.Scalar]? = nil, offset: Int = 0) {
        self.source = source
        self.s = text ?? source.scalars
        self.base = offset
    }

    public static func tokenize(_ source: Source) -> Result {
        var lexer = Lexer(source: source)
        return lexer.run()
    }

    static let continuationSymbols: Set<String> = [
        "+", "-", "*", "/", "%", "**", "==", "!=", "<", "<=", ">", ">=", "=", "+=", "-=", "*=", "/=",
        "|", "^", "&", "<<", ">>", "..", "..=", "|>", ",", "->", "=>", "@", ".", ":",
    ]
    static let symbols3: Set<String> = ["..="]
    static let symbols2: Set<String> = ["**", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "<<", ">>", "..", "|>", "->", "=>"]
    static let symbols1: Set<Unicode.Scalar> = ["+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "|", "^", "&", "@", "!", "?"]

    public mutating func run() -> Result {
        while true {
            skipSpaceAndComments()
            guard i < s.count else { break }
            let c = s[i]
            if c == "\n" {
                i += 1
                handleNewline(at: i - 1)
                continue
            }
            let start = i
            if isIdentStart(c) {
                lexWord()
            } else if isDigit(c) {
                lexNumber()
            } else if c == "." && peek(1).map(isDigit) == true && !previousIsValue() {
                lexNumber()
            } else if c == "\"" {
                lexString()
            } else if c == "#" {
                lexAttribute()
            } else {
                lexSymbol()
            }
            if tokens.count > 0 && tokens[tokens.count - 1].span.start == base + start && i == start {
                i += 1  // never loop on an unconsumed scalar
            }
        }
        if !brackets.isEmpty { incomplete = true }
        let eofAt = base + s.count
        tokens.append(Token(kind: .newline, span: Span(eofAt, eofAt), atLineStart: false))
        tokens.append(Token(kind: .eof, span: Span(eofAt, eofAt), atLineStart: true))
        return Result(tokens: tokens, diagnostics: diagnostics, endsIncomplete: incomplete,
                      openBrackets: brackets.map { $0.0 }, comments: comments)
    }

    // MARK: - helpers

    private func peek(_ k: Int) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }
    private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private func isIdentPart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" }
        return c.properties.isAlphabetic || c.properties.numericType != nil
    }

    private func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
        return c.properties.isAlphabetic
    }

    private func previousIsValue() -> Bool {
        guard let last = tokens.last, !atLineStart else { return false }
        switch last.kind {
        case .identifier, .int, .float, .imaginary, .string: return true
        case .symbol(let sym): return sym == ")" || sym == "]" || sym == "}"
        case .keyword(let k): return k == .true || k == .false || k == .nil
        default: return false
        }
    }

    private mutating func add(_ kind: TokenKind, _ start: Int) {
        var token = Token(kind: kind, span: Span(base + start, base + i), atLineStart: atLineStart)
        if !pendingDoc.isEmpty {
            token.doc = pendingDoc.joined(separator: "\n")
            pendingDoc = []
        }
        tokens.append(token)
        atLineStart = false
    }

    private mutating func error(_ code: String, _ message: String, _ start: Int, _ end: Int, help: String? = nil) {
        diagnostics.append(Diagnostic(code, message, at: Span(base + start, base + end), help: help, source: source))
    }

    private mutating func handleNewline(at offset: Int) {
        defer { atLineStart = true }
        if let top = brackets.last, top.0 != "{" { return }
        guard let last = tokens.last else { return }
        switch last.kind {
        case .newline: return
        case .symbol(let sym) where Lexer.continuationSymbols.contains(sym): return
        case .keyword(let k) where k == .and || k == .or || k == .not || k == .in: return
        default: break
        }
        tokens.append(Token(kind: .newline, span: Span(base + offset, base + offset + 1), atLineStart: false))
    }

    private mutating func skipSpaceAndComments() {
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\r" {
                i += 1
            } else if c == "/" && peek(1) == "/" {
                let isDoc = peek(2) == "/" && peek(3) != "/"
                let start = i + (isDoc ? 3 : 2)
                let commentStart = i
                while i < s.count && s[i] != "\n" { i += 1 }
                comments.append(Span(base + commentStart, base + i))
                if isDoc {
                    pendingDoc.append(String(scalars: s[start..<i]).trimmingLeadingSpace())
                } else if atLineStart {
                    pendingDoc = []
                }
            } else if c == "/" && peek(1) == "*" {
                let start = i
                i += 2
                while i < s.count && !(s[i] == "*" && peek(1) == "/") { i += 1 }
                if i >= s.count {
                    incomplete = true
                    error("P002", "unterminated block comment", start, start + 2, help: "close it with */")
                    comments.append(Span(base + start, base + i))
                    return
                }
                i += 2
                comments.append(Span(base + start, base + i))
            } else {
                return
            }
        }
    }

    private mutating func lexWord() {
        let start = i
        while i < s.count && isIdentPart(s[i]) { i += 1 }
        let word = String(scalars: s[start..<i])
        if let k = Keyword(rawValue: word) { add(.keyword(k), start) } else { add(.identifier(word), start) }
    }

    private mutating func lexNumber() {
        let start = i
        var digits = ""
        if s[i] == "0" && (peek(1) == "x" || peek(1) == "X" || peek(1) == "b" || peek(1) == "B" || peek(1) == "o") {
            let radix = (peek(1) == "x" || peek(1) == "X") ? 16 : (peek(1) == "o" ? 8 : 2)
            i += 2
            while i < s.count && (s[i].properties.isASCIIHexDigit || s[i] == "_") {
                if s[i] != "_" { digits.unicodeScalars.append(s[i]) }
                i += 1
            }
            if let v = Int(digits, radix: radix) { add(.int(v), start) } else {
                error("P001", "invalid number literal", start, i)
                add(.int(0), start)
            }
            return
        }
        var isFloat = false
        func eatDigits() {
            while i < s.count && (isDigit(s[i]) || (s[i] == "_" && i + 1 < s.count && isDigit(s[i + 1]))) {
                if s[i] != "_" { digits.unicodeScalars.append(s[i]) }
                i += 1
            }
        }
        eatDigits()
        if i < s.count && s[i] == "." && peek(1).map(isDigit) == true {
            isFloat = true
            digits.append(".")
            i += 1
            eatDigits()
        }
        if i < s.count && (s[i] == "e" || s[i] == "E") {
            let save = i
            var exp = "e"
            i += 1
            if i < s.count && (s[i] == "+" || s[i] == "-") { exp.unicodeScalars.append(s[i]); i += 1 }
            if i < s.count && isDigit(s[i]) {
                while i < s.count && isDigit(s[i]) { exp.unicodeScalars.append(s[i]); i += 1 }
                digits += exp
                isFloat = true
            } else {
                i = save
            }
        }
        if digits.hasPrefix(".") { digits = "0" + digits }
        if i < s.count && s[i] == "i" && !(i + 1 < s.count && isIdentPart(s[i + 1])) {
            i += 1
            add(.imaginary(Double(digits) ?? 0), start)
            return
        }
        if isFloat {
            add(.float(Double(digits) ?? .nan), start)
        } else if let v = Int(digits) {
            add(.int(v), start)
        } else {
            error("E005", "integer literal \(digits) does not fit in 64 bits", start, i, help: "write it as a Float, e.g. \(digits).0")
            add(.int(0), start)
        }
    }

    private mutating func lexString() {
        let start = i
        let triple = peek(1) == "\"" && peek(2) == "\""
        i += triple ? 3 : 1
        if triple && i < s.count && s[i] == "\n" { i += 1 }
        var parts: [StringPart] = []
        var text = String.UnicodeScalarView()
        while true {
            guard i < s.count else {
                incomplete = true
                error("P002", "unterminated string", start, start + 1, help: triple ? "close it with \"\"\"" : "close it with \"")
                add(.string(parts + [.text(String(text))]), start)
                return
            }
            let c = s[i]
            if triple ? (c == "\"" && peek(1) == "\"" && peek(2) == "\"") : c == "\"" {
                i += triple ? 3 : 1
                break
            }
            if c == "\n" && !triple {
                incomplete = true
                error("P002", "unterminated string", start, start + 1, help: "close it with \" before the end of the line, or use \"\"\" for several lines")
                add(.string(parts + [.text(String(text))]), start)
                return
            }
            if c == "\\" {
                guard let n = peek(1) else { i += 1; continue }
                i += 2
                switch n {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "0": text.append("\0")
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "u":
                    let escStart = i - 2
                    guard i < s.count && s[i] == "{" else {
                        error("P001", "a \\u escape needs braces, like \\u{1F600}", escStart, i); continue
                    }
                    var hex = ""
                    i += 1
                    while i < s.count && s[i] != "}" && s[i] != "\"" { hex.unicodeScalars.append(s[i]); i += 1 }
                    if i < s.count && s[i] == "}" { i += 1 }
                    if let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) { text.append(scalar) } else {
                        error("P001", "invalid unicode escape \\u{\(hex)}", escStart, i)
                    }
                case "(":
                    if !text.isEmpty { parts.append(.text(String(text))); text = String.UnicodeScalarView() }
                    let codeStart = i
                    var depth = 1
                    while i < s.count && depth > 0 {
                        if s[i] == "(" { depth += 1 } else if s[i] == ")" { depth -= 1 }
                        if depth > 0 { i += 1 }
                    }
                    var code = String.UnicodeScalarView()
                    code.append(contentsOf: s[codeStart..<min(i, s.count)])
                    parts.append(.code(String(code), base + codeStart))
                    if i < s.count { i += 1 }
                default:
                    error("P001", "unknown escape \\\(n)", i - 2, i, help: "known escapes: \\n \\t \\r \\\" \\\\ \\u{...} \\(expr)")
                }
                continue
            }
            text.append(c)
            i += 1
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(String(text))) }
        add(.string(parts), start)
    }

    private mutating func lexAttribute() {
        let start = i
        guard peek(1) == "[" else {
            i += 1
            error("P001", "`#` does not start a comment in SynQ", start, start + 1, help: "use // for a comment; #[...] is an attribute")
            while i < s.count && s[i] != "\n" { i += 1 }
            return
        }
        i += 2
        var depth = 1
        var text = String.UnicodeScalarView()
        while i < s.count {
            if s[i] == "[" { depth += 1 }
            if s[i] == "]" { depth -= 1; if depth == 0 { break } }
            text.append(s[i]); i += 1
        }
        if i >= s.count {
            incomplete = true
            error("P002", "unterminated attribute", start, start + 2, help: "close it with ]")
            return
        }
        i += 1
        add(.attribute(String(text)), start)
    }

    private mutating func lexSymbol() {
        let start = i
        func text(_ n: Int) -> String? {
            guard i + n <= s.count else { return nil }
            return String(scalars: s[i..<i + n])
        }
        var sym: String
        let pairs = i + 1 < s.count && Lexer.symbols1.contains(s[i + 1])
        if pairs, s[i] == ".", let t = text(3), Lexer.symbols3.contains(t) { sym = t }
        else if pairs, let t = text(2), Lexer.symbols2.contains(t) { sym = t }
        else if Lexer.symbols1.contains(s[i]) { sym = String(s[i]) }
        else {
            i += 1
            error("P001", "unexpected character '\(s[start])'", start, i)
            return
        }
        i += sym.unicodeScalars.count
        switch sym {
        case "(", "[", "{": brackets.append((sym, start))
        case ")", "]", "}":
            let expected = sym == ")" ? "(" : sym == "]" ? "[" : "{"
            if let top = brackets.last, top.0 == expected { brackets.removeLast() }
            else if brackets.isEmpty {
                error("P003", "unmatched '\(sym)'", start, i, help: "remove it or add the opening '\(expected)'")
            } else {
                let open = brackets.removeLast()
                let closer = open.0 == "(" ? ")" : open.0 == "[" ? "]" : "}"
                error("P003", "expected '\(closer)' to close the '\(open.0)' but found '\(sym)'", start, i,
                      help: "the '\(open.0)' opened at \(source.location(of: base + open.1).line):\(source.location(of: base + open.1).column) is not closed")
            }
        default: break
        }
        add(.symbol(sym), start)
    }
}

extension String {
    func trimmingLeadingSpace() -> String {
        var v = Substring(self)
        while v.first == " " { v.removeFirst() }
        return String(v)
    }
}
