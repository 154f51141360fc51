import QuantumKit

/// A SynQ runtime value. Lists and Maps are shared references (as in Python); the rest are values.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case complex(Complex)
    case string(String)
    case list(ListRef)
    case map(MapRef)
    case tuple([Value])
    case range(RangeRef)
    case function(Closure)
    case builtin(Builtin)
    case record(RecordRef)       // a struct instance or an enum case
    case type(TypeRef)
    case error(ErrorRef)
    case module(Module)
    case object(NativeObject)    // quantum and display values: Circuit, Counts, State, Figure, ...
}

public final class ListRef {
    public var items: [Value]
    public init(_ items: [Value]) { self.items = items }
}

/// Map keys: SynQ allows string and Int keys (and Bools, Floats and tuples of those).
public enum MapKey: Hashable {
    case int(Int), string(String), bool(Bool), float(Double), tuple([MapKey]), none

    public init?(_ value: Value) {
        switch value {
        case .int(let v): self = .int(v)
        case .string(let s): self = .string(s)
        case .bool(let b): self = .bool(b)
        case .float(let f): self = f == f.rounded() && abs(f) < 9e15 ? .int(Int(f)) : .float(f)
        case .none: self = .none
        case .tuple(let items):
            var keys: [MapKey] = []
            for item in items { guard let k = MapKey(item) else { return nil }; keys.append(k) }
            self = .tuple(keys)
        default: return nil
        }
    }

    /// The payload alone (no case number): keys of different kinds that hash alike still
    /// differ under ==, and a String key costs one hash of its bytes.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .int(let v): hasher.combine(v)
        case .string(let s): hasher.combine(s)
        case .bool(let b): hasher.combine(b)
        case .float(let f): hasher.combine(f)
        case .tuple(let keys): hasher.combine(keys)
        case .none: hasher.combine(0)
        }
    }

    public var value: Value {
        switch self {
        case .int(let v): return .int(v)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .float(let f): return .float(f)
        case .none: return .none
        case .tuple(let ks): return .tuple(ks.map { $0.value })
        }
    }
}

/// An insertion-ordered map.
public final class MapRef {
    public private(set) var keys: [MapKey] = []
    public private(set) var values: [Value] = []
    private var index: [MapKey: Int] = [:]

    public init() {}
    public init(_ pairs: [(MapKey, Value)]) { for (k, v) in pairs { self[k] = v } }

    public var count: Int { keys.count }

    /// The key of the latest lookup and its position: `m[k] = m.get(k, 0) + 1` hashes `k` once.
    private var lastKey: MapKey?
    private var lastPosition = 0

    private func position(of key: MapKey) -> Int? {
        if let lastKey, lastKey == key { return lastPosition }
        guard let i = index[key] else { return nil }
        lastKey = key
        lastPosition = i
        return i
    }

    public subscript(key: MapKey) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            if let i = position(of: key) {
                if let newValue { values[i] = newValue } else { removeAt(i) }
            } else if let newValue {
                index[key] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    private func removeAt(_ i: Int) {
        lastKey = nil
        index[keys[i]] = nil
        keys.remove(at: i)
        values.remove(at: i)
        for j in i..<keys.count { index[keys[j]] = j }
    }

    public func copy() -> MapRef {
        let m = MapRef()
        m.keys = keys; m.values = values; m.index = index
        return m
    }

    public var pairs: [(MapKey, Value)] { Array(zip(keys, values)) }
}

/// `a..b` (exclusive), `a..=b`, with a step; stored normalised to an exclusive end.
public final class RangeRef {
    public let start: Int, end: Int, step: Int
    public let inclusive: Bool
    public init(start: Int, end: Int, step: Int, inclusive: Bool) {
        self.start = start; self.step = step; self.inclusive = inclusive
        self.end = inclusive ? (step > 0 ? end + 1 : end - 1) : end
    }
    public var count: Int {
        if step > 0 { return start >= end ? 0 : (end - start + step - 1) / step }
        return start <= end ? 0 : (start - end - step - 1) / -step
    }
    public func element(_ i: Int) -> Int { start + i * step }
    public func contains(_ v: Int) -> Bool {
        if step > 0 { return v >= start && v < end && (v - start) % step == 0 }
        return v <= start && v > end && (start - v) % -step == 0
    }
}

/// A user-defined function with the frame it closes over.
public final class Closure {
    let proto: FunctionProto
    let env: Frame?
    /// For methods: the receiver bound as `self`.
    var boundSelf: Value?
    init(proto: FunctionProto, env: Frame?, boundSelf: Value? = nil) {
        self.proto = proto; self.env = env; self.boundSelf = boundSelf
    }
}

/// Arguments as a builtin receives them.
public struct Arguments {
    public var positional: [Value]
    public var keywords: [(String, Value)]
    public let context: CallContext

