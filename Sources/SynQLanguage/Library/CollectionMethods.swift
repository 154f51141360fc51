/// Methods of Lists, Maps, Tuples and Ranges.
enum CollectionMethods {
    static func listRef(_ v: Value) -> ListRef {
        if case .list(let l) = v { return l }
        fatalError("list method on a non-list")
    }

    static func mapRef(_ v: Value) -> MapRef {
        if case .map(let m) = v { return m }
        fatalError("map method on a non-map")
    }

    /// The most frequent collection methods in a form a call site runs without building
    /// `Arguments`: (receiver, first argument, second argument) -> result, or nil when the
    /// receiver is another kind (the general method lookup then runs, with its errors). Each
    /// computes what the method of the same name below does.
    typealias DirectMethod = (Value, Value, Value?) -> Value?

    static func direct(_ name: String, arity: Int) -> DirectMethod? {
        switch (name, arity) {
        case ("get", 1), ("get", 2):
            return { receiver, key, fallback in
                guard case .map(let m) = receiver, let k = MapKey(key) else { return nil }
                return m[k] ?? fallback ?? Value.none
            }
        case ("push", 1), ("append", 1):
            return { receiver, x, _ in
                guard case .list(let l) = receiver else { return nil }
                l.items.append(x)
                return Value.none
            }
        default:
            return nil
        }
    }

    static func reduce(_ items: [Value], _ f: Value, _ initial: Value?, _ session: Session) throws -> Value {
        var rest = items[...]
        guard var acc = initial ?? rest.popFirst() else { throw SynQError.value("reduce() of an empty list with no initial value") }
        for x in rest { acc = try session.call(f, [acc, x]) }
        return acc
    }

