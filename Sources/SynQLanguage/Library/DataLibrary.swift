import Glibc
import Support

/// json, csv, regex and io: data in and out. Paths are relative to the working directory.
enum JSONLibrary {
    static func toValue(_ j: JSON) -> Value {
        switch j {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .string(s)
        case .array(let a): return .list(ListRef(a.map(toValue)))
        case .object(let o): return .map(MapRef(o.pairs.map { (.string($0.0), toValue($0.1)) }))
        }
    }

    static func toJSON(_ v: Value) throws -> JSON {
        switch v {
        case .none: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let f):
            guard f.isFinite else { throw SynQError.value("JSON cannot hold \(Format.float(f))") }
            return .double(f)
        case .string(let s): return .string(s)
        case .list(let l): return .array(try l.items.map(toJSON))
        case .tuple(let t): return .array(try t.map(toJSON))
        case .range: return .array(try Iteration.elements(v).map(toJSON))
        case .map(let m):
            return .object(JSONObject(try zip(m.keys, m.values).map { (Format.str($0.value), try toJSON($1)) }))
        case .record(let r):
            var pairs: [(String, JSON)] = []
            if let c = r.enumCase { pairs.append(("case", .string(c.name))) }
            for (n, x) in zip(r.fieldNames, r.fields) { pairs.append((n, try toJSON(x))) }
            return .object(JSONObject(pairs))
        case .complex(let z): return .object(["re": .double(z.re), "im": .double(z.im)])
        case .object(let o):
            if let convertible = o as? JSONConvertible { return try convertible.json() }
            throw SynQError.type("\(Format.article(o.typeName)) cannot be written as JSON")
        default:
            throw SynQError.type("\(Format.article(Format.typeName(v))) cannot be written as JSON")
        }
    }

    static let builtins: [Builtin] = [
        Builtin("parse", "json.parse(text) -> value", "The value a JSON text spells: objects become Maps, arrays Lists.") { a in
            do { return toValue(try JSON.parse(try a.string(0, "text"))) } catch let e as JSONError {
                throw SynQError.value("invalid JSON: \(e.description)")
            }
        },
        Builtin("dump", "json.dump(value, indent: 0) -> String", "JSON text for a value (Maps, Lists, numbers, strings, Bools, nil, structs, Counts).") { a in
            let j = try toJSON(try a.argument(0, "value"))
            let indent = try a.optionalInt(nil, "indent") ?? 0
            return .string(indent > 0 ? j.pretty(indent: indent) : j.serialized)
        },
        Builtin("read", "json.read(path) -> value", "Reads and parses a JSON file.") { a in
            do { return toValue(try JSON.parse(try IOLibrary.readBytes(try a.string(0, "path")))) } catch let e as JSONError {
                throw SynQError.value("invalid JSON: \(e.description)")
            }
        },
        Builtin("write", "json.write(path, value, indent: 2)", "Writes a value to a file as JSON.") { a in
            let j = try toJSON(try a.argument(1, "value"))
            try IOLibrary.writeText(try a.string(0, "path"), j.pretty(indent: try a.optionalInt(nil, "indent") ?? 2) + "\n")
            return .none
        },
    ]

    static let module = Module(name: "json", doc: "JSON text to values and back.", members: Dictionary(uniqueKeysWithValues: builtins.map { ($0.name, Value.builtin($0)) }))
}

/// Native objects with a JSON form (Counts).
protocol JSONConvertible { func json() throws -> JSON }

