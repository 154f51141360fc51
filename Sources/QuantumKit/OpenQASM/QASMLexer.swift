/// An OpenQASM problem with a stable code and the place in the text (scalar offset, 1-based
/// line and column) where it was found.
public struct QASMError: Error, CustomStringConvertible, Sendable {
    public let code: String
    public let message: String
    public let offset: Int
    public let length: Int
    public let line: Int
    public let column: Int

    public init(_ code: String, _ message: String, at token: QASMToken) {
        self.code = code; self.message = message
        offset = token.offset; length = max(1, token.text.unicodeScalars.count)
        line = token.line; column = token.column
    }

    /// An export problem: it has no place in a text.
    public init(_ code: String, _ message: String) {
        self.code = code; self.message = message
        offset = 0; length = 0; line = 0; column = 0
    }

    public var description: String { line > 0 ? "line \(line), column \(column): \(message)" : message }
}

public struct QASMToken: Sendable {
    public enum Kind: Sendable, Equatable { case identifier, integer, real, string, symbol, end }
    public let kind: Kind
    public let text: String
    public let offset: Int
    public let line: Int
    public let column: Int
}

/// Splits OpenQASM 2 or 3 source into tokens, dropping comments and white space.
struct QASMLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// Longest first, so `->` wins over `-`.
    private static let symbols = ["**", "->", "==", "!=", "<=", ">=", "&&", "||", "++", "+=", "-=", "<<", ">>",
                                  ";", ",", "(", ")", "[", "]", "{", "}", "@", "+", "-", "*", "/", "%", "!", "~",
                                  "=", "<", ">", ":", "&", "|", "^"]

    static func tokens(_ text: String) throws -> [QASMToken] {
        var lexer = QASMLexer(text)
        var out: [QASMToken] = []
        while true {
            let t = try lexer.next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { index + k < scalars.count ? scalars[index + k] : nil }

    private mutating func advance() {
        if scalars[index] == "\n" { line += 1; lineStart = index + 1 }
        index += 1
    }

    private func token(_ kind: QASMToken.Kind, from start: Int, line: Int, column: Int) -> QASMToken {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<index])
        return QASMToken(kind: kind, text: String(s), offset: start, line: line, column: column)
    }

    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }

    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || ("0"..."9").contains(c)
    }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { ("0"..."9").contains($0) } ?? false }

    private mutating func skipSpaceAndComments() throws {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                advance()
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { _ = d; advance() }
            } else if c == "/" && peek(1) == "*" {
                let (startLine, startColumn, start) = (line, index - lineStart + 1, index)
                advance(); advance()
                while !(peek() == "*" && peek(1) == "/") {
                    guard peek() != nil else {
                        throw QASMError("QASM001", "a /* comment is never closed",
                                        at: QASMToken(kind: .symbol, text: "/*", offset: start, line: startLine, column: startColumn))
                    }
                    advance()
                }
                advance(); advance()
            } else {
                return
            }
        }
    }

    mutating func next() throws -> QASMToken {
        try skipSpaceAndComments()
        let start = index, startLine = line, column = index - lineStart + 1
        guard let c = peek() else { return QASMToken(kind: .end, text: "", offset: index, line: line, column: column) }
        if c == "$" && QASMLexer.isDigit(peek(1)) {
            advance()
            while QASMLexer.isDigit(peek()) { advance() }
            return token(.identifier, from: start, line: startLine, column: column)
        }
        if QASMLexer.isIdentifierStart(c) {
            while let d = peek(), QASMLexer.isIdentifierPart(d) { advance() }
            return token(.identifier, from: start, line: startLine, column: column)
        }
        if QASMLexer.isDigit(c) || (c == "." && QASMLexer.isDigit(peek(1))) {
            var real = false
            while let d = peek(), QASMLexer.isDigit(d) || d == "_" { advance() }
            if peek() == ".", !(peek(1) == "." ) { real = true; advance(); while QASMLexer.isDigit(peek()) || peek() == "_" { advance() } }
            if peek() == "e" || peek() == "E" {
                let signed = peek(1) == "+" || peek(1) == "-"
                if QASMLexer.isDigit(peek(signed ? 2 : 1)) {
                    real = true
                    advance(); if signed { advance() }
                    while QASMLexer.isDigit(peek()) { advance() }
                }
            }
            return token(real ? .real : .integer, from: start, line: startLine, column: column)
        }
        if c == "\"" || c == "'" {
            advance()
            while let d = peek(), d != c, d != "\n" { advance() }
            guard peek() == c else {
                throw QASMError("QASM001", "a string is never closed", at: token(.string, from: start, line: startLine, column: column))
            }
            advance()
            return token(.string, from: start, line: startLine, column: column)
        }
        for symbol in QASMLexer.symbols {
            let s = Array(symbol.unicodeScalars)
            if index + s.count <= scalars.count && Array(scalars[index..<index + s.count]) == s {
                for _ in s { advance() }
                return token(.symbol, from: start, line: startLine, column: column)
            }
        }
        advance()
        throw QASMError("QASM001", "unexpected character '\(c)'", at: token(.symbol, from: start, line: startLine, column: column))
    }
}
