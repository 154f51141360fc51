import QuantumKit

extension Compiler {
    func compileExpr(_ e: Expr) throws -> Eval {
        let span = e.span
        switch e.kind {
        case .int(let v): let c = Value.int(v); return { _ in c }
        case .float(let v): let c = Value.float(v); return { _ in c }
        case .imaginary(let v): let c = Value.complex(Complex(0, v)); return { _ in c }
        case .bool(let b): let c = Value.bool(b); return { _ in c }
        case .nilLiteral: return { _ in .none }
        case .string(let parts): return try compileString(parts)
        case .name(let name): return try compileName(name, span)

        case .list(let items):
            let evals = try items.map(compileExpr)
            return { f in .list(ListRef(try evals.map { try $0(f) })) }
        case .tuple(let items):
            let evals = try items.map(compileExpr)
            return { f in .tuple(try evals.map { try $0(f) }) }
        case .map(let entries):
            let pairs = try entries.map { (try compileExpr($0.0), try compileExpr($0.1), $0.0.span) }
            return { [self] f in
                let m = MapRef()
                for (k, v, kspan) in pairs {
                    let key = try k(f)
                    guard let mk = MapKey(key) else {
                        throw self.locate(SynQError.type("a Map key must be a String, Int, Bool, Float or a tuple of those, not \(Format.typeName(key))"), kspan)
                    }
                    m[mk] = try v(f)
                }
                return .map(m)
            }

        case .unary(let op, let operandExpr):
            let operand = try compileExpr(operandExpr)
            switch op {
            case "not": return { f in .bool(!Operators.isTruthy(try operand(f))) }
            case "+": return operand
            default:
                return { [self] f in
                    let v = try operand(f)
                    if case .float(let x) = v { return .float(-x) }
                    do { return try Operators.negate(v) } catch { throw self.locate(error, span) }
                }
            }

        case .logical(let op, let lhsExpr, let rhsExpr):
            let l = try compileCondition(lhsExpr), r = try compileCondition(rhsExpr)
            if op == "and" { return { f in .bool(try l(f) && r(f)) } }
            return { f in .bool(try l(f) || r(f)) }

        case .binary(let op, let lhsExpr, let rhsExpr):
            if case .int(let k) = rhsExpr.kind, let fast = try compileBinaryWithConstant(op, try compileOperand(lhsExpr), k, span) {
                return fast
            }
            return try compileBinary(op, try compileOperand(lhsExpr), try compileOperand(rhsExpr), span)

        case .range(let loExpr, let hiExpr, let inclusive, let stepExpr):
            let lo = try compileExpr(loExpr), hi = try compileExpr(hiExpr)
            let step = try stepExpr.map(compileExpr)
            return { [self] f in
                let a = try lo(f), b = try hi(f)
                let s = try step?(f) ?? .int(1)
                guard case .int(let x) = a, case .int(let y) = b, case .int(let st) = s else {
                    throw self.locate(SynQError.type("range bounds and step must be Ints, not \(Format.typeName(a)) and \(Format.typeName(b))"), span)
                }
                guard st != 0 else { throw self.locate(SynQError.value("a range step cannot be 0"), span) }
                if inclusive, y == (st > 0 ? Int.max : Int.min) {
                    throw self.locate(SynQError.value("an inclusive range cannot end at the \(st > 0 ? "largest" : "smallest") Int",
                                                      help: "use an exclusive range (..) or a smaller bound"), span)
                }
                return .range(RangeRef(start: x, end: y, step: st, inclusive: inclusive))
            }

        case .call(let calleeExpr, let args):
            return try compileCall(calleeExpr, args, span)

        case .member(let objectExpr, let name):
            if case .name(let typeName) = objectExpr.kind, resolve(typeName) == nil,
               let type = pendingTypes[typeName], let c = type.cases.first(where: { $0.name == name }) {
                let v = Compiler.caseConstructor(c)
                return { _ in v }
            }
            let object = try compileExpr(objectExpr)
            let cache = MemberCache()
            return { [self] f in
                let o = try object(f)
                do { return try Members.get(o, name, session: self.session, cache: cache) } catch { throw self.locate(error, span) }
            }

        case .index(let containerExpr, let indexExpr):
            let container = try compileExpr(containerExpr), index = try compileExpr(indexExpr)
            return { [self] f in
                let c = try container(f), i = try index(f)
                if case .list(let l) = c, case .int(var k) = i {
                    if k < 0 { k += l.items.count }
                    if k >= 0 && k < l.items.count { return l.items[k] }
                }
                do { return try Indexing.get(c, i) } catch { throw self.locate(error, span) }
            }

        case .lambda(let params, let body, let isExpressionBody):
            let decl = FunctionDecl(name: "<lambda>", generics: [], params: params, returnType: nil, body: body,
                                    isExpressionBody: isExpressionBody, doc: nil, span: span)
            let proto = try compileFunctionProto(decl, isKernel: false)
            return { f in .function(Closure(proto: proto, env: f)) }

        case .ifExpr(let condExpr, let thenBody, let elseBody):
            let cond = try compileCondition(condExpr)
            let t = try compileValueBlock(thenBody, span: span)
            let el = try elseBody.map { try compileValueBlock($0, span: span) }
            return { f in try cond(f) ? try t(f) : try el?(f) ?? .none }

        case .block(let stmts):
            return try compileValueBlock(stmts, span: span)

        case .match(let subjectExpr, let arms):
            return try compileMatch(subjectExpr, arms, span)

        case .comprehension(let elementExpr, let pattern, let iterExpr, let condExpr):
            let iterable = try compileExpr(iterExpr)
            return try withBlock {
                let bind = try compilePattern(pattern, mutable: true)
                let element = try compileExpr(elementExpr)
                let cond = try condExpr.map(compileCondition)
                let flag = session.interrupt
                return { [self, source] f in
                    let seq = try iterable(f)
                    var out: [Value] = []
                    let items: [Value]
                    do { items = try Iteration.elements(seq) } catch { throw self.locate(error, iterExpr.span) }
                    out.reserveCapacity(items.count)
                    for item in items {
                        if flag.isCancelled { throw Compiler.interrupted(span, source) }
                        guard try bind(f, item) else { continue }
                        if let cond, !(try cond(f)) { continue }
                        out.append(try element(f))
                    }
                    return .list(ListRef(out))
                }
            }

        case .pipe(let lhsExpr, let rhsExpr):
            if case .call(let calleeExpr, let args) = rhsExpr.kind {
                let piped = [Argument(label: nil, value: lhsExpr)] + args
                return try compileCall(calleeExpr, piped, span)
            }
            return try compileCall(rhsExpr, [Argument(label: nil, value: lhsExpr)], span)

        case .measure(let targetExpr):
            return try compileMeasure(targetExpr, span)

        case .async(let inner):
            return try compileAsync(inner, span)
        case .await(let inner):
            let v = try compileExpr(inner)
            return { [self] f in
                let value = try v(f)
                guard case .object(let job as JobValue) = value else { return value }
                do { return try job.await(session: self.session) } catch { throw self.locate(error, span) }
            }
        }
    }

