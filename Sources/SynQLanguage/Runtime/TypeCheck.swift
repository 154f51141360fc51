/// Checks of type annotations where values cross them (parameters, returns, `let x: T`).
enum TypeCheck {
    static let aliases: [String: String] = [
        "Integer": "Int", "Boolean": "Bool", "Decimal": "Float", "angle": "Float", "Angle": "Float",
        "qubit": "Qubit", "Double": "Float", "Str": "String", "float": "Float", "int": "Int", "bool": "Bool",
    ]

    static func describe(_ t: TypeExpr) -> String {
        switch t {
        case .named(let n, let args):
            if n == "Optional", let a = args.first { return describe(a) + "?" }
            return args.isEmpty ? n : "\(n)<\(args.map(describe).joined(separator: ", "))>"
        case .tuple(let items): return "(" + items.map(describe).joined(separator: ", ") + ")"
        case .function(let ps, let r): return "(" + ps.map(describe).joined(separator: ", ") + ") -> " + describe(r)
        }
    }

    /// The value converted to the annotated type (an Int where a Float is expected becomes a
    /// Float), or nil when it does not fit. `generics` are names that match anything.
    static func coerce(_ v: Value, to t: TypeExpr, generics: [String], known: (String) -> TypeRef?) -> Value? {
        switch t {
        case .named(let rawName, let args):
            let name = aliases[rawName] ?? rawName
            if generics.contains(name) || name == "Any" { return v }
            switch (name, v) {
            case ("Int", .int), ("Bool", .bool), ("String", .string), ("Float", .float), ("Complex", .complex),
                 ("Map", .map), ("Range", .range), ("Nil", .none), ("Error", .error):
                return v
            case ("Float", .int(let i)): return .float(Double(i))
            case ("Complex", .int(let i)): return .complex(.init(Double(i)))
            case ("Complex", .float(let f)): return .complex(.init(f))
            case ("List", .list(let l)):
                if let elem = args.first, let first = l.items.first,
                   coerce(first, to: elem, generics: generics, known: known) == nil { return nil }
                return v
            case ("List", .range): return v
            case ("Function", .function), ("Function", .builtin), ("Function", .type): return v
            case ("Tuple", .tuple): return v
            case ("Optional", _):
                if case .none = v { return v }
                return args.first.flatMap { coerce(v, to: $0, generics: generics, known: known) }
            case (_, .record(let r)):
                return r.type.name == name ? v : nil
            case (_, .object(let o)):
                if o.typeName == name { return v }
                if name == "Qubit" || name == "Register" { return (o.typeName == "Qubit" || o.typeName == "Register") ? v : nil }
                if name == "Float" || name == "Int" { return nil }
                return nil
            default:
                if known(name) == nil, !["Int", "Float", "Bool", "String", "Complex", "List", "Map", "Range", "Nil",
                                          "Function", "Tuple", "Error", "Qubit", "Register", "Circuit", "Counts",
                                          "State", "Observable", "Bits", "Figure", "Job"].contains(name) {
                    return v  // an unknown name acts as a type variable
                }
                return nil
            }
        case .tuple(let items):
            guard case .tuple(let vs) = v, vs.count == items.count else { return nil }
            var out: [Value] = []
            for (x, ty) in zip(vs, items) {
                guard let c = coerce(x, to: ty, generics: generics, known: known) else { return nil }
                out.append(c)
            }
            return .tuple(out)
        case .function:
            switch v {
            case .function, .builtin, .type: return v
            default: return nil
            }
        }
    }
}
