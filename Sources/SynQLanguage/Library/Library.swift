import Glibc
import QuantumKit

/// The standard library's registry: global builtins, modules and the methods of built-in types.
/// Every entry carries the signature and doc that help(), completion and inspection show.
public enum Library {
    static func install(into session: Session) {
        var globals: [String: Value] = [:]
        func add(_ builtins: [Builtin]) { for b in builtins { globals[b.name] = .builtin(b) } }
        add(CoreLibrary.builtins)
        add(MathLibrary.builtins)
        add(PlotLibrary.builtins)
        add(QuantumLibrary.builtins)
        add(NoiseLibrary.builtins)
        add(IOLibrary.builtins)
        add(VariationalLibrary.builtins)
        globals["h2_nuclear_repulsion"] = .float(Hamiltonians.h2NuclearRepulsion)
        globals["pi"] = .float(Double.pi)
        globals["tau"] = .float(2 * Double.pi)
        globals["e"] = .float(M_E)
        globals["inf"] = .float(.infinity)
        globals["nan"] = .float(.nan)
        session.builtins = globals
        for module in [MathLibrary.module, StatsLibrary.module, LinalgLibrary.module, JSONLibrary.module,
                       CSVLibrary.module, RegexLibrary.module, IOLibrary.module] {
            session.modules[module.name] = module
        }
    }

    /// Documentation for a builtin or constant, by name.
    public static let constantDocs: [String: String] = [
        "h2_nuclear_repulsion": "The nuclear repulsion of H2 at 0.735 Å, 0.7199689944489797 Ha: add it to h2()'s energies for the molecule's total energy.",
        "pi": "π = 3.141592653589793.", "tau": "τ = 2π.", "e": "Euler's number e = 2.718281828459045.",
        "inf": "Positive infinity (a Float).", "nan": "Not a number (a Float).",
    ]

    typealias Method = (Value, Arguments) throws -> Value

    static func method(for v: Value, _ name: String) -> Method? {
        switch v {
        case .list: return CollectionMethods.list[name]?.body
        case .map: return CollectionMethods.map[name]?.body
        case .string: return StringMethods.table[name]?.body
        case .tuple: return CollectionMethods.tuple[name]?.body
        case .range: return CollectionMethods.range[name]?.body
        default: return nil
        }
    }

    static func methodTable(for v: Value) -> [String: MethodInfo] {
        switch v {
        case .list: return CollectionMethods.list
        case .map: return CollectionMethods.map
        case .string: return StringMethods.table
        case .tuple: return CollectionMethods.tuple
        case .range: return CollectionMethods.range
        default: return [:]
        }
    }

    public static func methodNames(for v: Value) -> [String] {
        Array(methodTable(for: v).keys).sorted() + propertyNames(v)
    }

    static func methodDoc(_ v: Value, _ name: String) -> String { methodTable(for: v)[name]?.doc ?? "" }
    public static func methodSignature(_ v: Value, _ name: String) -> String? { methodTable(for: v)[name]?.signature }

    static func propertyNames(_ v: Value) -> [String] {
        switch v {
        case .complex: return ["re", "im"]
        case .range: return ["start", "end", "step"]
        default: return []
        }
    }

    static func property(_ v: Value, _ name: String) -> Value? {
        switch (v, name) {
        case (.complex(let z), "re"): return .float(z.re)
        case (.complex(let z), "im"): return .float(z.im)
        case (.range(let r), "start"): return .int(r.start)
        case (.range(let r), "end"): return .int(r.inclusive ? r.end - r.step.signum() : r.end)
        case (.range(let r), "step"): return .int(r.step)
        default: return nil
        }
    }
}

/// A built-in method: its signature, doc and implementation.
struct MethodInfo {
    let signature: String
    let doc: String
    let body: Library.Method
}

func method(_ table: inout [String: MethodInfo], _ name: String, _ signature: String, _ doc: String, _ body: @escaping Library.Method) {
    table[name] = MethodInfo(signature: signature, doc: doc, body: body)
}

// MARK: - argument helpers

extension Arguments {
    func require(_ n: Int, _ name: String, _ signature: String) throws {
        if positional.count < n {
            throw SynQError("T005", "TypeError", "\(name)() needs \(n) argument\(n == 1 ? "" : "s") but got \(positional.count)", help: signature)
        }
    }

    func argument(_ i: Int, _ name: String) throws -> Value {
        guard let v = value(name, i) else { throw SynQError("T005", "TypeError", "missing argument '\(name)'") }
        return v
    }

    func int(_ i: Int, _ name: String) throws -> Int {
        let v = try argument(i, name)
        if case .int(let n) = v { return n }
        if case .float(let f) = v, f == f.rounded(), abs(f) < 9e18 { return Int(f) }
        throw SynQError.type("'\(name)' must be an Int, not \(Format.typeName(v))")
    }

    func optionalInt(_ i: Int?, _ name: String) throws -> Int? {
        guard let v = value(name, i) else { return nil }
        if case .none = v { return nil }
        if case .int(let n) = v { return n }
        throw SynQError.type("'\(name)' must be an Int, not \(Format.typeName(v))")
    }

    func float(_ i: Int, _ name: String) throws -> Double {
        let v = try argument(i, name)
        guard let f = Operators.floatValue(v) else {
            if DualNumber.from(v) != nil { throw SynQError.type("'\(name)' is a Float being differentiated by grad, and this function cannot carry its derivative") }
            throw SynQError.type("'\(name)' must be a number, not \(Format.typeName(v))")
        }
        return f
    }

    func string(_ i: Int, _ name: String) throws -> String {
        let v = try argument(i, name)
        guard case .string(let s) = v else { throw SynQError.type("'\(name)' must be a String, not \(Format.typeName(v))") }
        return s
    }

    func list(_ i: Int, _ name: String) throws -> [Value] {
        let v = try argument(i, name)
        return try Iteration.elements(v)
    }

    func numbers(_ i: Int, _ name: String) throws -> [Double] {
        try list(i, name).map { x in
            guard let f = Operators.floatValue(x) else { throw SynQError.type("'\(name)' must hold numbers, not \(Format.typeName(x))") }
            return f
        }
    }

    func optionalFloat(_ name: String) throws -> Double? {
        guard let v = keyword(name) else { return nil }
        if case .none = v { return nil }
        guard let x = Operators.floatValue(v) else { throw SynQError.type("'\(name)' must be a number, not \(Format.typeName(v))") }
        return x
    }

    func bool(_ name: String, default d: Bool) throws -> Bool {
        guard let v = keyword(name) else { return d }
        guard case .bool(let b) = v else { throw SynQError.type("'\(name)' must be a Bool") }
        return b
    }
}

func numbersToList(_ xs: [Double]) -> Value { .list(ListRef(xs.map { .float($0) })) }