    /// `async run(...)` and `async expect(...)`: the call's arguments are read exactly as the
    /// synchronous call reads them, and the task joins the statement's batch (see JobBook).
    func compileAsync(_ inner: Expr, _ span: Span) throws -> Eval {
        guard case .call(let calleeExpr, let args) = inner.kind else {
            throw error("T006", "async goes before a call of run(...) or expect(...)", inner.span)
        }
        let callee = try compileExpr(calleeExpr)
        let (positional, keywords) = try compileArguments(args)
        let session = self.session
        return { [self] f in
            let fv = try callee(f)
            let arguments = Arguments(positional: try positional.map { try $0(f) }, keywords: try keywords.map { ($0.0, try $0.1(f)) },
                                      context: session)
            do {
                guard case .builtin(let b) = fv, let task = try QuantumLibrary.asyncTask(b.name, arguments) else {
                    throw SynQError.type("async works with run(...) and expect(...) of a circuit, not \(Format.typeName(fv))")
                }
                return .object(session.jobs.add(task))
            } catch { throw self.locate(error, span) }
        }
    }

    func compileString(_ parts: [InterpolationPart]) throws -> Eval {
        if parts.count == 1, case .text(let t) = parts[0] { let c = Value.string(t); return { _ in c } }
        let pieces: [Either] = try parts.map {
            switch $0 {
            case .text(let t): return .text(t)
            case .expr(let e): return .eval(try compileExpr(e))
            }
        }
        return { f in
            var s = ""
            for p in pieces {
                switch p {
                case .text(let t): s += t
                case .eval(let e): s += Format.str(try e(f))
                }
            }
            return .string(s)
        }
    }

    enum Either { case text(String), eval(Eval) }

