/// Functions that compute with Ints alone, compiled a second time over unboxed Int slots.
///
/// A function qualifies when its parameters are unannotated or `Int`, every local it declares
/// holds an Int, and its body uses only Int arithmetic (`+ - * %`, unary minus), comparisons,
/// `and` / `or` / `not`, `if`, `while`, `for` over a range, `break`, `continue`, `return`, Int
/// globals, and calls of top-level functions with positional arguments. A call whose arguments are all Ints then runs
/// on this form: no `Value` boxes, no frames, no reference counting.
///
/// Such a body cannot change anything outside itself, so whenever it meets what it does not
/// handle (an overflow, a remainder by zero, the recursion limit, a callee that is not such a
/// function, a global that is not an Int, falling off the end) it abandons the call and the
/// general path runs it again from the start: errors, their locations and their stacks read
/// exactly as they would without this form. After one abandoned call the function keeps to the
/// general path.
final class IntFunction {
    let arity: Int
    /// Slot 0 holds the return value; the parameters follow.
    let slotCount: Int
    let body: IntExec
    let stack: IntSlotStack
    private(set) var isEnabled = true

    init(arity: Int, slotCount: Int, body: IntExec, stack: IntSlotStack) {
        self.arity = arity
        self.slotCount = slotCount
        self.body = body
        self.stack = stack
    }

    /// The call's result, or nil when an argument is not an Int or the call was abandoned (the
    /// caller then runs the general body). The caller has counted this call in `session.depth`.
    func run(arguments frame: Frame, session: Session) throws -> Int? {
        let stack = self.stack
        guard stack.top == 0 else { return nil }
        for i in 0..<arity {
            guard case .int(let v) = frame.slots[i] else { return nil }
            stack.base[i + 1] = v
        }
        stack.top = slotCount
        stack.depth = 0
        stack.depthLimit = session.maxRecursionDepth - session.depth
        defer { stack.top = 0 }
        do {
            return try body.result(stack.base)
        } catch is AbandonIntCall {
            isEnabled = false
            return nil
        }
    }
}

/// The slots of the running Int calls, one region per call on a stack, and their depth. A
/// session has one; the calls on it never call anything else, so it is only ever entered from
/// the bottom (`top == 0`).
final class IntSlotStack {
    static let capacity = 1 << 20
    let base = UnsafeMutablePointer<Int>.allocate(capacity: IntSlotStack.capacity)
    var top = 0
    var depth = 0
    /// Calls allowed above the entry before the session's recursion limit.
    var depthLimit = 0

    deinit { base.deallocate() }
}

/// Thrown inside an Int body to hand the whole call back to the general path.
struct AbandonIntCall: Error {}

struct IntEval { let run: (UnsafeMutablePointer<Int>) throws -> Int }
struct BoolEval { let run: (UnsafeMutablePointer<Int>) throws -> Bool }
struct IntExec {
    let run: (UnsafeMutablePointer<Int>) throws -> Flow

    /// The function's result: a `return` leaves it in slot 0; falling off the end gives `none`,
    /// which only the general path can return.
    @inline(__always) func result(_ slots: UnsafeMutablePointer<Int>) throws -> Int {
        guard try run(slots) == .returned else { throw AbandonIntCall() }
        return slots[0]
    }
}

/// Builds an `IntFunction` for a function declaration, or nil at the first construct outside
/// the Int subset. Free names resolve as the general compiler resolves them.
struct IntFunctionCompiler {
    /// A construct outside the subset.
    private struct Outside: Error {}

    private let compiler: Compiler
    private var scopes: [[String: Int]] = [[:]]
    private var slotCount = 1

    static func compile(_ decl: FunctionDecl, in compiler: Compiler) -> IntFunction? {
        guard decl.generics.isEmpty, isIntOrNone(decl.returnType),
              decl.params.allSatisfy({ $0.defaultValue == nil && isIntOrNone($0.type) }) else { return nil }
        var c = IntFunctionCompiler(compiler: compiler)
        for p in decl.params { c.declare(p.name) }
        guard let body = try? c.tailBlock(decl.body) else { return nil }
        return IntFunction(arity: decl.params.count, slotCount: c.slotCount, body: body, stack: compiler.session.intSlots)
    }

    private init(compiler: Compiler) { self.compiler = compiler }

    private static func isIntOrNone(_ type: TypeExpr?) -> Bool {
        guard let type else { return true }
        if case .named("Int", let arguments) = type, arguments.isEmpty { return true }
        return false
    }

