/// Calling values: user functions (binding positional, keyword and default arguments and
/// checking annotations), builtins, struct constructors and enum cases.
enum Calls {

    static func call(_ callee: Value, _ args: [Value], _ keywords: [(String, Value)], session: Session,
                     callSite: CallSite? = nil, calleeName: String = "<expression>") throws -> Value {
        switch callee {
        case .function(let c):
            let frame = try bind(c, args, keywords, session: session)
            return try invoke(c, frame, session: session, callSite: callSite)
        case .builtin(let b):
            if session.interrupt.isCancelled { throw SynQError.interrupted() }
            return try b.body(Arguments(positional: args, keywords: keywords, context: session))
        case .type(let t):
            return try construct(t, args, keywords, session: session)
        case .object(let o):
            if let callable = o as? CallableObject { return try callable.call(args, keywords, session: session) }
            throw SynQError("T003", "TypeError", "\(Format.article(o.typeName)) value cannot be called")
        default:
            throw SynQError("T003", "TypeError", "'\(calleeName)' is \(Format.article(Format.typeName(callee))), not a function")
        }
    }

    /// Makes the callee's frame with every parameter bound.
    static func bind(_ c: Closure, _ args: [Value], _ keywords: [(String, Value)], session: Session) throws -> Frame {
        let proto = c.proto
        let frame = Frame.make(size: proto.slotCount, parent: c.env)
        var positional = args
        if let receiver = c.boundSelf { positional.insert(receiver, at: 0) }
        let params = proto.params
        if positional.count > params.count {
            throw SynQError("T005", "TypeError", "\(proto.name)() takes \(params.count) argument\(params.count == 1 ? "" : "s") but \(positional.count) were given",
                            help: proto.signature)
        }
        var filled = [Bool](repeating: false, count: params.count)
        for (i, v) in positional.enumerated() { frame.slots[i] = v; filled[i] = true }
        for (label, v) in keywords {
            guard let i = params.firstIndex(where: { $0.name == label }) else {
                throw SynQError("T005", "TypeError", "\(proto.name)() has no parameter named '\(label)'", help: proto.signature)
            }
            if filled[i] { throw SynQError("T005", "TypeError", "\(proto.name)() got two values for '\(label)'") }
            frame.slots[i] = v
            filled[i] = true
        }
        for i in 0..<params.count where !filled[i] {
            guard let d = proto.defaults[i] else {
                throw SynQError("T005", "TypeError", "\(proto.name)() is missing the argument '\(params[i].name)'", help: proto.signature)
            }
            frame.slots[i] = try d(frame)
        }
        return frame
    }

    /// Runs a bound frame: checks annotations, the recursion limit and the interrupt flag, and
    /// records the call site in the error's SynQ call stack.
    @inline(__always)
    static func invoke(_ c: Closure, _ frame: Frame, session: Session, callSite: CallSite?) throws -> Value {
        let proto = c.proto
        if session.interrupt.isCancelled { throw SynQError.interrupted() }
        session.depth += 1
        defer { session.depth -= 1 }
        do {
            if session.depth > session.maxRecursionDepth {
                throw SynQError("E006", "RecursionError", "maximum recursion depth of \(session.maxRecursionDepth) exceeded in \(proto.name)()",
                                help: "check the base case of the recursion")
            }
            if proto.hasAnnotations { for (i, type) in proto.paramTypes.enumerated() {
                guard let type else { continue }
                let v = frame.slots[i]
                guard let coerced = TypeCheck.coerce(v, to: type, generics: proto.generics, known: { session.lookupType($0) }) else {
                    throw SynQError("T002", "TypeError", "\(proto.name)() expects \(proto.params[i].name): \(TypeCheck.describe(type)) but got \(Format.typeName(v))")
                }
                frame.slots[i] = coerced
            } }
            if proto.isKernel { return try session.quantum.runKernel(proto, frame) }
            if let fast = proto.intFunction, fast.isEnabled, let result = try fast.run(arguments: frame, session: session) { return .int(result) }
            return try proto.body(frame)
        } catch var e as SynQError {
            if let callSite {
                if e.span == nil { e.span = callSite.span; e.source = callSite.source }
                if e.stack.count < SynQError.stackLimit {
                    e.stack.append((proto.name, callSite.source, callSite.span))
                } else {
                    e.droppedFrames += 1
                }
            }
            throw e
        } catch let signal as ControlSignal where signal.flow == .returned {
            return frame.returnValue
        }
    }

    static func construct(_ t: TypeRef, _ args: [Value], _ keywords: [(String, Value)], session: Session) throws -> Value {
        guard t.kind == .structType else {
            throw SynQError("T003", "TypeError", "enum \(t.name) cannot be called; use one of its cases: \(t.cases.map { "\(t.name).\($0.name)" }.joined(separator: ", "))")
        }
        if args.count > t.fields.count {
            throw SynQError("T005", "TypeError", "\(t.name) has \(t.fields.count) fields but \(args.count) values were given")
        }
        var fields = [Value?](repeating: nil, count: t.fields.count)
        for (i, v) in args.enumerated() { fields[i] = v }
        for (label, v) in keywords {
            guard let i = t.fields.firstIndex(of: label) else {
                throw SynQError("T004", "TypeError", "\(t.name) has no field '\(label)'", help: "fields: \(t.fields.joined(separator: ", "))")
            }
            fields[i] = v
        }
        var out: [Value] = []
        for i in 0..<fields.count {
            var v: Value
            if let given = fields[i] { v = given } else if let d = t.compiledDefaults[i] {
                v = try d(Frame.make(size: 0, parent: nil))
            } else {
                throw SynQError("T005", "TypeError", "\(t.name) is missing the field '\(t.fields[i])'")
            }
            if let type = t.fieldTypes[i] {
                guard let c = TypeCheck.coerce(v, to: type, generics: [], known: { session.lookupType($0) }) else {
                    throw SynQError("T002", "TypeError", "\(t.name).\(t.fields[i]) expects \(TypeCheck.describe(type)) but got \(Format.typeName(v))")
                }
                v = c
            }
            out.append(v)
        }
        return .record(RecordRef(type: t, enumCase: nil, fields: out))
    }

    static func constructCase(_ c: EnumCase, _ args: Arguments) throws -> Value {
        var fields = [Value?](repeating: nil, count: c.fields.count)
        if args.count > c.fields.count {
            throw SynQError("T005", "TypeError", "\(c.owner.name).\(c.name) takes \(c.fields.count) values but \(args.count) were given")
        }
        for i in 0..<args.count { fields[i] = args[i] }
        for (label, v) in args.keywords {
            guard let i = c.fields.firstIndex(of: label) else {
                throw SynQError("T004", "TypeError", "\(c.owner.name).\(c.name) has no field '\(label)'")
            }
            fields[i] = v
        }
        guard fields.allSatisfy({ $0 != nil }) else {
            throw SynQError("T005", "TypeError", "\(c.owner.name).\(c.name) needs \(c.fields.count) values")
        }
        return .record(RecordRef(type: c.owner, enumCase: c, fields: fields.map { $0! }))
    }
}

/// Where a call is written, for the SynQ call stack of an error (made once, at compile time).
final class CallSite {
    let source: Source
    let span: Span
    init(_ source: Source, _ span: Span) { self.source = source; self.span = span }
}

/// Native objects that can be called like functions.
protocol CallableObject { func call(_ args: [Value], _ keywords: [(String, Value)], session: Session) throws -> Value }