    func compileName(_ name: String, _ span: Span) throws -> Eval {
        guard let resolved = resolve(name) else { throw unknownName(name, span) }
        switch resolved {
        case .local(0, let slot, _): return { f in f.slots[slot] }
        case .local(1, let slot, _): return { f in f.parent!.slots[slot] }
        case .local(let depth, let slot, _): return { f in f.ancestor(depth).slots[slot] }
        case .global(let slot, _):
            let store = session.globals
            return { [source] _ in
                guard store.defined[slot] else {
                    var e = SynQError("E001", "NameError", "'\(name)' is used before it has a value",
                                      help: "run the cell that defines '\(name)' first")
                    e.span = span; e.source = source
                    throw e
                }
                return store.values[slot]
            }
        case .constant(let v): return { _ in v }
        }
    }

    /// An operator's operand: a local of the running function is read in place, anything else
    /// through its compiled closure (one closure call fewer per operand in `n - 1`, `a < b`).
    func compileOperand(_ e: Expr) throws -> Operand {
        let slot: Int = { if case .name(let name) = e.kind, case .local(0, let slot, _)? = resolve(name) { return slot }; return -1 }()
        return Operand(slot: slot, eval: try compileExpr(e))
    }

    /// `x + 1`, `n < 2` and the like: an Int literal on the right needs no closure of its own.
    /// A left operand that is not an Int goes through the general operator, evaluated once.
    func compileBinaryWithConstant(_ op: String, _ l: Operand, _ k: Int, _ span: Span) throws -> Eval? {
        let constant = Value.int(k)
        let slow: (Value) throws -> Value = { [self] a in
            do { return try Compiler.applyBinary(op, a, constant) } catch { throw self.locate(error, span) }
        }
        switch op {
        case "+":
            return { f in
                let a = try l(f)
                if case .int(let x) = a { let (r, o) = x.addingReportingOverflow(k); if !o { return .int(r) } }
                return try slow(a)
            }
        case "-":
            return { f in
                let a = try l(f)
                if case .int(let x) = a { let (r, o) = x.subtractingReportingOverflow(k); if !o { return .int(r) } }
                return try slow(a)
            }
        case "*":
            return { f in
                let a = try l(f)
                if case .int(let x) = a { let (r, o) = x.multipliedReportingOverflow(by: k); if !o { return .int(r) } }
                return try slow(a)
            }
        case "%" where k > 0:
            return { f in
                let a = try l(f)
                if case .int(let x) = a { let m = x % k; return .int(m < 0 ? m + k : m) }
                return try slow(a)
            }
        case "<": return { f in let a = try l(f); if case .int(let x) = a { return .bool(x < k) }; return try slow(a) }
        case "<=": return { f in let a = try l(f); if case .int(let x) = a { return .bool(x <= k) }; return try slow(a) }
        case ">": return { f in let a = try l(f); if case .int(let x) = a { return .bool(x > k) }; return try slow(a) }
        case ">=": return { f in let a = try l(f); if case .int(let x) = a { return .bool(x >= k) }; return try slow(a) }
        case "==": return { f in let a = try l(f); if case .int(let x) = a { return .bool(x == k) }; return try slow(a) }
        case "!=": return { f in let a = try l(f); if case .int(let x) = a { return .bool(x != k) }; return try slow(a) }
        default: return nil
        }
    }