    /// Methods every sequence has (Lists, Tuples, Ranges), reading its elements.
    static func sequenceMethods() -> [String: MethodInfo] {
        var t: [String: MethodInfo] = [:]
        func items(_ v: Value) throws -> [Value] { try Iteration.elements(v) }
        method(&t, "len", "xs.len() -> Int", "The number of elements.") { v, _ in .int(try CoreLibrary.length(v)) }
        method(&t, "contains", "xs.contains(x) -> Bool", "Whether x is an element.") { v, a in .bool(try Operators.contains(v, try a.argument(0, "x"))) }
        method(&t, "index", "xs.index(x) -> Int", "The position of the first element equal to x (an error if absent).") { v, a in
            let x = try a.argument(0, "x")
            guard let i = try items(v).firstIndex(where: { Operators.equal($0, x) }) else { throw SynQError.value("\(Format.repr(x)) is not in the list") }
            return .int(i)
        }
        method(&t, "count", "xs.count(x) -> Int", "How many elements equal x (or satisfy x when it is a function).") { v, a in
            let x = try a.argument(0, "x")
            switch x {
            case .function, .builtin: return .int(try items(v).filter { Operators.isTruthy(try a.context.call(x, [$0])) }.count)
            default: return .int(try items(v).filter { Operators.equal($0, x) }.count)
            }
        }
        method(&t, "sorted", "xs.sorted(key: nil, reverse: false) -> List", "A sorted copy.") { v, a in .list(ListRef(try Sorting.sorted(try items(v), a))) }
        method(&t, "reversed", "xs.reversed() -> List", "A reversed copy.") { v, _ in .list(ListRef(try items(v).reversed())) }
        method(&t, "map", "xs.map(f) -> List", "f applied to each element.") { v, a in
            let f = try a.argument(0, "f")
            return .list(ListRef(try items(v).map { try a.context.call(f, [$0]) }))
        }
        method(&t, "filter", "xs.filter(f) -> List", "The elements for which f is true.") { v, a in
            let f = try a.argument(0, "f")
            return .list(ListRef(try items(v).filter { Operators.isTruthy(try a.context.call(f, [$0])) }))
        }
        method(&t, "reduce", "xs.reduce(f, initial) -> value", "Folds the elements with f(accumulator, element).") { v, a in
            try reduce(try items(v), try a.argument(0, "f"), a.count > 1 ? a[1] : nil, a.context)
        }
        method(&t, "zip", "xs.zip(ys) -> List", "Tuples of corresponding elements.") { v, a in
            let ys = try a.list(0, "ys")
            return .list(ListRef(zip(try items(v), ys).map { .tuple([$0, $1]) }))
        }
        method(&t, "enumerate", "xs.enumerate() -> List", "(index, element) tuples.") { v, _ in
            .list(ListRef(try items(v).enumerated().map { .tuple([.int($0.offset), $0.element]) }))
        }
        method(&t, "any", "xs.any(f = nil) -> Bool", "Whether any element (or f(element)) is true.") { v, a in
            let f = a.count > 0 ? a[0] : nil
            return .bool(try items(v).contains { x in Operators.isTruthy(try f.map { g in try a.context.call(g, [x]) } ?? x) })
        }
        method(&t, "all", "xs.all(f = nil) -> Bool", "Whether every element (or f(element)) is true.") { v, a in
            let f = a.count > 0 ? a[0] : nil
            return .bool(try items(v).allSatisfy { x in Operators.isTruthy(try f.map { g in try a.context.call(g, [x]) } ?? x) })
        }
        method(&t, "unique", "xs.unique() -> List", "The elements without repeats, in first-seen order.") { v, _ in
            var out: [Value] = []
            var seen = Set<MapKey>()
            for x in try items(v) {
                if let k = MapKey(x) { if seen.insert(k).inserted { out.append(x) } }
                else if !out.contains(where: { Operators.equal($0, x) }) { out.append(x) }
            }
            return .list(ListRef(out))
        }
        method(&t, "chunks", "xs.chunks(n) -> List", "Consecutive pieces of n elements (the last may be shorter).") { v, a in
            let n = try a.int(0, "n")
            guard n > 0 else { throw SynQError.value("chunk size must be positive") }
            let xs = try items(v)
            return .list(ListRef(stride(from: 0, to: xs.count, by: n).map { .list(ListRef(Array(xs[$0..<min($0 + n, xs.count)]))) }))
        }
        method(&t, "window", "xs.window(n) -> List", "Every run of n consecutive elements.") { v, a in
            let n = try a.int(0, "n")
            guard n > 0 else { throw SynQError.value("window size must be positive") }
            let xs = try items(v)
            guard xs.count >= n else { return .list(ListRef([])) }
            return .list(ListRef((0...(xs.count - n)).map { .list(ListRef(Array(xs[$0..<$0 + n]))) }))
        }
        method(&t, "sum", "xs.sum()", "The sum of the elements.") { v, _ in
            var total = Value.int(0)
            for x in try items(v) { total = try Operators.add(total, x) }
            return total
        }
        method(&t, "min", "xs.min()", "The smallest element.") { v, _ in
            let xs = try items(v)
            guard var best = xs.first else { throw SynQError.value("min() of an empty sequence") }
            for x in xs.dropFirst() where try Operators.compare(x, best) < 0 { best = x }
            return best
        }
        method(&t, "max", "xs.max()", "The largest element.") { v, _ in
            let xs = try items(v)
            guard var best = xs.first else { throw SynQError.value("max() of an empty sequence") }
            for x in xs.dropFirst() where try Operators.compare(x, best) > 0 { best = x }
            return best
        }
        method(&t, "first", "xs.first() -> value or nil", "The first element, or nil when empty.") { v, _ in try items(v).first ?? .none }
        method(&t, "last", "xs.last() -> value or nil", "The last element, or nil when empty.") { v, _ in try items(v).last ?? .none }
        method(&t, "join", "xs.join(separator = \"\") -> String", "The elements as text, joined by the separator.") { v, a in
            let sep = a.count > 0 ? try a.string(0, "separator") : ""
            return .string(Format.joinedText(try items(v), separator: sep))
        }
        method(&t, "slice", "xs.slice(start, end) -> List", "The elements from start up to end.") { v, a in
            let xs = try items(v)
            let r = RangeRef(start: try a.int(0, "start"), end: a.count > 1 ? try a.int(1, "end") : xs.count, step: 1, inclusive: false)
            return .list(ListRef(try Indexing.sliceBounds(r, xs.count).map { xs[$0] }))
        }
        method(&t, "to_list", "xs.to_list() -> List", "A new List of the elements.") { v, _ in .list(ListRef(try items(v))) }
        return t
    }