    @discardableResult
    private mutating func declare(_ name: String) -> Int {
        scopes[scopes.count - 1][name] = slotCount
        slotCount += 1
        return slotCount - 1
    }

    private func local(_ name: String) -> Int? {
        for scope in scopes.reversed() { if let slot = scope[name] { return slot } }
        return nil
    }

    /// A top-level name's global slot (locals of enclosing functions and builtins are outside).
    private func globalSlot(_ name: String) throws -> Int {
        guard case .global(let slot, _)? = compiler.resolve(name) else { throw Outside() }
        return slot
    }

    // MARK: statements

    private mutating func block(_ stmts: [Stmt], tail: Bool = false) throws -> IntExec {
        scopes.append([:])
        defer { scopes.removeLast() }
        let steps = try stmts.enumerated().map { i, s in try statement(s, tail: tail && i == stmts.count - 1) }
        // chained pairwise: a closure calls the closures it captured without retaining them,
        // where a loop over an array would retain each element
        guard var chain = steps.last else { return IntExec { _ in .normal } }
        for step in steps.dropLast().reversed() {
            let rest = chain
            chain = IntExec { slots in
                let flow = try step.run(slots)
                return flow == .normal ? try rest.run(slots) : flow
            }
        }
        return chain
    }

    mutating func tailBlock(_ stmts: [Stmt]) throws -> IntExec { try block(stmts, tail: true) }

