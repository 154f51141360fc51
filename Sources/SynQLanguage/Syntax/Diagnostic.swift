/// A position range in one source text, in Unicode scalars from the start of the text.
public struct Span: Equatable, Sendable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
    public static let none = Span(0, 0)
    public func to(_ other: Span) -> Span { Span(start, max(end, other.end)) }
}

/// A named source text (a notebook cell, a file) with line lookup for diagnostics.
public final class Source: @unchecked Sendable {
    public let name: String
    public let text: String
    public let scalars: [Unicode.Scalar]
    /// Offsets of the first scalar of each line.
    public let lineStarts: [Int]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        var starts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line and column of an offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return (lo + 1, offset - lineStarts[lo] + 1)
    }

    public func lineText(_ line: Int) -> String {
        guard line >= 1 && line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = start
        while end < scalars.count && scalars[end] != "\n" { end += 1 }
        return String(scalars: scalars[start..<end])
    }

    public func slice(_ span: Span) -> String {
        String(scalars: scalars[max(0, span.start)..<min(scalars.count, max(span.start, span.end))])
    }
}

extension String {
    /// A string of these scalars. ASCII text (most identifiers and symbols) takes a fast path:
    /// appending scalars one by one to a String is several times slower.
    public init(scalars: ArraySlice<Unicode.Scalar>) {
        if scalars.allSatisfy({ $0.isASCII }) {
            self = String(unsafeUninitializedCapacity: scalars.count) { buffer in
                for (k, c) in scalars.enumerated() { buffer[k] = UInt8(truncatingIfNeeded: c.value) }
                return scalars.count
            }
        } else {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            self = String(view)
        }
    }
}

/// A compile-time problem with a stable code, a place and optional help.
public struct Diagnostic: Error, CustomStringConvertible, @unchecked Sendable {
    public var code: String
    public var message: String
    public var span: Span
    public var help: String?
    public var source: Source?

    public init(_ code: String, _ message: String, at span: Span, help: String? = nil, source: Source? = nil) {
        self.code = code
        self.message = message
        self.span = span
        self.help = help
        self.source = source
    }

    public var line: Int { source?.location(of: span.start).line ?? 0 }
    public var column: Int { source?.location(of: span.start).column ?? 0 }

    /// The section-8 rendering: location, code, message, the line with a caret, help.
    public func render(color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", cyan = color ? "\u{1B}[36m" : ""
        let bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        guard let source else { return "error[SYNQ-\(code)]: \(message)" }
        let (line, column) = source.location(of: span.start)
        var out = "\(bold)\(source.name):\(line):\(column):\(reset) \(red)error[SYNQ-\(code)]\(reset)\(bold): \(message)\(reset)\n"
        let text = source.lineText(line)
        out += "    \(text)\n"
        let width = max(1, min(span.end, source.lineStarts.count > line ? source.lineStarts[line] - 1 : source.scalars.count) - span.start)
        let pad = String(repeating: " ", count: column - 1)
        out += "    \(pad)\(red)^\(String(repeating: "~", count: max(0, min(width, text.unicodeScalars.count - column + 1) - 1)))\(reset)"
        if let help { out += "\n  \(cyan)help\(reset): \(help)" }
        return out
    }

    public var description: String { render() }
}
