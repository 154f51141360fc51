import QuantumKit

/// How values print: `str` for print() and top-level results, `repr` inside collections.
public enum Format {
    public static func float(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return x.description
    }

    public static func complex(_ z: Complex) -> String {
        if z.re == 0 && !(z.re.sign == .minus) { return float(z.im) + "i" }
        let sign = z.im < 0 || (z.im == 0 && z.im.sign == .minus) ? "-" : "+"
        return float(z.re) + sign + float(abs(z.im)) + "i"
    }

    public static func str(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return repr(v)
    }

    /// The values as text (`str`), joined by `separator`: the bytes are counted first and
    /// copied into one new string, where appending part by part re-checks capacity each time.
    static func joinedText(_ values: [Value], separator: String) -> String {
        let parts = values.map(str)
        guard parts.count > 1 else { return parts.first ?? "" }
        var separator = separator
        let total = parts.reduce(0) { $0 + $1.utf8.count } + separator.utf8.count * (parts.count - 1)
        return String(unsafeUninitializedCapacity: total) { buffer in
            separator.withUTF8 { sep in
                var at = 0
                func append(_ bytes: UnsafeBufferPointer<UInt8>) {
                    guard let from = bytes.baseAddress else { return }
                    (buffer.baseAddress! + at).initialize(from: from, count: bytes.count)
                    at += bytes.count
                }
                for (i, part) in parts.enumerated() {
                    if i > 0 { append(sep) }
                    var part = part
                    part.withUTF8(append)
                }
                return at
            }
        }
    }

    public static func repr(_ v: Value) -> String {
        switch v {
        case .none: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let f): return float(f)
        case .complex(let z): return complex(z)
        case .string(let s): return quote(s)
        case .list(let l): return "[" + l.items.map(repr).joined(separator: ", ") + "]"
        case .map(let m):
            if m.count == 0 { return "{}" }
            return "{" + zip(m.keys, m.values).map { repr($0.value) + ": " + repr($1) }.joined(separator: ", ") + "}"
        case .tuple(let items):
            if items.count == 1 { return "(" + repr(items[0]) + ",)" }
            return "(" + items.map(repr).joined(separator: ", ") + ")"
        case .range(let r):
            var s = "\(r.start)\(r.inclusive ? "..=" : "..")\(r.inclusive ? (r.step > 0 ? r.end - 1 : r.end + 1) : r.end)"
            if r.step != 1 { s += " step \(r.step)" }
            return s
        case .function(let c): return "<\(c.proto.isKernel ? "kernel" : "fn") \(c.proto.name)>"
        case .builtin(let b): return "<builtin \(b.name)>"
        case .record(let r):
            let name = r.enumCase.map { "\(r.type.name).\($0.name)" } ?? r.type.name
            if r.enumCase != nil && r.fields.isEmpty { return name }
            let names = r.fieldNames
            let parts = zip(names, r.fields).map { n, v in n.hasPrefix("_") ? repr(v) : "\(n): \(repr(v))" }
            return "\(name)(\(parts.joined(separator: ", ")))"
        case .type(let t): return "<type \(t.name)>"
        case .error(let e): return "\(e.kind): \(e.message)"
        case .module(let m): return "<module \(m.name)>"
        case .object(let o): return o.text
        }
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if ch.value < 0x20 { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }

    /// "an Int", "a List".
    public static func article(_ noun: String) -> String {
        (noun.first.map { "AEIOU".contains($0) } ?? false ? "an " : "a ") + noun
    }

    /// The type name `type(x)` returns.
    public static func typeName(_ v: Value) -> String {
        switch v {
        case .none: return "Nil"
        case .bool: return "Bool"
        case .int: return "Int"
        case .float: return "Float"
        case .complex: return "Complex"
        case .string: return "String"
        case .list: return "List"
        case .map: return "Map"
        case .tuple: return "Tuple"
        case .range: return "Range"
        case .function(let c): return c.proto.isKernel ? "Kernel" : "Function"
        case .builtin: return "Function"
        case .record(let r): return r.type.name
        case .type: return "Type"
        case .error: return "Error"
        case .module: return "Module"
        case .object(let o): return o.typeName
        }
    }
}