    private mutating func statement(_ stmt: Stmt, tail: Bool) throws -> IntExec {
        switch stmt.kind {
        case .expression(let e):
            if case .ifExpr(let condition, let thenBody, let elseBody) = e.kind {
                return try ifStatement(condition, thenBody, elseBody, tail: tail)
            }
            if case .block(let stmts) = e.kind { return try block(stmts, tail: tail) }
            let value = try int(e)
            if tail {
                return IntExec { slots in
                    slots[0] = try value.run(slots)
                    return .returned
                }
            }
            return IntExec { slots in
                _ = try value.run(slots)
                return .normal
            }
        case .binding(let pattern, let type, let initial, _):
            guard case .binding(let name) = pattern.kind, IntFunctionCompiler.isIntOrNone(type) else { throw Outside() }
            let value = try int(initial)
            let slot = declare(name)
            return IntExec { slots in
                slots[slot] = try value.run(slots)
                return .normal
            }
        case .assign(let target, let op, let valueExpr):
            guard case .name(let name) = target.kind, let slot = local(name) else { throw Outside() }
            let value = try int(valueExpr)
            if op == "=" {
                return IntExec { slots in
                    slots[slot] = try value.run(slots)
                    return .normal
                }
            }
            guard op.hasSuffix("="), let combine = Arithmetic(String(op.dropLast())) else { throw Outside() }
            if case .constant(let k) = try operand(valueExpr) {
                return IntExec { slots in
                    slots[slot] = try combine.apply(slots[slot], k)
                    return .normal
                }
            }
            return IntExec { slots in
                slots[slot] = try combine.apply(slots[slot], try value.run(slots))
                return .normal
            }
        case .whileLoop(let conditionExpr, let body):
            let condition = try bool(conditionExpr)
            let steps = try block(body)
            let flag = compiler.session.interrupt
            let (span, source) = (stmt.span, compiler.source)
            return IntExec { slots in
                while try condition.run(slots) {
                    if flag.isCancelled { throw Compiler.interrupted(span, source) }
                    switch try steps.run(slots) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    default: continue
                    }
                }
                return .normal
            }
        case .forLoop(let pattern, let rangeExpr, let body):
            guard case .binding(let name) = pattern.kind,
                  case .range(let lowExpr, let highExpr, let inclusive, let stepExpr) = rangeExpr.kind else { throw Outside() }
            let low = try int(lowExpr), high = try int(highExpr)
            let step = try stepExpr.map { try int($0) } ?? IntEval { _ in 1 }
            scopes.append([:])
            defer { scopes.removeLast() }
            let slot = declare(name)
            let steps = try block(body)
            let flag = compiler.session.interrupt
            let (span, source) = (stmt.span, compiler.source)
            return IntExec { slots in
                var i = try low.run(slots)
                var end = try high.run(slots)
                let by = try step.run(slots)
                // what the general path reports as an error (a zero step, an inclusive end at
                // the last Int) abandons the call
                if by == 0 { throw AbandonIntCall() }
                if inclusive {
                    let (past, overflow) = end.addingReportingOverflow(by > 0 ? 1 : -1)
                    if overflow { throw AbandonIntCall() }
                    end = past
                }
                while by > 0 ? i < end : i > end {
                    if flag.isCancelled { throw Compiler.interrupted(span, source) }
                    slots[slot] = i
                    switch try steps.run(slots) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    default: break
                    }
                    let (next, overflow) = i.addingReportingOverflow(by)
                    if overflow { return .normal }
                    i = next
                }
                return .normal
            }
        case .returnStmt(let valueExpr?):
            let value = try int(valueExpr)
            return IntExec { slots in
                slots[0] = try value.run(slots)
                return .returned
            }
        case .breakStmt:
            return IntExec { _ in .breakLoop }
        case .continueStmt:
            return IntExec { _ in .continueLoop }
        default:
            throw Outside()
        }
    }

    private mutating func ifStatement(_ conditionExpr: Expr, _ thenBody: [Stmt], _ elseBody: [Stmt]?, tail: Bool) throws -> IntExec {
        let condition = try bool(conditionExpr)
        let then = try block(thenBody, tail: tail)
        guard let elseBody else {
            return IntExec { slots in try condition.run(slots) ? try then.run(slots) : .normal }
        }
        let otherwise = try block(elseBody, tail: tail)
        return IntExec { slots in try condition.run(slots) ? try then.run(slots) : try otherwise.run(slots) }
    }

    // MARK: expressions

    /// Int arithmetic as the general path computes it (`Operators`), abandoning the call where
    /// the general path would raise an error.
    enum Arithmetic {
        case add, subtract, multiply, remainder

        init?(_ op: String) {
            switch op {
            case "+": self = .add
            case "-": self = .subtract
            case "*": self = .multiply
            case "%": self = .remainder
            default: return nil
            }
        }

        @inline(__always) func apply(_ a: Int, _ b: Int) throws -> Int {
            let (r, o): (Int, Bool)
            switch self {
            case .add: (r, o) = a.addingReportingOverflow(b)
            case .subtract: (r, o) = a.subtractingReportingOverflow(b)
            case .multiply: (r, o) = a.multipliedReportingOverflow(by: b)
            case .remainder:
                if b == 0 { throw AbandonIntCall() }
                if b == -1 { return 0 }
                let m = a % b
                return m != 0 && (m < 0) != (b < 0) ? m + b : m
            }
            if o { throw AbandonIntCall() }
            return r
        }
    }

    enum Comparison {
        case less, lessOrEqual, greater, greaterOrEqual, equal, notEqual

        init?(_ op: String) {
            switch op {
            case "<": self = .less
            case "<=": self = .lessOrEqual
            case ">": self = .greater
            case ">=": self = .greaterOrEqual
            case "==": self = .equal
            case "!=": self = .notEqual
            default: return nil
            }
        }

        @inline(__always) func apply(_ a: Int, _ b: Int) -> Bool {
            switch self {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            case .equal: return a == b
            case .notEqual: return a != b
            }
        }
    }

    /// An operand read without a closure call when it is a local or a literal.
    private enum IntOperand {
        case slot(Int), constant(Int), computed(IntEval)
    }

    private func operand(_ e: Expr) throws -> IntOperand {
        if case .int(let k) = e.kind { return .constant(k) }
        if case .name(let name) = e.kind, let slot = local(name) { return .slot(slot) }
        return .computed(try int(e))
    }

    private func int(_ e: Expr) throws -> IntEval {
        switch e.kind {
        case .int(let k):
            return IntEval { _ in k }
        case .name(let name):
            if let slot = local(name) { return IntEval { slots in slots[slot] } }
            let slot = try globalSlot(name)
            let globals = compiler.session.globals
            return IntEval { _ in
                guard globals.defined[slot], case .int(let v) = globals.values[slot] else { throw AbandonIntCall() }
                return v
            }
        case .unary("-", let operandExpr):
            let operand = try int(operandExpr)
            return IntEval { slots in
                let (r, o) = 0.subtractingReportingOverflow(try operand.run(slots))
                if o { throw AbandonIntCall() }
                return r
            }
        case .unary("+", let operandExpr):
            return try int(operandExpr)
        case .binary(let op, let lhsExpr, let rhsExpr):
            guard let op = Arithmetic(op) else { throw Outside() }
            switch (try operand(lhsExpr), try operand(rhsExpr)) {
            case (.slot(let a), .constant(let k)): return IntEval { slots in try op.apply(slots[a], k) }
            case (.slot(let a), .slot(let b)): return IntEval { slots in try op.apply(slots[a], slots[b]) }
            case (.computed(let l), .constant(let k)): return IntEval { slots in try op.apply(try l.run(slots), k) }
            case (let l, let r):
                let (lhs, rhs) = (IntFunctionCompiler.eval(l), IntFunctionCompiler.eval(r))
                return IntEval { slots in try op.apply(try lhs.run(slots), try rhs.run(slots)) }
            }
        case .call(let calleeExpr, let argumentExprs):
            guard case .name(let name) = calleeExpr.kind, local(name) == nil,
                  argumentExprs.allSatisfy({ $0.label == nil }) else { throw Outside() }
            return try call(globalSlot(name), try argumentExprs.map { try int($0.value) }, span: e.span)
        default:
            throw Outside()
        }
    }

    private static func eval(_ operand: IntOperand) -> IntEval {
        switch operand {
        case .slot(let slot): return IntEval { slots in slots[slot] }
        case .constant(let k): return IntEval { _ in k }
        case .computed(let e): return e
        }
    }

    /// A call of the function in a global slot: the slot is read at each call, so a later cell's
    /// redefinition is seen (and abandons the call when it is not an Int function).
    private func call(_ slot: Int, _ arguments: [IntEval], span: Span) -> IntEval {
        let (globals, source, stack, flag) = (compiler.session.globals, compiler.source, compiler.session.intSlots, compiler.session.interrupt)
        let n = arguments.count
        let bind = IntFunctionCompiler.binder(arguments)
        return IntEval { slots in
            guard globals.defined[slot], case .function(let closure) = globals.values[slot], closure.boundSelf == nil,
                  let callee = closure.proto.intFunction, callee.isEnabled, callee.arity == n else { throw AbandonIntCall() }
            if flag.isCancelled { throw SynQError.interrupted() }
            let size = callee.slotCount
            guard stack.depth < stack.depthLimit, stack.top + size <= IntSlotStack.capacity else { throw AbandonIntCall() }
            let inner = stack.base + stack.top
            stack.depth += 1
            stack.top += size
            defer { stack.top -= size; stack.depth -= 1 }
            try bind(inner, slots)
            do {
                return try callee.body.result(inner)
            } catch var e as SynQError {
                if e.span == nil { e.span = span; e.source = source }
                if e.stack.count < SynQError.stackLimit { e.stack.append((closure.proto.name, source, span)) } else { e.droppedFrames += 1 }
                throw e
            }
        }
    }

    /// Evaluates a call's arguments into the callee's parameter slots; one and two arguments
    /// without an array (loading a closure from an array retains it).
    private static func binder(_ arguments: [IntEval]) -> (UnsafeMutablePointer<Int>, UnsafeMutablePointer<Int>) throws -> Void {
        switch arguments.count {
        case 0: return { _, _ in }
        case 1:
            let a = arguments[0]
            return { inner, slots in inner[1] = try a.run(slots) }
        case 2:
            let (a, b) = (arguments[0], arguments[1])
            return { inner, slots in inner[1] = try a.run(slots); inner[2] = try b.run(slots) }
        default:
            return { inner, slots in for (i, a) in arguments.enumerated() { inner[i + 1] = try a.run(slots) } }
        }
    }

    private func bool(_ e: Expr) throws -> BoolEval {
        switch e.kind {
        case .bool(let b):
            return BoolEval { _ in b }
        case .unary("not", let operandExpr):
            let operand = try bool(operandExpr)
            return BoolEval { slots in !(try operand.run(slots)) }
        case .logical(let op, let lhsExpr, let rhsExpr):
            let lhs = try bool(lhsExpr), rhs = try bool(rhsExpr)
            if op == "and" { return BoolEval { slots in try lhs.run(slots) && rhs.run(slots) } }
            return BoolEval { slots in try lhs.run(slots) || rhs.run(slots) }
        case .binary(let op, let lhsExpr, let rhsExpr):
            guard let compare = Comparison(op) else { throw Outside() }
            switch (try operand(lhsExpr), try operand(rhsExpr)) {
            case (.slot(let a), .constant(let k)): return BoolEval { slots in compare.apply(slots[a], k) }
            case (.slot(let a), .slot(let b)): return BoolEval { slots in compare.apply(slots[a], slots[b]) }
            case (let l, let r):
                let (lhs, rhs) = (IntFunctionCompiler.eval(l), IntFunctionCompiler.eval(r))
                return BoolEval { slots in compare.apply(try lhs.run(slots), try rhs.run(slots)) }
            }
        default:
            throw Outside()
        }
    }
}
