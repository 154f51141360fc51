/// `synq fmt` and the language server's formatting: re-indents by bracket nesting (four spaces
/// a level), puts one space between tokens that had any, one after each comma and none before
/// it, strips trailing spaces and keeps at most one blank line in a row. It works on tokens,
/// so comments stay where they are, strings are never touched, and the token stream is
/// unchanged; formatting twice gives the same text.
public enum Formatter {
    public static let indentUnit = "    "

    /// The formatted text, or the first lexical error (a text that does not lex is left alone).
    public static func format(_ text: String) throws -> String {
        let source = Source(name: "format", text: text)
        let lexed = Lexer.tokenize(source)
        if let first = lexed.diagnostics.first { throw first }
        let pieces = (lexed.tokens.filter { $0.kind != .newline && $0.kind != .eof }.map { Piece(span: $0.span, kind: $0.kind) }
                      + lexed.comments.map { Piece(span: $0, kind: nil) }).sorted { $0.span.start < $1.span.start }
        var lines: [String] = []
        var openers: [(level: Int, bracket: String)] = []   // each open bracket and its line's level
        var continues = false            // the previous line ended with a binary operator
        var verbatimUntil = -1           // offset where a multi-line string or comment ends
        var next = 0
        func track(_ piece: Piece, level: Int) {
            guard let s = piece.symbol else { return }
            if s == "(" || s == "[" || s == "{" { openers.append((level, s)) }
            if (s == ")" || s == "]" || s == "}") && !openers.isEmpty { openers.removeLast() }
        }
        for (lineIndex, lineStart) in source.lineStarts.enumerated() {
            let lineEnd = lineIndex + 1 < source.lineStarts.count ? source.lineStarts[lineIndex + 1] - 1 : source.scalars.count
            var onLine: [Piece] = []
            while next < pieces.count, pieces[next].span.start < lineEnd || pieces[next].span.end > lineEnd && pieces[next].span.start == lineEnd {
                onLine.append(pieces[next])
                next += 1
            }
            if lineStart < verbatimUntil {
                lines.append(source.slice(Span(lineStart, lineEnd)))
                for piece in onLine { track(piece, level: openers.last?.level ?? 0) }
                continue
            }
            guard let first = onLine.first else {
                lines.append("")
                continue
            }
            var level = openers.last.map { $0.level + 1 } ?? 0
            if first.isClosingBracket, let opener = openers.last {
                level = opener.level
            } else if continues && openers.last?.bracket != "(" && openers.last?.bracket != "[" {
                level += 1
            }
            var text = String(repeating: indentUnit, count: level)
            for (k, piece) in onLine.enumerated() {
                if k > 0, !piece.isComma, onLine[k - 1].isComma || onLine[k - 1].span.end < piece.span.start {
                    text += " "
                }
                if piece.span.end > lineEnd {
                    text += source.slice(Span(piece.span.start, lineEnd))
                    verbatimUntil = piece.span.end
                } else {
                    text += source.slice(piece.span)
                }
                track(piece, level: level)
            }
            lines.append(text)
            continues = onLine.last!.continuesLine
        }
        return joinLines(lines)
    }

    /// At most one blank line in a row, none at the start or the end, one final newline.
    static func joinLines(_ lines: [String]) -> String {
        var out: [String] = []
        for line in lines {
            if line.isEmpty && (out.isEmpty || out.last!.isEmpty) { continue }
            out.append(line)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.isEmpty ? "" : out.joined(separator: "\n") + "\n"
    }

    /// A token or a comment (kind nil) and what the layout needs to know of it.
    struct Piece {
        var span: Span
        var kind: TokenKind?

        var symbol: String? { if case .symbol(let s)? = kind { return s }; return nil }
        var isComma: Bool { symbol == "," }
        var isClosingBracket: Bool { symbol == ")" || symbol == "]" || symbol == "}" }
        var continuesLine: Bool {
            if let s = symbol { return Lexer.continuationSymbols.contains(s) && s != "," }
            if case .keyword(let k)? = kind { return k == .and || k == .or }
            return false
        }
    }
}
