import Glibc

/// Methods of Strings. Positions and lengths count characters.
enum StringMethods {
    static func text(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return Format.str(v)
    }

    static let table: [String: MethodInfo] = {
        var t: [String: MethodInfo] = [:]
        method(&t, "len", "s.len() -> Int", "The number of characters.") { v, _ in .int(characterCount(text(v))) }
        method(&t, "upper", "s.upper() -> String", "Upper-case copy.") { v, _ in .string(text(v).uppercased()) }
        method(&t, "lower", "s.lower() -> String", "Lower-case copy.") { v, _ in .string(text(v).lowercased()) }
        method(&t, "trim", "s.trim() -> String", "Copy without leading and trailing white space.") { v, _ in
            .string(String(text(v).drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed()))
        }
        method(&t, "split", "s.split(separator = white space) -> List", "The pieces between separators; with no separator, the words.") { v, a in
            let s = text(v)
            if a.count == 0 { return .list(ListRef(words(s).map { .string($0) })) }
            let sep = try a.string(0, "separator")
            guard !sep.isEmpty else { throw SynQError.value("empty separator") }
            return .list(ListRef(s.components(separatedBy: sep).map { .string($0) }))
        }
        method(&t, "join", "sep.join(xs) -> String", "The elements of xs as text, joined by this string.") { v, a in
            .string(Format.joinedText(try a.list(0, "xs"), separator: text(v)))
        }
        method(&t, "replace", "s.replace(old, new) -> String", "Every occurrence of old replaced by new.") { v, a in
            let old = try a.string(0, "old")
            guard !old.isEmpty else { throw SynQError.value("cannot replace an empty string") }
            return .string(text(v).components(separatedBy: old).joined(separator: try a.string(1, "new")))
        }
        method(&t, "starts_with", "s.starts_with(prefix) -> Bool", "Whether s begins with prefix.") { v, a in .bool(text(v).hasPrefix(try a.string(0, "prefix"))) }
        method(&t, "ends_with", "s.ends_with(suffix) -> Bool", "Whether s ends with suffix.") { v, a in .bool(text(v).hasSuffix(try a.string(0, "suffix"))) }
        method(&t, "contains", "s.contains(sub) -> Bool", "Whether sub occurs in s.") { v, a in
            let sub = try a.string(0, "sub")
            return .bool(sub.isEmpty || text(v).contains(sub))
        }
        method(&t, "find", "s.find(sub) -> Int", "The character position of the first occurrence of sub, or -1.") { v, a in
            let s = Array(text(v)), sub = Array(try a.string(0, "sub"))
            if sub.isEmpty { return .int(0) }
            if sub.count <= s.count {
                for i in 0...(s.count - sub.count) where Array(s[i..<i + sub.count]) == sub { return .int(i) }
            }
            return .int(-1)
        }
        method(&t, "count", "s.count(sub) -> Int", "How many non-overlapping times sub occurs.") { v, a in
            let sub = try a.string(0, "sub")
            guard !sub.isEmpty else { return .int(text(v).count + 1) }
            return .int(text(v).components(separatedBy: sub).count - 1)
        }
        method(&t, "slice", "s.slice(start, end) -> String", "The characters from start up to end.") { v, a in
            let chars = Array(text(v))
            let r = RangeRef(start: try a.int(0, "start"), end: a.count > 1 ? try a.int(1, "end") : chars.count, step: 1, inclusive: false)
            return .string(String(try Indexing.sliceBounds(r, chars.count).map { chars[$0] }))
        }
        method(&t, "repeat", "s.repeat(n) -> String", "s repeated n times.") { v, a in try Operators.multiply(v, .int(try a.int(0, "n"))) }
        method(&t, "pad_left", "s.pad_left(width, fill = \" \") -> String", "s right-aligned in width characters.") { v, a in
            let s = text(v), w = try a.int(0, "width")
            let fill = a.count > 1 ? try a.string(1, "fill") : " "
            return .string(String(repeating: fill, count: max(0, w - s.count)) + s)
        }
        method(&t, "pad_right", "s.pad_right(width, fill = \" \") -> String", "s left-aligned in width characters.") { v, a in
            let s = text(v), w = try a.int(0, "width")
            let fill = a.count > 1 ? try a.string(1, "fill") : " "
            return .string(s + String(repeating: fill, count: max(0, w - s.count)))
        }
        method(&t, "format", "s.format(values..., name: value) -> String",
               "Fills {} (in order), {0} (by position) and {name} (by keyword); {:.3f}, {:>8}, {:e} format numbers.") { v, a in
            .string(try formatTemplate(text(v), a))
        }
        method(&t, "parse_int", "s.parse_int() -> Int", "The Int the text spells (an error otherwise).") { v, _ in try CoreLibrary.toInt(v) }
        method(&t, "parse_float", "s.parse_float() -> Float", "The Float the text spells (an error otherwise).") { v, _ in
            guard let f = Double(text(v).trimmingCharacters(in: " ")) else { throw SynQError.value("'\(text(v))' is not a number") }
            return .float(f)
        }
        method(&t, "chars", "s.chars() -> List", "The characters, as one-character Strings.") { v, _ in .list(ListRef(text(v).map { .string(String($0)) })) }
        method(&t, "lines", "s.lines() -> List", "The lines, without their line breaks.") { v, _ in
            .list(ListRef(text(v).split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }))
        }
        method(&t, "reversed", "s.reversed() -> String", "The characters in reverse order.") { v, _ in .string(String(text(v).reversed())) }
        return t
    }()

    /// The number of characters. ASCII text is counted by its bytes, less one for each "\r\n"
    /// (a single character, as Unicode has it), instead of by Unicode's grapheme rules.
    static func characterCount(_ s: String) -> Int {
        var text = s
        let ascii: Int? = text.withUTF8 { bytes in
            var pairs = 0
            var previous: UInt8 = 0
            for b in bytes {
                if b >= 0x80 { return nil }
                if b == 10 && previous == 13 { pairs += 1 }
                previous = b
            }
            return bytes.count - pairs
        }
        return ascii ?? s.count
    }

    /// The words of a text, split at white space. ASCII text is split byte by byte; other text
    /// by Unicode's white-space property.
    static func words(_ s: String) -> [String] {
        let utf8 = s.utf8
        guard !utf8.contains(where: { $0 >= 0x80 }) else {
            return s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        }
        var text = s
        return text.withUTF8 { bytes in
            // ASCII: each word is made straight from its bytes, with no index arithmetic.
            var out: [String] = []
            var start = -1
            for i in 0..<bytes.count {
                let b = bytes[i]
                if b == 32 || (b >= 9 && b <= 13) {
                    if start >= 0 { out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)); start = -1 }
                } else if start < 0 {
                    start = i
                }
            }
            if start >= 0 { out.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)) }
            return out
        }
    }

    /// Python-style `{}` templates with a small format spec: [align][width][.precision][f|e|d|%].
    static func formatTemplate(_ template: String, _ a: Arguments) throws -> String {
        var out = ""
        var next = 0
        var chars = Array(template)[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" { chars.removeFirst(); out.append("{"); continue }
                var field = ""
                while let d = chars.popFirst(), d != "}" { field.append(d) }
                let parts = field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let name = parts.first ?? ""
                let spec = parts.count > 1 ? parts[1] : ""
                let value: Value
                if name.isEmpty {
                    guard next < a.count else { throw SynQError.value("format: more {} than values") }
                    value = a[next]; next += 1
                } else if let i = Int(name) {
                    guard i < a.count else { throw SynQError.value("format: no value at position \(i)") }
                    value = a[i]
                } else {
                    guard let v = a.keyword(name) else { throw SynQError.value("format: no value named '\(name)'") }
                    value = v
                }
                out += try applySpec(value, spec)
            } else if c == "}" {
                if chars.first == "}" { chars.removeFirst() }
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }

    static func applySpec(_ v: Value, _ spec: String) throws -> String {
        if spec.isEmpty { return Format.str(v) }
        var s = Array(spec)[...]
        var align: Character? = nil
        if let f = s.first, "<>^".contains(f) { align = f; s.removeFirst() }
        var width = 0
        while let d = s.first, d.isNumber { width = width * 10 + Int(String(d))!; s.removeFirst() }
        var precision: Int? = nil
        if s.first == "." {
            s.removeFirst()
            var p = 0
            while let d = s.first, d.isNumber { p = p * 10 + Int(String(d))!; s.removeFirst() }
            precision = p
        }
        let kind = s.first
        var text: String
        switch kind {
        case "f", "%":
            guard var x = Operators.floatValue(v) else { throw SynQError.type("format spec '\(spec)' needs a number") }
            if kind == "%" { x *= 100 }
            text = fixed(x, precision ?? 6) + (kind == "%" ? "%" : "")
        case "e":
            guard let x = Operators.floatValue(v) else { throw SynQError.type("format spec '\(spec)' needs a number") }
            text = withFormat("%.\(precision ?? 6)e", x)
        case "d":
            text = Format.str(try CoreLibrary.toInt(v))
        default:
            if let p = precision, let x = Operators.floatValue(v) { text = fixed(x, p) } else { text = Format.str(v) }
        }
        let pad = max(0, width - text.count)
        let isNumber = Operators.floatValue(v) != nil
        switch align ?? (isNumber ? ">" : "<") {
        case ">": return String(repeating: " ", count: pad) + text
        case "^": return String(repeating: " ", count: pad / 2) + text + String(repeating: " ", count: pad - pad / 2)
        default: return text + String(repeating: " ", count: pad)
        }
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { withFormat("%.\(digits)f", x) }

    static func withFormat(_ format: String, _ x: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([x]) { vsnprintf(&buffer, 64, format, $0) }
        return String(cString: buffer)
    }
}

extension String {
    /// The pieces between occurrences of `separator` (empty pieces kept).
    func components(separatedBy separator: String) -> [String] {
        var out: [String] = []
        var rest = self[...]
        while let r = rest.range(of: separator) {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }
}

extension Substring {
    func range(of needle: String) -> Range<Substring.Index>? {
        guard !needle.isEmpty else { return nil }
        let n = needle.count
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) {
                return i..<index(i, offsetBy: n)
            }
            i = index(after: i)
        }
        return nil
    }
}
