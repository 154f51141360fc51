import QuantumKit

extension Compiler {
    func compileStmt(_ stmt: Stmt) throws -> Exec {
        let span = stmt.span
        switch stmt.kind {
        case .expression(let e):
            switch e.kind {
            case .ifExpr(let cond, let thenBody, let elseBody):
                return compileIf(try compileExpr(cond), try compileBlock(thenBody), try compileOptionalBlock(elseBody),
                                 hasElse: elseBody != nil)
            case .match:
                let v = try compileExpr(e)
                return { f in _ = try v(f); return .normal }
            default:
                let v = try compileExpr(e)
                return { f in _ = try v(f); return .normal }
            }

        case .binding(let pattern, let type, let valueExpr, let mutable):
            let value = try compileExpr(valueExpr)
            let checked = try typeChecked(value, type, what: "the binding", span: valueExpr.span)
            if case .binding(let name) = pattern.kind {
                let store = declareBinding(name, mutable: mutable, span: pattern.span)
                return { f in
                    store(f, try checked(f))
                    return .normal
                }
            }
            let matcher = try compilePattern(pattern, mutable: mutable)
            return { [source] f in
                let v = try checked(f)
                guard try matcher(f, v) else {
                    var e = SynQError.value("the value \(Format.repr(v)) does not match the pattern")
                    e.span = pattern.span; e.source = source
                    throw e
                }
                return .normal
            }

        case .assign(let target, let op, let valueExpr):
            return try compileAssignment(target, op, valueExpr, span: span)

        case .function(let decl):
            return try compileFunctionDecl(decl, isKernel: false)
        case .kernel(let decl):
            return try compileFunctionDecl(decl, isKernel: true)
        case .structDecl(let decl):
            return try compileStruct(decl)
        case .enumDecl(let decl):
            return try compileEnum(decl)

        case .whileLoop(let condExpr, let body):
            let cond = try compileCondition(condExpr)
            scope.loopDepth += 1
            let b = try compileBlock(body)
            scope.loopDepth -= 1
            let flag = session.interrupt
            return { [source] f in
                while try cond(f) {
                    if flag.isCancelled { throw Compiler.interrupted(span, source) }
                    switch try b(f) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    default: continue
                    }
                }
                return .normal
            }

        case .forLoop(let pattern, let iterExpr, let body):
            return try compileFor(pattern, iterExpr, body, span: span)

        case .breakStmt, .continueStmt:
            guard scope.loopDepth > 0 else {
                throw error("R003", "'\(stmt.kind.isBreak ? "break" : "continue")' outside a loop", span)
            }
            let flow: Flow = stmt.kind.isBreak ? .breakLoop : .continueLoop
            return { _ in flow }

        case .returnStmt(let e):
            guard scope.isFunction else {
                throw error("R004", "'return' outside a function", span, help: "a cell's last expression is its result; no return is needed")
            }
            guard let e else { return { f in f.returnValue = .none; return .returned } }
            let v = try compileExpr(e)
            return { f in
                f.returnValue = try v(f)
                return .returned
            }

        case .throwStmt(let e):
            let v = try compileExpr(e)
            return { [source] f in
                let value = try v(f)
                var err: SynQError
                if case .error(let ref) = value {
                    err = SynQError(ref.code ?? "E008", ref.kind, ref.message)
                } else {
                    err = SynQError("E008", "Error", Format.str(value))
                }
                err.thrown = value
                err.span = span; err.source = source
                throw err
            }

        case .tryCatch(let body, let name, let handler):
            let b = try compileBlock(body)
            let (h, bind): (Exec, ((Frame, Value) -> Void)?) = try withBlock {
                let bind = name.map { declareLocalOrGlobal($0, span: span) }
                return (try compileBlock(handler, newScope: false), bind)
            }
            return { f in
                do {
                    return try b(f)
                } catch let e as SynQError where e.code != "E009" {
                    let value: Value
                    if let thrown = e.thrown, case .error = thrown { value = thrown } else {
                        value = .error(ErrorRef(kind: e.kind, message: e.message, code: e.code))
                    }
                    bind?(f, value)
                    return try h(f)
                }
            }

        case .assert(let condExpr, let messageExpr):
            let c = try compileCondition(condExpr)
            let m = try messageExpr.map { try compileExpr($0) }
            let text = source.slice(condExpr.span)
            return { [source] f in
                if try c(f) { return .normal }
                let message = try m.map { Format.str(try $0(f)) } ?? "assertion failed: \(text)"
                var err = SynQError("E007", "AssertionError", message)
                err.span = span; err.source = source
                throw err
            }

        case .importModule(let name, let alias):
            guard let module = session.modules[name] else {
                throw error("R005", "unknown module '\(name)'", span,
                            help: "modules: \(session.modules.keys.sorted().joined(separator: ", "))")
            }
            let store = declareBinding(alias ?? name, mutable: true, span: span)
            return { f in store(f, .module(module)); return .normal }

        case .attribute(let text):
            try checkAttribute(text, span)
            return { _ in .normal }

        case .qubitDecl, .gate, .measureInto, .reset, .barrier, .release:
            return try compileQuantumStatement(stmt)
        }
    }

    static func interrupted(_ span: Span, _ source: Source) -> SynQError {
        var e = SynQError.interrupted()
        e.span = span; e.source = source
        return e
    }

    /// Declares a name in the current block (a global at the cell's top level).
    func declareLocalOrGlobal(_ name: String, span: Span) -> (Frame, Value) -> Void {
        declareBinding(name, mutable: true, span: span)
    }

    func checkAttribute(_ text: String, _ span: Span) throws {
        let trimmed = text.trimmingCharacters(in: " ")
        if trimmed.hasPrefix("experimental") {
            guard let open = trimmed.firstIndex(of: "\""), let close = trimmed.lastIndex(of: "\""), open < close else {
                throw error("P006", "malformed experimental attribute", span, help: "#[experimental(feature = \"NAME\")]")
            }
            let feature = String(trimmed[trimmed.index(after: open)..<close])
            guard Session.experimentalFeatures.contains(feature) else {
                throw error("P006", "unknown experimental feature '\(feature)'", span,
                            help: "known features: \(Session.experimentalFeatures.sorted().joined(separator: ", "))")
            }
            return
        }
        throw error("P006", "unknown attribute #[\(trimmed)]", span, help: "SynQ knows #[experimental(feature = \"NAME\")]")
    }

    /// Wraps a value closure with an annotation check (and Int-to-Float promotion).
    func typeChecked(_ value: @escaping Eval, _ type: TypeExpr?, what: String, span: Span, generics: [String] = []) throws -> Eval {
        guard let type else { return value }
        let session = self.session
        return { [source] f in
            let v = try value(f)
            if let c = TypeCheck.coerce(v, to: type, generics: generics, known: { session.lookupType($0) }) { return c }
            var e = SynQError("T002", "TypeError", "\(what) expects \(TypeCheck.describe(type)) but got \(Format.typeName(v))")
            e.span = span; e.source = source
            throw e
        }
    }

    // MARK: - assignment

    func compileAssignment(_ target: Expr, _ op: String, _ valueExpr: Expr, span: Span) throws -> Exec {
        let rhs = try compileExpr(valueExpr)
        let plain = op == "=", adds = op == "+="
        func combine(_ old: Value, _ new: Value) throws -> Value {
            switch op {
            case "+=": return try Operators.add(old, new)
            case "-=": return try Operators.subtract(old, new)
            case "*=": return try Operators.multiply(old, new)
            case "/=": return try Operators.divide(old, new)
            default: return new
            }
        }
        switch target.kind {
        case .name(let name):
            guard let resolved = resolve(name) else { throw unknownName(name, target.span) }
            switch resolved {
            case .local(let depth, let slot, let mutable):
                guard mutable else { throw immutable(name, target.span) }
                if op == "=" {
                    if depth == 0 { return { f in f.slots[slot] = try rhs(f); return .normal } }
                    return { f in f.ancestor(depth).slots[slot] = try rhs(f); return .normal }
                }
                if op == "+=" && depth == 0 {
                    return { [self] f in
                        let new = try rhs(f)
                        if case .int(let a) = f.slots[slot], case .int(let b) = new {
                            let (r, o) = a.addingReportingOverflow(b)
                            if !o { f.slots[slot] = .int(r); return .normal }
                        }
                        if Compiler.appendInPlace(f.slots + slot, new) { return .normal }
                        do { f.slots[slot] = try Operators.add(f.slots[slot], new) } catch { throw self.locate(error, span) }
                        return .normal
                    }
                }
                return { [self] f in
                    let frame = f.ancestor(depth)
                    let new = try rhs(f)
                    do { frame.slots[slot] = try combine(frame.slots[slot], new) } catch { throw self.locate(error, span) }
                    return .normal
                }
            case .global(let slot, let mutable):
                guard mutable else { throw immutable(name, target.span) }
                let store = session.globals
                return { [self] f in
                    let new = try rhs(f)
                    if plain { store.set(slot, new); return .normal }
                    guard store.defined[slot] else { throw self.locate(SynQError("E001", "NameError", "'\(name)' is used before it has a value"), target.span) }
                    if adds {
                        if case .int(let a) = store.values[slot], case .int(let b) = new {
                            let (r, o) = a.addingReportingOverflow(b)
                            if !o { store.values[slot] = .int(r); return .normal }
                        }
                        if Compiler.appendInPlace(store.values + slot, new) { return .normal }
                    }
                    let old = store.values[slot]
                    do { store.values[slot] = try combine(old, new) } catch { throw self.locate(error, span) }
                    return .normal
                }
            case .constant:
                throw error("R002", "cannot assign to the built-in '\(name)'", target.span, help: "bind a new name with let or var")
            }
        case .index(let containerExpr, let indexExpr):
            let container = try compileExpr(containerExpr)
            let index = try compileExpr(indexExpr)
            return { [self] f in
                let c = try container(f), i = try index(f)
                let new = try rhs(f)
                do {
                    let value = plain ? new : try combine(try Indexing.get(c, i), new)
                    try Indexing.set(c, i, value)
                } catch { throw self.locate(error, span) }
                return .normal
            }
        case .member(let objectExpr, let name):
            let object = try compileExpr(objectExpr)
            return { [self] f in
                let o = try object(f)
                let new = try rhs(f)
                do {
                    guard case .record(let r) = o, r.enumCase == nil, let i = r.type.fields.firstIndex(of: name) else {
                        throw SynQError("T004", "AttributeError", "cannot set field '\(name)' on \(Format.typeName(o))")
                    }
                    r.fields[i] = plain ? new : try combine(r.fields[i], new)
                } catch { throw self.locate(error, span) }
                return .normal
            }
        default:
            throw error("P007", "cannot assign to this expression", target.span)
        }
    }

    /// `s += t` on a String, or `xs += ys` on a List, done in place: the slot's value is taken
    /// out first so the string's storage is uniquely referenced and grows without a copy.
    static func appendInPlace(_ slot: UnsafeMutablePointer<Value>, _ new: Value) -> Bool {
        if case .string(let tail) = new, slot.pointee.isString {
            var taken = slot.move()
            slot.initialize(to: .none)
            guard case .string(var text) = taken else { return false }
            taken = .none
            text += tail
            slot.pointee = .string(text)
            return true
        }
        if case .list(let other) = new, case .list(let l) = slot.pointee {
            l.items.append(contentsOf: other.items)
            return true
        }
        return false
    }

    func immutable(_ name: String, _ span: Span) -> Diagnostic {
        error("R002", "cannot assign to '\(name)': it was bound with let", span, help: "declare it with var \(name) = ... to change it")
    }

    // MARK: - loops

    func compileFor(_ pattern: Pattern, _ iterExpr: Expr, _ body: [Stmt], span: Span) throws -> Exec {
        let iterable = try compileExpr(iterExpr)
        let flag = session.interrupt
        return try withBlock {
            let bind: (Frame, Value) throws -> Void
            var simpleSlot: Int? = nil
            if case .binding(let name) = pattern.kind {
                let slot = scope.declare(name, mutable: true)
                simpleSlot = slot
                bind = { f, v in f.slots[slot] = v }
            } else if case .wildcard = pattern.kind {
                bind = { _, _ in }
            } else {
                let matcher = try compilePattern(pattern, mutable: true)
                bind = { [source] f, v in
                    guard try matcher(f, v) else {
                        var e = SynQError.value("the element \(Format.repr(v)) does not match the loop pattern")
                        e.span = pattern.span; e.source = source
                        throw e
                    }
                }
            }
            scope.loopDepth += 1
            let b = try compileBlock(body, newScope: false)
            scope.loopDepth -= 1
            return { [self, source] f in
                let seq = try iterable(f)
                if case .range(let r) = seq {
                    var i = r.start
                    let end = r.end, step = r.step
                    while step > 0 ? i < end : i > end {
                        if flag.isCancelled { throw Compiler.interrupted(span, source) }
                        if let slot = simpleSlot { f.slots[slot] = .int(i) } else { try bind(f, .int(i)) }
                        switch try b(f) {
                        case .breakLoop: return .normal
                        case .returned: return .returned
                        default: break
                        }
                        let (next, overflow) = i.addingReportingOverflow(step)
                        if overflow { return .normal }   // the next element lies past the last Int
                        i = next
                    }
                    return .normal
                }
                let items: [Value]
                do { items = try Iteration.elements(seq) } catch { throw self.locate(error, iterExpr.span) }
                var observer: ObservedIterable? = nil
                if case .object(let o as ObservedIterable) = seq { observer = o }
                var index = 0
                defer { observer?.ended(at: index, of: items.count) }
                for item in items {
                    if flag.isCancelled { throw Compiler.interrupted(span, source) }
                    observer?.reached(index, of: items.count)
                    index += 1
                    try bind(f, item)
                    switch try b(f) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    default: break
                    }
                }
                return .normal
            }
        }
    }

    // MARK: - declarations

    func compileFunctionProto(_ decl: FunctionDecl, isKernel: Bool) throws -> FunctionProto {
        var seen = Set<String>()
        for p in decl.params {
            if !seen.insert(p.name).inserted { throw error("R006", "parameter '\(p.name)' appears twice", p.span) }
        }
        let outer = scope
        scope = FunctionScope(parent: outer, isCell: false, isFunction: true, isKernel: isKernel)
        defer { scope = outer }
        for p in decl.params { _ = scope.declare(p.name, mutable: true) }
        let defaults = try decl.params.map { p in try p.defaultValue.map { try compileExpr($0) } }
        let buildsCircuit = isKernel && decl.body.contains { if case .qubitDecl = $0.kind { return true }; return false }
        let block = try compileTailBlock(decl.body)
        var body: Eval
        if let type = decl.returnType {
            let check = try typeChecked({ f in f.returnValue }, type, what: "\(decl.name)'s return value", span: decl.span, generics: decl.generics)
            body = { f in
                if try block(f) != .returned { f.returnValue = .none }
                return try check(f)
            }
        } else {
            body = { f in try block(f) == .returned ? f.returnValue : .none }
        }
        if let debugger {
            let (inner, name, path) = (body, decl.name, debugPath)
            body = { f in
                debugger.enter(name, path: path)
                defer { debugger.leave() }
                return try inner(f)
            }
        }
        return FunctionProto(decl: decl, isKernel: isKernel, buildsCircuit: buildsCircuit, source: source,
                             defaults: defaults, slotCount: scope.slotCount, body: body)
    }

    func compileFunctionDecl(_ decl: FunctionDecl, isKernel: Bool) throws -> Exec {
        let store: (Frame, Value) -> Void
        if scope.atCellTopLevel {
            declareGlobal(decl.name, mutable: true, doc: decl.doc)
            let slot = pendingGlobals[decl.name]!.slot
            let globals = session.globals
            store = { _, v in globals.set(slot, v) }
        } else {
            let slot = scope.lookup(decl.name)?.slot ?? scope.declare(decl.name, mutable: true)
            store = { f, v in f.slots[slot] = v }
        }
        let proto = try compileFunctionProto(decl, isKernel: isKernel)
        if !isKernel, !dryRun, debugger == nil { proto.intFunction = IntFunctionCompiler.compile(decl, in: self) }
        if scope.atCellTopLevel { pendingGlobals[decl.name]?.signature = proto.signature }
        return { f in
            store(f, .function(Closure(proto: proto, env: f)))
            return .normal
        }
    }

    /// Compiles a type's methods; the statement binds the type's name and attaches the methods.
    func bindType(_ type: TypeRef, methods: [FunctionDecl], span: Span) throws -> Exec {
        let compiled = try methods.map { ($0.name, try compileFunctionProto($0, isKernel: false)) }
        let store = declareBinding(type.name, mutable: true, span: span)
        return { f in
            for (name, proto) in compiled { type.methods[name] = .function(Closure(proto: proto, env: f)) }
            store(f, .type(type))
            return .normal
        }
    }

    func compileStruct(_ decl: StructDecl) throws -> Exec {
        let type = TypeRef(name: decl.name, kind: .structType)
        type.fields = decl.fields.map { $0.name }
        type.fieldTypes = decl.fields.map { $0.type }
        type.doc = decl.doc
        pendingTypes[decl.name] = type
        let outer = scope
        scope = FunctionScope(parent: outer, isCell: false, isFunction: true)
        type.compiledDefaults = try decl.fields.map { p in try p.defaultValue.map { try compileExpr($0) } }
        scope = outer
        return try bindType(type, methods: decl.methods, span: decl.span)
    }

    func compileEnum(_ decl: EnumDecl) throws -> Exec {
        let type = TypeRef(name: decl.name, kind: .enumType)
        type.doc = decl.doc
        type.cases = decl.cases.map { EnumCase(name: $0.name, fields: $0.fields.map { $0.name }, owner: type) }
        pendingTypes[decl.name] = type
        for c in type.cases {
            var existing = (pendingEnumCases[c.name] ?? session.enumCases[c.name] ?? []).filter { $0.owner.name != decl.name }
            existing.append(c)
            pendingEnumCases[c.name] = existing
        }
        return try bindType(type, methods: decl.methods, span: decl.span)
    }
}

extension StmtKind {
    var isBreak: Bool { if case .breakStmt = self { return true }; return false }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}

extension Session {
    func lookupType(_ name: String) -> TypeRef? {
        if let v = lookup(name), case .type(let t) = v { return t }
        return nil
    }
}