    static let list: [String: MethodInfo] = {
        var t = sequenceMethods()
        method(&t, "push", "xs.push(x)", "Appends x at the end (in place).") { v, a in
            listRef(v).items.append(try a.argument(0, "x")); return .none
        }
        t["append"] = t["push"]
        method(&t, "pop", "xs.pop(index = -1) -> value", "Removes and returns the last element (or the one at index).") { v, a in
            let l = listRef(v)
            guard !l.items.isEmpty else { throw SynQError.index("pop from an empty list") }
            let i = try Indexing.normalise(a.count > 0 ? try a.int(0, "index") : -1, l.items.count)
            return l.items.remove(at: i)
        }
        method(&t, "insert", "xs.insert(index, x)", "Inserts x before the index.") { v, a in
            let l = listRef(v)
            var i = try a.int(0, "index")
            if i < 0 { i += l.items.count }
            l.items.insert(try a.argument(1, "x"), at: max(0, min(i, l.items.count)))
            return .none
        }
        method(&t, "remove", "xs.remove(x)", "Removes the first element equal to x (an error if absent).") { v, a in
            let l = listRef(v)
            let x = try a.argument(0, "x")
            guard let i = l.items.firstIndex(where: { Operators.equal($0, x) }) else { throw SynQError.value("\(Format.repr(x)) is not in the list") }
            l.items.remove(at: i)
            return .none
        }
        method(&t, "extend", "xs.extend(ys)", "Appends every element of ys (in place).") { v, a in
            listRef(v).items.append(contentsOf: try a.list(0, "ys")); return .none
        }
        method(&t, "clear", "xs.clear()", "Removes every element.") { v, _ in listRef(v).items.removeAll(); return .none }
        method(&t, "copy", "xs.copy() -> List", "A shallow copy.") { v, _ in .list(ListRef(listRef(v).items)) }
        method(&t, "sort", "xs.sort(key: nil, reverse: false)", "Sorts in place.") { v, a in
            let l = listRef(v)
            l.items = try Sorting.sorted(l.items, a)
            return .none
        }
        method(&t, "reverse", "xs.reverse()", "Reverses in place.") { v, _ in listRef(v).items.reverse(); return .none }
        return t
    }()

    static let tuple: [String: MethodInfo] = sequenceMethods()
    static let range: [String: MethodInfo] = sequenceMethods()