enum CSVLibrary {
    static func parseRows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" || c == "\r\n" { row.append(field); rows.append(row); row = []; field = "" }
            else if c != "\r" { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    static func cell(_ s: String) -> Value {
        if let i = Int(s) { return .int(i) }
        if let f = Double(s), !s.isEmpty { return .float(f) }
        return .string(s)
    }

    static func escape(_ v: Value) -> String {
        let s = Format.str(v)
        if s.contains(",") || s.contains("\"") || s.contains("\n") { return "\"" + s.components(separatedBy: "\"").joined(separator: "\"\"") + "\"" }
        return s
    }

    static let builtins: [Builtin] = [
        Builtin("read", "csv.read(path, header: true) -> List", "Reads a CSV file: with a header, a List of Maps by column name; else a List of Lists. Numbers become Ints and Floats.") { a in
            let rows = parseRows(try IOLibrary.readText(try a.string(0, "path")))
            guard try a.bool("header", default: true), let header = rows.first else {
                return .list(ListRef(rows.map { .list(ListRef($0.map(cell))) }))
            }
            return .list(ListRef(rows.dropFirst().map { r in
                .map(MapRef(header.enumerated().map { (.string($0.element), $0.offset < r.count ? cell(r[$0.offset]) : .none) }))
            }))
        },
        Builtin("write", "csv.write(path, rows)", "Writes a List of Maps (a header from the first Map's keys) or a List of Lists.") { a in
            let rows = try a.list(1, "rows")
            var lines: [String] = []
            if case .map(let first)? = rows.first {
                lines.append(first.keys.map { escape($0.value) }.joined(separator: ","))
                for r in rows {
                    guard case .map(let m) = r else { throw SynQError.type("csv.write: every row must be a Map") }
                    lines.append(first.keys.map { escape(m[$0] ?? .none) }.joined(separator: ","))
                }
            } else {
                for r in rows { lines.append(try Iteration.elements(r).map(escape).joined(separator: ",")) }
            }
            try IOLibrary.writeText(try a.string(0, "path"), lines.joined(separator: "\n") + "\n")
            return .none
        },
    ]

    static let module = Module(name: "csv", doc: "CSV files as Lists of Maps.", members: Dictionary(uniqueKeysWithValues: builtins.map { ($0.name, Value.builtin($0)) }))
}

enum RegexLibrary {
    static func regex(_ a: Arguments) throws -> Regex<AnyRegexOutput> {
        let pattern = try a.string(0, "pattern")
        do { return try Regex(pattern) } catch { throw SynQError.value("invalid regular expression '\(pattern)'") }
    }

    static func groups(_ m: Regex<AnyRegexOutput>.Match) -> Value {
        .list(ListRef((0..<m.output.count).map { i in m.output[i].substring.map { .string(String($0)) } ?? .none }))
    }

    static let builtins: [Builtin] = [
        Builtin("match", "regex.match(pattern, text) -> List or nil", "The groups of the first match (group 0 is the whole match), or nil.") { a in
            let r = try regex(a)
            guard let m = try? r.firstMatch(in: try a.string(1, "text")) else { return .none }
            return groups(m)
        },
        Builtin("find_all", "regex.find_all(pattern, text) -> List", "Every non-overlapping match, as Strings.") { a in
            let r = try regex(a)
            return .list(ListRef(try a.string(1, "text").matches(of: r).map { .string(String($0.output[0].substring ?? "")) }))
        },
        Builtin("replace", "regex.replace(pattern, text, replacement) -> String", "Every match replaced by the replacement text.") { a in
            let r = try regex(a)
            return .string(try a.string(1, "text").replacing(r, with: try a.string(2, "replacement")))
        },
    ]

    static let module = Module(name: "regex", doc: "Regular expressions.", members: Dictionary(uniqueKeysWithValues: builtins.map { ($0.name, Value.builtin($0)) }))
}

enum IOLibrary {
    static func readBytes(_ path: String) throws -> [UInt8] {
        guard let bytes = Files.read(path) else { throw SynQError("E011", "IOError", "cannot open '\(path)': \(String(cString: strerror(errno)))") }
        return bytes
    }

    static func readText(_ path: String) throws -> String { String(decoding: try readBytes(path), as: UTF8.self) }

    static func writeText(_ path: String, _ text: String, append: Bool = false) throws {
        guard let f = fopen(path, append ? "ab" : "wb") else {
            throw SynQError("E011", "IOError", "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        let bytes = Array(text.utf8)
        guard fwrite(bytes, 1, bytes.count, f) == bytes.count else { throw SynQError("E011", "IOError", "writing '\(path)' failed") }
    }

    static let builtins: [Builtin] = [
        Builtin("read_file", "read_file(path) -> String", "The whole text of a file.") { a in .string(try readText(try a.string(0, "path"))) },
        Builtin("write_file", "write_file(path, text, append: false)", "Writes text to a file (replacing it unless append is true).") { a in
            try writeText(try a.string(0, "path"), Format.str(try a.argument(1, "text")), append: try a.bool("append", default: false))
            return .none
        },
        Builtin("read_lines", "read_lines(path) -> List", "The lines of a file, without line breaks.") { a in
            var lines = try readText(try a.string(0, "path")).split(separator: "\n", omittingEmptySubsequences: false).map { Value.string(String($0)) }
            if case .string("")? = lines.last { lines.removeLast() }
            return .list(ListRef(lines))
        },
    ]

    static let module = Module(name: "io", doc: "Files: read_file, write_file, read_lines (also globals).", members: Dictionary(uniqueKeysWithValues: builtins.map { ($0.name, Value.builtin($0)) }))
}
