import Glibc
import QuantumKit

/// Arithmetic, comparison and equality on values.
enum Operators {
    static func overflow(_ op: String, _ a: Int, _ b: Int) -> SynQError {
        SynQError("E005", "OverflowError", "Int overflow in \(a) \(op) \(b)", help: "Ints are 64-bit and never wrap; use Floats (e.g. \(a).0) for larger numbers")
    }

    static func operandError(_ op: String, _ a: Value, _ b: Value) -> SynQError {
        var help: String? = nil
        if op == "+", case .string = a { help = "turn the other value into text with str(x) or use interpolation \"\\(x)\"" }
        if op == "+", case .string = b { help = "turn the other value into text with str(x) or use interpolation \"\\(x)\"" }
        return .type("unsupported operand types for \(op): \(Format.typeName(a)) and \(Format.typeName(b))", help: help)
    }

    static func complexValue(_ v: Value) -> Complex? {
        switch v {
        case .int(let i): return Complex(Double(i))
        case .float(let f): return Complex(f)
        case .complex(let z): return z
        default: return nil
        }
    }

    static func floatValue(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .float(let f): return f
        default: return nil
        }
    }

    /// Arithmetic that native objects define: Observables, and Floats traced by `grad`.
    static func objectBinary(_ op: String, _ a: Value, _ b: Value) throws -> Value? {
        if let r = try QuantumOperators.binary(op, a, b) { return r }
        return try DualNumber.binary(op, a, b)
    }

    @inline(__always)
    static func add(_ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw overflow("+", x, y) }
            return .int(r)
        case (.float(let x), .float(let y)): return .float(x + y)
        case (.int(let x), .float(let y)): return .float(Double(x) + y)
        case (.float(let x), .int(let y)): return .float(x + Double(y))
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.list(let x), .list(let y)): return .list(ListRef(x.items + y.items))
        case (.tuple(let x), .tuple(let y)): return .tuple(x + y)
        default:
            if let x = complexValue(a), let y = complexValue(b) { return .complex(x + y) }
            if let r = try objectBinary("+", a, b) { return r }
            throw operandError("+", a, b)
        }
    }

    @inline(__always)
    static func subtract(_ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw overflow("-", x, y) }
            return .int(r)
        case (.float(let x), .float(let y)): return .float(x - y)
        case (.int(let x), .float(let y)): return .float(Double(x) - y)
        case (.float(let x), .int(let y)): return .float(x - Double(y))
        default:
            if let x = complexValue(a), let y = complexValue(b) { return .complex(x - y) }
            if let r = try objectBinary("-", a, b) { return r }
            throw operandError("-", a, b)
        }
    }

    @inline(__always)
    static func multiply(_ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw overflow("*", x, y) }
            return .int(r)
        case (.float(let x), .float(let y)): return .float(x * y)
        case (.int(let x), .float(let y)): return .float(Double(x) * y)
        case (.float(let x), .int(let y)): return .float(x * Double(y))
        case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
            try Limits.checkSize(s.utf8.count * max(n, 0), "string")
            return .string(String(repeating: s, count: max(n, 0)))
        case (.list(let l), .int(let n)), (.int(let n), .list(let l)):
            try Limits.checkSize(l.items.count * max(n, 0), "list")
            var out: [Value] = []
            out.reserveCapacity(l.items.count * max(n, 0))
            for _ in 0..<max(n, 0) { out.append(contentsOf: l.items) }
            return .list(ListRef(out))
        default:
            if let x = complexValue(a), let y = complexValue(b) { return .complex(x * y) }
            if let r = try objectBinary("*", a, b) { return r }
            throw operandError("*", a, b)
        }
    }

    static func zeroDivision(_ op: String) -> SynQError {
        SynQError("E002", "ZeroDivisionError", op == "/" ? "division by zero" : "remainder by zero")
    }

    static func divide(_ a: Value, _ b: Value) throws -> Value {
        if let x = floatValue(a), let y = floatValue(b) {
            if y == 0 { throw zeroDivision("/") }
            return .float(x / y)
        }
        if let x = complexValue(a), let y = complexValue(b) {
            if y == .zero { throw zeroDivision("/") }
            return .complex(x / y)
        }
        if let r = try objectBinary("/", a, b) { return r }
        throw operandError("/", a, b)
    }

    /// Floored remainder, as in Python: the result has the sign of the divisor.
    static func remainder(_ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { throw zeroDivision("%") }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        default:
            guard let x = floatValue(a), let y = floatValue(b) else { throw operandError("%", a, b) }
            if y == 0 { throw zeroDivision("%") }
            let r = fmod(x, y)
            return .float(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        }
    }

    static func power(_ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)) where y >= 0:
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 {
                    let (r, o) = result.multipliedReportingOverflow(by: base)
                    if o { throw overflow("**", x, y) }
                    result = r
                }
                e >>= 1
                if e > 0 {
                    let (sq, o) = base.multipliedReportingOverflow(by: base)
                    if o { throw overflow("**", x, y) }
                    base = sq
                }
            }
            return .int(result)
        default:
            if let x = floatValue(a), let y = floatValue(b) {
                if x < 0 && y != y.rounded() { return .complex(Complex.pow(Complex(x), Complex(y))) }
                return .float(pow(x, y))
            }
            if let x = complexValue(a), let y = complexValue(b) { return .complex(Complex.pow(x, y)) }
            if let r = try DualNumber.binary("**", a, b) { return r }
            throw operandError("**", a, b)
        }
    }

    static func bitwise(_ op: String, _ a: Value, _ b: Value) throws -> Value {
        guard case .int(let x) = a, case .int(let y) = b else {
            if case .bool(let x) = a, case .bool(let y) = b {
                switch op {
                case "&": return .bool(x && y)
                case "|": return .bool(x || y)
                case "^": return .bool(x != y)
                default: break
                }
            }
            throw operandError(op, a, b)
        }
        switch op {
        case "&": return .int(x & y)
        case "|": return .int(x | y)
        case "^": return .int(x ^ y)
        case "<<":
            guard y >= 0 && y < 64 else { throw SynQError.value("shift count \(y) is out of range 0..64") }
            if y > 0 && (x >> (63 - y)) != 0 && (x >> (63 - y)) != -1 { throw overflow("<<", x, y) }
            return .int(x << y)
        default:
            guard y >= 0 else { throw SynQError.value("negative shift count") }
            return .int(x >> min(y, 63))
        }
    }

    static func negate(_ a: Value) throws -> Value {
        switch a {
        case .int(let x):
            if x == .min { throw overflow("-", 0, x) }
            return .int(-x)
        case .float(let x): return .float(-x)
        case .complex(let z): return .complex(-z)
        default:
            if let r = try objectBinary("*", .float(-1), a) { return r }
            throw SynQError.type("unsupported operand type for unary -: \(Format.typeName(a))")
        }
    }

    static func isTruthy(_ v: Value) -> Bool {
        switch v {
        case .bool(let b): return b
        case .none: return false
        case .int(let i): return i != 0
        case .float(let f): return f != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .map(let m): return m.count > 0
        case .tuple(let t): return !t.isEmpty
        case .range(let r): return r.count > 0
        case .object(let o): return (o as? TruthValued)?.truth ?? true
        default: return true
        }
    }

    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)):
            return x === y || (x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { equal($0, $1) })
        case (.tuple(let x), .tuple(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            for (k, v) in zip(x.keys, x.values) {
                guard let w = y[k], equal(v, w) else { return false }
            }
            return true
        case (.range(let x), .range(let y)): return x.start == y.start && x.end == y.end && x.step == y.step
        case (.record(let x), .record(let y)):
            return x === y || (x.type === y.type && x.enumCase === y.enumCase
                               && zip(x.fields, y.fields).allSatisfy { equal($0, $1) })
        case (.function(let x), .function(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.type(let x), .type(let y)): return x === y
        case (.error(let x), .error(let y)): return x === y || (x.kind == y.kind && x.message == y.message)
        case (.object(let x), .object(let y)): return x.equals(y)
        case (.object(let o), .string), (.string, .object(let o)):
            if let s = o as? StringComparable, case .string(let t) = (a.isString ? a : b) { return s.comparableString == t }
            return false
        default:
            if let x = complexValue(a), let y = complexValue(b) { return x == y }
            if let x = floatValue(a) ?? DualNumber.from(a)?.value, let y = floatValue(b) ?? DualNumber.from(b)?.value { return x == y }
            return false
        }
    }

    /// Ordering for <, sort, min and max: numbers, strings, and lists or tuples element-wise.
    static func compare(_ a: Value, _ b: Value) throws -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.list(let x), .list(let y)): return try compareSequences(x.items, y.items)
        case (.tuple(let x), .tuple(let y)): return try compareSequences(x, y)
        default:
            if let x = floatValue(a) ?? DualNumber.from(a)?.value, let y = floatValue(b) ?? DualNumber.from(b)?.value {
                return x < y ? -1 : (x > y ? 1 : 0)
            }
            throw SynQError.type("cannot compare \(Format.typeName(a)) with \(Format.typeName(b))")
        }
    }

    static func compareSequences(_ x: [Value], _ y: [Value]) throws -> Int {
        for (p, q) in zip(x, y) {
            let c = try compare(p, q)
            if c != 0 { return c }
        }
        return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
    }

    static func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch container {
        case .list(let l): return l.items.contains { equal($0, item) }
        case .tuple(let t): return t.contains { equal($0, item) }
        case .map(let m):
            guard let k = MapKey(item) else { return false }
            return m[k] != nil
        case .string(let s):
            guard case .string(let sub) = item else { throw SynQError.type("'in <String>' needs a String on the left, not \(Format.typeName(item))") }
            return sub.isEmpty || s.contains(sub)
        case .range(let r):
            if case .int(let i) = item { return r.contains(i) }
            if case .float(let f) = item, f == f.rounded() { return r.contains(Int(f)) }
            return false
        case .object(let o):
            if let c = o as? Container { return try c.containsValue(item) }
            fallthrough
        default:
            throw SynQError.type("'in' needs a List, Map, String, Tuple or Range, not \(Format.typeName(container))")
        }
    }
}

extension Value {
    var isString: Bool { if case .string = self { return true }; return false }
}

/// Native objects that answer `x in obj`.
protocol Container { func containsValue(_ v: Value) throws -> Bool }
/// Native objects with a truth value other than true.
protocol TruthValued { var truth: Bool { get } }
/// Native objects that compare equal to a string (Bits == "101").
protocol StringComparable { var comparableString: String { get } }

/// Size limits checked before building large strings and lists, so they fail cleanly.
enum Limits {
    static var maxElements = 1 << 28
    static func checkSize(_ n: Int, _ what: String) throws {
        if n > maxElements {
            throw SynQError("E013", "MemoryError", "a \(what) of \(n) elements is larger than the limit of \(maxElements)")
        }
    }
}