    public var count: Int { positional.count }
    public subscript(i: Int) -> Value { positional[i] }

    public func keyword(_ name: String) -> Value? { keywords.first { $0.0 == name }?.1 }

    /// The argument given by keyword `name` or else at position `position`.
    public func value(_ name: String, _ position: Int? = nil) -> Value? {
        if let v = keyword(name) { return v }
        if let position, position < positional.count { return positional[position] }
        return nil
    }
}

/// A function implemented in Swift, with the signature and doc that help() shows.
public final class Builtin {
    public let name: String
    public let signature: String
    public let doc: String
    public let body: (Arguments) throws -> Value
    public init(_ name: String, _ signature: String, _ doc: String, _ body: @escaping (Arguments) throws -> Value) {
        self.name = name; self.signature = signature; self.doc = doc; self.body = body
    }
}

/// A struct or enum type defined in SynQ.
public final class TypeRef {
    public enum Kind { case structType, enumType, builtin }
    public let name: String
    public let kind: Kind
    public var fields: [String] = []
    var fieldTypes: [TypeExpr?] = []
    var fieldDefaults: [Expr?] = []
    var compiledDefaults: [((Frame) throws -> Value)?] = []
    public var cases: [EnumCase] = []
    public var methods: [String: Value] = [:]
    public var doc: String?
    public init(name: String, kind: Kind) { self.name = name; self.kind = kind }
}

public final class EnumCase {
    public let name: String
    public let fields: [String]
    public unowned let owner: TypeRef
    init(name: String, fields: [String], owner: TypeRef) { self.name = name; self.fields = fields; self.owner = owner }
}

/// An instance of a struct, or an enum case with its payload.
public final class RecordRef {
    public let type: TypeRef
    public let enumCase: EnumCase?
    public var fields: [Value]
    public init(type: TypeRef, enumCase: EnumCase?, fields: [Value]) {
        self.type = type; self.enumCase = enumCase; self.fields = fields
    }
    public var fieldNames: [String] { enumCase?.fields ?? type.fields }
    public func field(_ name: String) -> Value? { fieldNames.firstIndex(of: name).map { fields[$0] } }
}

/// A SynQ error value: what `catch err` binds and `error(msg)` makes.
public final class ErrorRef {
    public let kind: String
    public let message: String
    public let code: String?
    public init(kind: String, message: String, code: String? = nil) { self.kind = kind; self.message = message; self.code = code }
}

/// A standard-library module (`math`, `json`, ...): named members.
public final class Module {
    public let name: String
    public let doc: String
    public var members: [String: Value]
    public init(name: String, doc: String, members: [String: Value]) { self.name = name; self.doc = doc; self.members = members }
}

/// Values implemented outside the core language (quantum values, figures, jobs).
public protocol NativeObject: AnyObject {
    var typeName: String { get }
    /// Text for print() and text/plain.
    var text: String { get }
    /// A member (field or method) by name, or nil when there is none.
    func member(_ name: String, context: CallContext) throws -> Value?
    /// Members offered by completion.
    var memberNames: [String] { get }
    func equals(_ other: NativeObject) -> Bool
}

public extension NativeObject {
    func member(_ name: String, context: CallContext) throws -> Value? { nil }
    var memberNames: [String] { [] }
    func equals(_ other: NativeObject) -> Bool { self === other }
}