    static let map: [String: MethodInfo] = {
        var t: [String: MethodInfo] = [:]
        func key(_ a: Arguments, _ i: Int = 0) throws -> MapKey {
            let v = try a.argument(i, "key")
            guard let k = MapKey(v) else { throw SynQError.type("a Map key cannot be \(Format.article(Format.typeName(v)))") }
            return k
        }
        method(&t, "len", "m.len() -> Int", "The number of entries.") { v, _ in .int(mapRef(v).count) }
        method(&t, "keys", "m.keys() -> List", "The keys, in insertion order.") { v, _ in .list(ListRef(mapRef(v).keys.map { $0.value })) }
        method(&t, "values", "m.values() -> List", "The values, in insertion order.") { v, _ in .list(ListRef(mapRef(v).values)) }
        method(&t, "items", "m.items() -> List", "(key, value) tuples, in insertion order.") { v, _ in
            let m = mapRef(v)
            return .list(ListRef(zip(m.keys, m.values).map { .tuple([$0.value, $1]) }))
        }
        method(&t, "get", "m.get(key, default = nil)", "The value for key, or the default when the key is missing.") { v, a in
            mapRef(v)[try key(a)] ?? (a.count > 1 ? a[1] : .none)
        }
        method(&t, "set", "m.set(key, value)", "Stores value under key.") { v, a in
            mapRef(v)[try key(a)] = try a.argument(1, "value"); return .none
        }
        method(&t, "contains", "m.contains(key) -> Bool", "Whether the key is present.") { v, a in .bool(mapRef(v)[try key(a)] != nil) }
        method(&t, "remove", "m.remove(key) -> value", "Removes the key and returns its value (an error if absent).") { v, a in
            let m = mapRef(v), k = try key(a)
            guard let old = m[k] else { throw SynQError("E004", "KeyError", "key \(Format.repr(k.value)) is not in the map") }
            m[k] = nil
            return old
        }
        t["pop"] = t["remove"]
        method(&t, "merge", "m.merge(other) -> Map", "A new Map with other's entries added over m's.") { v, a in
            let out = mapRef(v).copy()
            guard case .map(let other) = try a.argument(0, "other") else { throw SynQError.type("merge needs a Map") }
            for (k, x) in zip(other.keys, other.values) { out[k] = x }
            return .map(out)
        }
        method(&t, "copy", "m.copy() -> Map", "A shallow copy.") { v, _ in .map(mapRef(v).copy()) }
        method(&t, "clear", "m.clear()", "Removes every entry.") { v, _ in
            let m = mapRef(v)
            for k in m.keys { m[k] = nil }
            return .none
        }
        return t
    }()
}

/// Sorting with an optional key function and reverse flag; all-Int and all-String lists take a fast path.
enum Sorting {
    static func sorted(_ items: [Value], _ args: Arguments) throws -> [Value] {
        let reverse = try args.bool("reverse", default: false)
        if let key = args.keyword("key") {
            let keys = try items.map { try args.context.call(key, [$0]) }
            var order = Array(items.indices)
            try sortIndices(&order, keys)
            if reverse { order.reverse() }
            return order.map { items[$0] }
        }
        if items.allSatisfy({ if case .int = $0 { return true }; return false }) {
            var ints = items.map { v -> Int in if case .int(let i) = v { return i }; return 0 }
            ints.sort()
            if reverse { ints.reverse() }
            return ints.map { .int($0) }
        }
        if items.allSatisfy({ $0.isString }) {
            var strings = items.map { v -> String in if case .string(let s) = v { return s }; return "" }
            strings.sort()
            if reverse { strings.reverse() }
            return strings.map { .string($0) }
        }
        var order = Array(items.indices)
        try sortIndices(&order, items)
        if reverse { order.reverse() }
        return order.map { items[$0] }
    }

    /// A stable merge sort of indices by keys, with comparisons that may throw.
    static func sortIndices(_ order: inout [Int], _ keys: [Value]) throws {
        if order.count < 2 { return }
        var buffer = order
        func merge(_ lo: Int, _ mid: Int, _ hi: Int) throws {
            var i = lo, j = mid, k = lo
            while i < mid && j < hi {
                if try Operators.compare(keys[order[j]], keys[order[i]]) < 0 { buffer[k] = order[j]; j += 1 } else { buffer[k] = order[i]; i += 1 }
                k += 1
            }
            while i < mid { buffer[k] = order[i]; i += 1; k += 1 }
            while j < hi { buffer[k] = order[j]; j += 1; k += 1 }
            for x in lo..<hi { order[x] = buffer[x] }
        }
        var width = 1
        while width < order.count {
            var lo = 0
            while lo < order.count - width {
                try merge(lo, lo + width, min(lo + 2 * width, order.count))
                lo += 2 * width
            }
            width *= 2
        }
    }
}
