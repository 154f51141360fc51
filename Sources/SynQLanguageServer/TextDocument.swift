import SynQLanguage

/// How the client counts characters in a line: UTF-16 code units (LSP's default) or Unicode
/// scalars (`utf-32`, which SynQ's spans use, offered by some clients).
public enum PositionEncoding: String, Sendable {
    case utf16 = "utf-16", utf32 = "utf-32"
}

/// An open document: its text as Unicode scalars, its version, and conversions between LSP
/// positions (line, character) and scalar offsets.
final class TextDocument {
    let uri: String
    private(set) var version: Int
    private(set) var scalars: [Unicode.Scalar]
    private var lineStarts: [Int] = [0]
    let encoding: PositionEncoding

    init(uri: String, text: String, version: Int, encoding: PositionEncoding) {
        self.uri = uri
        self.version = version
        self.scalars = Array(text.unicodeScalars)
        self.encoding = encoding
        indexLines()
    }

    var text: String { String(scalars: scalars[...]) }

    private func indexLines() {
        lineStarts = [0]
        for (i, s) in scalars.enumerated() where s == "\n" { lineStarts.append(i + 1) }
    }

    /// Replaces the text between two positions (incremental sync), or all of it.
    func apply(range: (start: (line: Int, character: Int), end: (line: Int, character: Int))?, text: String, version: Int) {
        let replacement = Array(text.unicodeScalars)
        if let range {
            let start = offset(line: range.start.line, character: range.start.character)
            let end = max(start, offset(line: range.end.line, character: range.end.character))
            scalars.replaceSubrange(start..<end, with: replacement)
        } else {
            scalars = replacement
        }
        self.version = version
        indexLines()
    }

    /// The scalar offset of a position; positions past a line's end or the text's end clamp.
    func offset(line: Int, character: Int) -> Int {
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return scalars.count }
        let start = lineStarts[line]
        let end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : scalars.count
        if encoding == .utf32 { return min(start + max(0, character), end) }
        var units = 0, i = start
        while i < end && units < character {
            units += scalars[i].utf16.count
            i += 1
        }
        return i
    }

    func position(of offset: Int) -> (line: Int, character: Int) {
        let offset = min(max(0, offset), scalars.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        if encoding == .utf32 { return (lo, offset - start) }
        var units = 0
        for i in start..<offset { units += scalars[i].utf16.count }
        return (lo, units)
    }

    /// The length of a span in the client's units.
    func length(of span: Span) -> Int {
        if encoding == .utf32 { return span.end - span.start }
        var units = 0
        for i in max(0, span.start)..<min(span.end, scalars.count) { units += scalars[i].utf16.count }
        return units
    }
}
