/// Subscripts: `xs[i]`, `xs[1..3]`, `m["k"]`, `s[0]`, and native objects' indexes.
enum Indexing {
    static func normalise(_ i: Int, _ count: Int) throws -> Int {
        let k = i < 0 ? i + count : i
        guard k >= 0 && k < count else { throw SynQError.index("index \(i) is out of range for length \(count)") }
        return k
    }

    static func sliceBounds(_ r: RangeRef, _ count: Int) throws -> [Int] {
        guard r.step == 1 else { return (0..<r.count).map { r.element($0) }.filter { $0 >= 0 && $0 < count } }
        let lo = max(0, min(count, r.start < 0 ? r.start + count : r.start))
        let hi = max(lo, min(count, r.end < 0 ? r.end + count : r.end))
        return Array(lo..<hi)
    }

    static func get(_ container: Value, _ index: Value) throws -> Value {
        switch (container, index) {
        case (.list(let l), .int(let i)): return l.items[try normalise(i, l.items.count)]
        case (.list(let l), .range(let r)): return .list(ListRef(try sliceBounds(r, l.items.count).map { l.items[$0] }))
        case (.tuple(let t), .int(let i)): return t[try normalise(i, t.count)]
        case (.string(let s), .int(let i)):
            let chars = Array(s)
            return .string(String(chars[try normalise(i, chars.count)]))
        case (.string(let s), .range(let r)):
            let chars = Array(s)
            return .string(String(try sliceBounds(r, chars.count).map { chars[$0] }))
        case (.range(let r), .int(let i)): return .int(r.element(try normalise(i, r.count)))
        case (.map(let m), _):
            guard let k = MapKey(index) else { throw SynQError.type("a Map key cannot be \(Format.article(Format.typeName(index)))") }
            guard let v = m[k] else {
                throw SynQError("E004", "KeyError", "key \(Format.repr(index)) is not in the map", help: "use m.get(key, default) to read a key that may be missing")
            }
            return v
        case (.object(let o), _):
            if let indexable = o as? Indexable { return try indexable.index(index) }
            throw SynQError.type("\(Format.article(o.typeName)) cannot be indexed")
        case (.list, _), (.tuple, _), (.string, _):
            throw SynQError.type("\(Format.typeName(container)) indices must be Ints or Ranges, not \(Format.typeName(index))")
        default:
            throw SynQError.type("\(Format.article(Format.typeName(container))) cannot be indexed")
        }
    }

    static func set(_ container: Value, _ index: Value, _ value: Value) throws {
        switch (container, index) {
        case (.list(let l), .int(let i)): l.items[try normalise(i, l.items.count)] = value
        case (.map(let m), _):
            guard let k = MapKey(index) else { throw SynQError.type("a Map key cannot be \(Format.article(Format.typeName(index)))") }
            m[k] = value
        default:
            throw SynQError.type("cannot assign into \(Format.article(Format.typeName(container))) by index")
        }
    }
}

/// Native objects that support `x[i]`.
protocol Indexable { func index(_ i: Value) throws -> Value }
/// Native objects that can be looped over.
protocol Iterable { func elements() throws -> [Value] }
/// An iterable that a `for` loop tells how far it has got (`progress(xs)`).
protocol ObservedIterable: Iterable {
    func reached(_ index: Int, of count: Int)
    func ended(at index: Int, of count: Int)
}

enum Iteration {
    /// The elements a `for` loop visits: a Map gives (key, value) tuples, a String its characters.
    static func elements(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .range(let r):
            try Limits.checkSize(r.count, "range")
            return (0..<r.count).map { .int(r.element($0)) }
        case .string(let s): return s.map { .string(String($0)) }
        case .map(let m): return zip(m.keys, m.values).map { .tuple([$0.value, $1]) }
        case .object(let o):
            if let it = o as? Iterable { return try it.elements() }
            throw SynQError.type("\(Format.article(o.typeName)) cannot be iterated")
        default:
            throw SynQError.type("\(Format.article(Format.typeName(v))) cannot be iterated", help: "loop over a List, Map, String, Range or Register")
        }
    }
}