    /// A binary operator on two values (the general path of the specialised closures).
    static func applyBinary(_ op: String, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case "+": return try Operators.add(a, b)
        case "-": return try Operators.subtract(a, b)
        case "*": return try Operators.multiply(a, b)
        case "/": return try Operators.divide(a, b)
        case "%": return try Operators.remainder(a, b)
        case "**": return try Operators.power(a, b)
        case "==": return .bool(Operators.equal(a, b))
        case "!=": return .bool(!Operators.equal(a, b))
        case "<": return .bool(try Operators.compare(a, b) < 0)
        case "<=": return .bool(try Operators.compare(a, b) <= 0)
        case ">": return .bool(try Operators.compare(a, b) > 0)
        case ">=": return .bool(try Operators.compare(a, b) >= 0)
        default: return try Operators.bitwise(op, a, b)
        }
    }

    func compileBinary(_ op: String, _ l: Operand, _ r: Operand, _ span: Span) throws -> Eval {
        func wrap(_ body: @escaping (Value, Value) throws -> Value) -> Eval {
            return { [self] f in
                let a = try l(f), b = try r(f)
                do { return try body(a, b) } catch { throw self.locate(error, span) }
            }
        }
        switch op {
        case "+":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b {
                    let (s, o) = x.addingReportingOverflow(y)
                    if !o { return .int(s) }
                }
                if case .float(let x) = a, case .float(let y) = b { return .float(x + y) }
                do { return try Operators.add(a, b) } catch { throw self.locate(error, span) }
            }
        case "-":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b {
                    let (s, o) = x.subtractingReportingOverflow(y)
                    if !o { return .int(s) }
                }
                if case .float(let x) = a, case .float(let y) = b { return .float(x - y) }
                do { return try Operators.subtract(a, b) } catch { throw self.locate(error, span) }
            }
        case "*":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b {
                    let (p, o) = x.multipliedReportingOverflow(by: y)
                    if !o { return .int(p) }
                }
                if case .float(let x) = a, case .float(let y) = b { return .float(x * y) }
                do { return try Operators.multiply(a, b) } catch { throw self.locate(error, span) }
            }
        case "/": return wrap(Operators.divide)
        case "%":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b, y > 0 {
                    let m = x % y
                    return .int(m < 0 ? m + y : m)
                }
                do { return try Operators.remainder(a, b) } catch { throw self.locate(error, span) }
            }
        case "**": return wrap(Operators.power)
        case "&", "|", "^", "<<", ">>": return wrap { try Operators.bitwise(op, $0, $1) }
        case "==": return { f in .bool(Operators.equal(try l(f), try r(f))) }
        case "!=": return { f in .bool(!Operators.equal(try l(f), try r(f))) }
        case "<":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b { return .bool(x < y) }
                if case .float(let x) = a, case .float(let y) = b { return .bool(x < y) }
                do { return .bool(try Operators.compare(a, b) < 0) } catch { throw self.locate(error, span) }
            }
        case "<=":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b { return .bool(x <= y) }
                if case .float(let x) = a, case .float(let y) = b { return .bool(x <= y) }
                do { return .bool(try Operators.compare(a, b) <= 0) } catch { throw self.locate(error, span) }
            }
        case ">":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b { return .bool(x > y) }
                if case .float(let x) = a, case .float(let y) = b { return .bool(x > y) }
                do { return .bool(try Operators.compare(a, b) > 0) } catch { throw self.locate(error, span) }
            }
        case ">=":
            return { [self] f in
                let a = try l(f), b = try r(f)
                if case .int(let x) = a, case .int(let y) = b { return .bool(x >= y) }
                if case .float(let x) = a, case .float(let y) = b { return .bool(x >= y) }
                do { return .bool(try Operators.compare(a, b) >= 0) } catch { throw self.locate(error, span) }
            }
        case "in": return wrap { .bool(try Operators.contains($1, $0)) }
        default: throw error("P001", "unknown operator \(op)", span)
        }
    }

    // MARK: - calls

    func compileArguments(_ args: [Argument]) throws -> (positional: [Eval], keywords: [(String, Eval)]) {
        (try args.filter { $0.label == nil }.map { try compileExpr($0.value) },
         try args.compactMap { a in try a.label.map { ($0, try compileExpr(a.value)) } })
    }

    /// Evaluates arguments onto an array; one and two without a loop over an array of closures
    /// (loading a closure from an array retains it).
    static func argumentAppender(_ arguments: [Eval]) -> (Frame, inout [Value]) throws -> Void {
        switch arguments.count {
        case 0: return { _, _ in }
        case 1:
            let a = Step(eval: arguments[0])
            return { f, values in values.append(try a.eval(f)) }
        case 2:
            let (a, b) = (Step(eval: arguments[0]), Step(eval: arguments[1]))
            return { f, values in values.append(try a.eval(f)); values.append(try b.eval(f)) }
        default:
            let steps = arguments.map { Step(eval: $0) }
            return { f, values in for a in steps { values.append(try a.eval(f)) } }
        }
    }

    func compileCall(_ calleeExpr: Expr, _ args: [Argument], _ span: Span) throws -> Eval {
        let (positional, keywords) = try compileArguments(args)
        let session = self.session
        let site = CallSite(source, span)
        if case .member(let objectExpr, let name) = calleeExpr.kind {
            let isTypeCase: Bool = {
                if case .name(let t) = objectExpr.kind, resolve(t) == nil, pendingTypes[t] != nil { return true }
                return false
            }()
            if !isTypeCase {
                let object = try compileExpr(objectExpr)
                let cache = MemberCache()
                if keywords.isEmpty, let direct = CollectionMethods.direct(name, arity: positional.count) {
                    let first = Step(eval: positional[0]), second = positional.count > 1 ? Step(eval: positional[1]) : nil
                    return { [self] f in
                        let receiver = try object(f)
                        let x = try first.eval(f), y = try second?.eval(f)
                        if let result = direct(receiver, x, y) { return result }
                        do {
                            return try Members.callMethod(receiver, name, y.map { [x, $0] } ?? [x], [], session: session, cache: cache, callSite: site)
                        } catch { throw self.locate(error, span) }
                    }
                }
                let appendArguments = Compiler.argumentAppender(positional)
                return { [self] f in
                    let receiver = try object(f)
                    var values = cache.takeArgumentBuffer()
                    try appendArguments(f, &values)
                    let kw = keywords.isEmpty ? [] : try keywords.map { ($0.0, try $0.1(f)) }
                    do {
                        let result = try Members.callMethod(receiver, name, values, kw, session: session, cache: cache, callSite: site)
                        cache.giveBack(&values)
                        return result
                    } catch { throw self.locate(error, span) }
                }
            }
        }
        let callee = try compileExpr(calleeExpr)
        let calleeName: String = { if case .name(let n) = calleeExpr.kind { return n }; return "<expression>" }()
        if keywords.isEmpty {
            let n = positional.count
            let args = positional.map { Step(eval: $0) }
            // A global callee (a top-level function) is read in place once it has a value.
            let globalSlot: Int = { if case .name(let n) = calleeExpr.kind, case .global(let slot, _)? = resolve(n) { return slot }; return -1 }()
            let globals = session.globals
            return { [self] f in
                let fv = globalSlot >= 0 && globals.defined[globalSlot] ? globals.values[globalSlot] : try callee(f)
                if case .function(let c) = fv, c.boundSelf == nil, c.proto.arity == n, !c.proto.isKernel {
                    let proto = c.proto
                    var frame = proto.frame(parent: c.env)
                    let slots = frame.slots
                    for i in 0..<n { slots[i] = try args[i].eval(f) }
                    let result = try Calls.invoke(c, frame, session: session, callSite: site)
                    proto.recycle(&frame)
                    return result
                }
                var values: [Value] = []
                values.reserveCapacity(n)
                for a in args { values.append(try a.eval(f)) }
                do {
                    return try Calls.call(fv, values, [], session: session, callSite: site, calleeName: calleeName)
                } catch { throw self.locate(error, span) }
            }
        }
        return { [self] f in
            let fv = try callee(f)
            let values = try positional.map { try $0(f) }
            let kw = try keywords.map { ($0.0, try $0.1(f)) }
            do {
                return try Calls.call(fv, values, kw, session: session, callSite: site, calleeName: calleeName)
            } catch { throw self.locate(error, span) }
        }
    }

    // MARK: - match

    func compileMatch(_ subjectExpr: Expr, _ arms: [MatchArm], _ span: Span) throws -> Eval {
        let subject = try compileExpr(subjectExpr)
        let compiled: [((Frame, Value) throws -> Bool, ((Frame) throws -> Bool)?, Eval)] = try arms.map { arm in
            try withBlock {
                let matcher = try compilePattern(arm.pattern, mutable: false)
                let guardEval = try arm.guardExpr.map(compileCondition)
                let body = try compileExpr(arm.body)
                return (matcher, guardEval, body)
            }
        }
        return { [source] f in
            let v = try subject(f)
            for (matcher, guardEval, body) in compiled {
                guard try matcher(f, v) else { continue }
                if let guardEval, !(try guardEval(f)) { continue }
                return try body(f)
            }
            var e = SynQError("E012", "MatchError", "no arm of the match accepts \(Format.repr(v))", help: "add a final arm `_ => ...`")
            e.span = span; e.source = source
            throw e
        }
    }
}

