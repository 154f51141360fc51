/// The lexical categories of SynQ.
public enum TokenKind: Equatable, Sendable {
    case identifier(String)
    case keyword(Keyword)
    case int(Int)
    case float(Double)
    case imaginary(Double)
    case string([StringPart])
    case symbol(String)
    case attribute(String)   // the text between `#[` and `]`
    case newline
    case eof
}

public enum StringPart: Equatable, Sendable {
    case text(String)
    /// An interpolated expression: its source text and the offset where it starts.
    case code(String, Int)
}

public enum Keyword: String, CaseIterable, Sendable {
    case `let`, `var`, set, fn, kernel, `if`, then, `else`, `while`, `do`, `for`, `in`
    case `break`, `continue`, `return`, match, `struct`, `enum`, `try`, `catch`, `throw`
    case assert, `import`, `as`, and, or, not, `true`, `false`, `nil`, async, await
}

public struct Token: Sendable {
    public var kind: TokenKind
    public var span: Span
    /// True when a newline or the start of the text precedes this token.
    public var atLineStart: Bool
    /// The `///` comment lines directly above this token, if any.
    public var doc: String? = nil
}
