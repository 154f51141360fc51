/// `x.name` and `x.name(args)`: record fields and methods, enum cases, module members, error
/// fields, native objects' members, and the built-in methods of Lists, Maps, Strings, ...
extension Value {
    /// A small number per case, for per-call-site caches keyed by the receiver's kind.
    var kindTag: Int {
        switch self {
        case .none: return 0
        case .bool: return 1
        case .int: return 2
        case .float: return 3
        case .complex: return 4
        case .string: return 5
        case .list: return 6
        case .map: return 7
        case .tuple: return 8
        case .range: return 9
        default: return 10
        }
    }
}

enum Members {
    static func get(_ v: Value, _ name: String, session: Session, cache: MemberCache) throws -> Value {
        switch v {
        case .record(let r):
            if cache.type === r.type && r.enumCase == nil { return r.fields[cache.index] }
            if let i = r.fieldNames.firstIndex(of: name) {
                if r.enumCase == nil { cache.type = r.type; cache.index = i }
                return r.fields[i]
            }
            if case .function(let m)? = r.type.methods[name] {
                return .function(Closure(proto: m.proto, env: m.env, boundSelf: v))
            }
            throw noMember(v, name, options: r.fieldNames + r.type.methods.keys.sorted())
        case .type(let t):
            if let c = t.cases.first(where: { $0.name == name }) { return Compiler.caseConstructor(c) }
            if let m = t.methods[name] { return m }
            throw noMember(v, name, options: t.cases.map { $0.name } + t.methods.keys.sorted())
        case .module(let m):
            if let member = m.members[name] { return member }
            throw SynQError("T004", "AttributeError", "module \(m.name) has no member '\(name)'",
                            help: suggestion(for: name, among: Array(m.members.keys)).map { "did you mean '\(m.name).\($0)'?" })
        case .error(let e):
            switch name {
            case "message": return .string(e.message)
            case "kind": return .string(e.kind)
            case "code": return e.code.map { .string("SYNQ-\($0)") } ?? .none
            default: throw noMember(v, name, options: ["message", "kind", "code"])
            }
        case .tuple(let items):
            if let i = Int(name), i >= 0, i < items.count { return items[i] }
            throw noMember(v, name, options: (0..<items.count).map(String.init))
        case .object(let o):
            if let member = try o.member(name, context: session) { return member }
            throw noMember(v, name, options: o.memberNames)
        default:
            if let property = Library.property(v, name) { return property }
            if let method = Library.method(for: v, name) {
                return .builtin(Builtin(name, "\(Format.typeName(v)).\(name)", Library.methodDoc(v, name)) { args in
                    try method(v, args)
                })
            }
            throw noMember(v, name, options: Library.methodNames(for: v))
        }
    }

    static func noMember(_ v: Value, _ name: String, options: [String]) -> SynQError {
        SynQError("T004", "AttributeError", "\(Format.typeName(v)) has no member '\(name)'",
                  help: suggestion(for: name, among: options).map { "did you mean '\($0)'?" })
    }

    static func callMethod(_ receiver: Value, _ name: String, _ args: [Value], _ keywords: [(String, Value)],
                           session: Session, cache: MemberCache, callSite: CallSite) throws -> Value {
        switch receiver {
        case .record(let r):
            if case .function(let m)? = r.type.methods[name] {
                let bound = Closure(proto: m.proto, env: m.env, boundSelf: m.proto.hasSelf ? receiver : nil)
                let frame = try Calls.bind(bound, args, keywords, session: session)
                return try Calls.invoke(bound, frame, session: session, callSite: callSite)
            }
        case .list, .map, .string, .int, .float, .complex, .range, .tuple, .bool:
            let kind = receiver.kindTag
            if cache.methodKind != kind {
                cache.method = Library.method(for: receiver, name)
                cache.methodKind = kind
            }
            if let method = cache.method {
                return try method(receiver, Arguments(positional: args, keywords: keywords, context: session))
            }
        default: break
        }
        let callee = try get(receiver, name, session: session, cache: cache)
        return try Calls.call(callee, args, keywords, session: session, callSite: callSite, calleeName: name)
    }
}