/// See `Compiler.compileOperand`: `slot` (-1 when the operand is not a local of the frame)
/// is the fast path of `eval`.
struct Operand {
    let slot: Int
    let eval: Eval

    @inline(__always) func callAsFunction(_ f: Frame) throws -> Value {
        slot >= 0 ? f.slots[slot] : try eval(f)
    }
}

/// A closure held in an array: wrapping it in a struct keeps calls free of reabstraction thunks.
struct Step {
    let eval: Eval
}

/// Per-site cache of a member's position, so field reads skip the name search after the first.
final class MemberCache {
    var type: TypeRef?
    var index = -1
    /// The built-in method found for receivers of kind `methodKind`.
    var methodKind = -1
    var method: Library.Method?
    /// The argument array of the site's previous call, emptied, so a method call allocates none.
    /// A call made while another from the same site is running (recursion) gets a fresh one.
    private var argumentBuffer: [Value] = []

    @inline(__always) func takeArgumentBuffer() -> [Value] {
        var buffer: [Value] = []
        swap(&buffer, &argumentBuffer)
        return buffer
    }

    /// Keeps the storage when nothing else holds it (a method that kept its arguments keeps them).
    @inline(__always) func giveBack(_ buffer: inout [Value]) {
        while !buffer.isEmpty { buffer.removeLast() }
        swap(&buffer, &argumentBuffer)
    }
}
