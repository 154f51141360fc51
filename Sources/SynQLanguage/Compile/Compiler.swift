import QuantumKit
import SynQCluster

/// Lowers the AST to closures. Names are resolved here to frame slots or session-global slots,
/// so running a program never looks a name up in a dictionary and never re-walks the tree.
/// Compiled closures keep their compiler (for locating errors); it refers to the session
/// without owning it, so a session and its functions do not keep each other alive.
final class Compiler {
    unowned let session: Session
    let source: Source
    let dryRun: Bool
    var scope: FunctionScope
    /// Globals declared by this cell, committed to the session only if the whole cell compiles.
    var pendingGlobals: [String: GlobalInfo] = [:]
    var pendingEnumCases: [String: [EnumCase]] = [:]
    var pendingTypes: [String: TypeRef] = [:]
    /// Set when a debugger is attached: statements and calls are compiled with its hooks.
    var debugger: Debugger?
    /// The path breakpoints name this source by.
    let debugPath: String

    init(session: Session, source: Source, dryRun: Bool = false) {
        self.session = session
        self.source = source
        self.dryRun = dryRun
        self.scope = FunctionScope(parent: nil, isCell: true, isFunction: false)
        debugger = dryRun ? nil : session.activeDebugger
        debugPath = debugger?.cellPath ?? source.name
    }

    func error(_ code: String, _ message: String, _ span: Span, help: String? = nil) -> Diagnostic {
        Diagnostic(code, message, at: span, help: help, source: source)
    }

    /// Annotates an error raised inside a node with that node's location.
    func locate(_ e: Error, _ span: Span) -> Error {
        if var s = e as? SynQError {
            if s.span == nil { s.span = span; s.source = source }
            return s
        }
        if let sim = e as? SimulationError {
            var s = SynQError(sim.code, "SimulationError", sim.message)
            s.span = span; s.source = source
            return s
        }
        if let c = e as? ClusterError {
            var s = SynQError(cluster: c)
            s.span = span; s.source = source
            return s
        }
        if e is Cancelled {
            var s = SynQError.interrupted()
            s.span = span; s.source = source
            return s
        }
        return e
    }

    // MARK: - cells

    /// Compiles a cell. The closure runs it and returns its displayed value, if any.
    func compileCell(_ stmts: [Stmt]) throws -> () throws -> Value? {
        try predeclareTopLevel(stmts)
        var steps: [Statement] = []
        for (i, stmt) in stmts.enumerated() {
            let isLast = i == stmts.count - 1
            steps.append(try step(stmt, tail: isLast && !stmt.endsWithSemicolon && producesValue(stmt)))
        }
        if dryRun { return { nil } }
        for (name, info) in pendingGlobals { session.globalTable[name] = info }
        for (name, cases) in pendingEnumCases {
            session.enumCases[name] = (session.enumCases[name] ?? []).filter { c in !cases.contains { $0.owner.name == c.owner.name } } + cases
        }
        let slotCount = scope.slotCount
        let (quantum, jobs) = (session.quantum, session.jobs)
        let (debugger, path) = (self.debugger, debugPath)
        return {
            let frame = Frame.make(size: slotCount, parent: nil)
            debugger?.enter("<cell>", path: path)
            defer { debugger?.leave() }
            for step in steps {
                quantum.beginStatement()
                do {
                    let flow = try step.run(frame)
                    quantum.finishStatement()
                    try jobs.submitPending()
                    if flow == .returned { return frame.returnValue }
                } catch {
                    quantum.abortStatement()
                    jobs.dropPending()
                    throw error
                }
            }
            return nil
        }
    }

    func producesValue(_ stmt: Stmt) -> Bool {
        if case .expression = stmt.kind { return true }
        return false
    }

    /// Declares every top-level name of the cell up front, so functions may refer to names
    /// defined further down the same cell.
    func predeclareTopLevel(_ stmts: [Stmt]) throws {
        for stmt in stmts {
            switch stmt.kind {
            case .binding(let pattern, _, _, let mutable):
                for name in pattern.boundNames { declareGlobal(name, mutable: mutable) }
            case .function(let d): declareGlobal(d.name, mutable: true, doc: d.doc)
            case .kernel(let d): declareGlobal(d.name, mutable: true, doc: d.doc)
            case .structDecl(let d): declareGlobal(d.name, mutable: true, doc: d.doc)
            case .enumDecl(let d):
                declareGlobal(d.name, mutable: true, doc: d.doc)
            case .qubitDecl(let name, _): declareGlobal(name, mutable: true)
            case .measureInto(_, let name): declareGlobal(name, mutable: true)
            case .importModule(let name, let alias): declareGlobal(alias ?? name, mutable: true)
            default: break
            }
        }
    }

    func declareGlobal(_ name: String, mutable: Bool, doc: String? = nil) {
        if var existing = pendingGlobals[name] ?? session.globalTable[name] {
            existing.mutable = mutable
            if doc != nil { existing.doc = doc }
            pendingGlobals[name] = existing
        } else {
            let slot = dryRun ? -1 : session.globals.add()
            pendingGlobals[name] = GlobalInfo(slot: slot, mutable: mutable, doc: doc)
        }
    }

    // MARK: - names

    func resolve(_ name: String) -> Resolved? {
        var depth = 0
        var fs: FunctionScope? = scope
        while let f = fs {
            if let local = f.lookup(name) {
                return .local(depth: depth, slot: local.slot, mutable: local.mutable)
            }
            depth += 1
            fs = f.parent
        }
        if let g = pendingGlobals[name] ?? session.globalTable[name] { return .global(slot: g.slot, mutable: g.mutable) }
        if let b = session.builtins[name] { return .constant(b) }
        if let m = session.modules[name] { return .constant(.module(m)) }
        if let cases = pendingEnumCases[name] ?? session.enumCases[name], cases.count == 1 {
            return .constant(Compiler.caseConstructor(cases[0]))
        }
        return nil
    }

    var visibleNames: [String] {
        var names: [String] = []
        var fs: FunctionScope? = scope
        while let f = fs { for b in f.blocks { names += b.keys }; fs = f.parent }
        names += pendingGlobals.keys
        names += session.globalTable.keys
        names += session.builtins.keys
        names += session.modules.keys
        return names
    }

    func unknownName(_ name: String, _ span: Span) -> Diagnostic {
        var help: String? = nil
        if GateSpec.table[name.lowercased()] != nil && name != name.lowercased() {
            help = "gate names are lowercase: \(name.lowercased())"
        } else if let s = suggestion(for: name, among: visibleNames) {
            help = "did you mean '\(s)'?"
        }
        return error("R001", "unknown name '\(name)'", span, help: help)
    }

    /// A value for a bare enum case: the record itself, or a constructor for a case with a payload.
    static func caseConstructor(_ c: EnumCase) -> Value {
        if c.fields.isEmpty { return .record(RecordRef(type: c.owner, enumCase: c, fields: [])) }
        return .builtin(Builtin(c.name, "\(c.owner.name).\(c.name)(\(c.fields.joined(separator: ", ")))",
                                "A case of enum \(c.owner.name).") { args in
            try Calls.constructCase(c, args)
        })
    }

    /// A closure that stores into a binding's slot, declaring the name in the current scope.
    func declareBinding(_ name: String, mutable: Bool, span: Span) -> (Frame, Value) -> Void {
        if scope.atCellTopLevel {
            declareGlobal(name, mutable: mutable)
            let slot = pendingGlobals[name]!.slot
            let store = session.globals
            return { _, v in store.set(slot, v) }
        }
        let block = scope.blocks.count - 1
        let slot: Int
        if let existing = scope.blocks[block][name] {
            slot = existing.slot
            scope.blocks[block][name]?.mutable = mutable
        } else {
            slot = scope.declare(name, mutable: mutable)
        }
        return { f, v in f.slots[slot] = v }
    }

    // MARK: - blocks

    func withBlock<T>(_ body: () throws -> T) rethrows -> T {
        scope.blocks.append([:])
        defer { scope.blocks.removeLast() }
        return try body()
    }

    // Closures returned through the generic version come back wrapped in conversion thunks
    // that every later call pays for; these overloads return them unwrapped.
    func withBlock(_ body: () throws -> Exec) rethrows -> Exec {
        scope.blocks.append([:])
        defer { scope.blocks.removeLast() }
        return try body()
    }

    func withBlock(_ body: () throws -> Eval) rethrows -> Eval {
        scope.blocks.append([:])
        defer { scope.blocks.removeLast() }
        return try body()
    }

    /// Declares a block's functions before its statements, so they may call each other.
    func predeclareFunctions(_ stmts: [Stmt]) {
        guard !scope.atCellTopLevel else { return }
        for stmt in stmts {
            switch stmt.kind {
            case .function(let d), .kernel(let d):
                if scope.blocks[scope.blocks.count - 1][d.name] == nil { _ = scope.declare(d.name, mutable: true) }
            default: break
            }
        }
    }

    func compileBlock(_ stmts: [Stmt], newScope: Bool = true) throws -> Exec {
        if newScope { scope.blocks.append([:]) }
        defer { if newScope { scope.blocks.removeLast() } }
        predeclareFunctions(stmts)
        return Compiler.sequence(try stmts.map { try step($0) })
    }

    /// A block whose last expression statement is its value (stored as the frame's return value).
    func compileTailBlock(_ stmts: [Stmt]) throws -> Exec {
        try withBlock {
            predeclareFunctions(stmts)
            return Compiler.sequence(try stmts.enumerated().map { i, s in try step(s, tail: i == stmts.count - 1) })
        }
    }

    /// A compiled statement; with a debugger attached, one that first lets the debugger stop
    /// (the locals visible there are recorded before the statement declares its own).
    func step(_ stmt: Stmt, tail: Bool = false) throws -> Statement {
        guard let debugger else { return Statement(run: tail ? try compileTail(stmt) : try compileStmt(stmt)) }
        let (line, column) = source.location(of: stmt.span.start)
        let site = DebugSite(path: debugPath, line: line, column: column, locals: visibleLocals())
        let run = tail ? try compileTail(stmt) : try compileStmt(stmt)
        return Statement(run: { f in
            try debugger.willRun(site, f)
            do { return try run(f) } catch { throw debugger.raised(error) }
        })
    }

    /// Names in frame slots visible here, innermost block first, with their frame depth.
    func visibleLocals() -> [(name: String, depth: Int, slot: Int)] {
        var out: [(name: String, depth: Int, slot: Int)] = []
        var depth = 0
        var level: FunctionScope? = scope
        while let f = level {
            for block in f.blocks.reversed() {
                for (name, local) in block.sorted(by: { $0.key < $1.key }) { out.append((name, depth, local.slot)) }
            }
            depth += 1
            level = f.parent
        }
        return out
    }

    /// Optional statements as a closure that does nothing when absent (an optional closure
    /// would be called through a conversion thunk).
    func compileOptionalBlock(_ stmts: [Stmt]?, tail: Bool = false) throws -> Exec {
        guard let stmts else { return { _ in .normal } }
        return tail ? try compileTailBlock(stmts) : try compileBlock(stmts)
    }

    /// Runs statements in order until one breaks, continues or returns. Statement closures are
    /// held in structs: closures kept directly in an array are called through conversion thunks.
    static func sequence(_ steps: [Statement]) -> Exec {
        switch steps.count {
        case 0: return { _ in .normal }
        case 1: return steps[0].run
        case 2:
            let a = steps[0].run, b = steps[1].run
            return { f in
                let flow = try a(f)
                if flow != .normal { return flow }
                return try b(f)
            }
        case 3:
            let a = steps[0].run, b = steps[1].run, c = steps[2].run
            return { f in
                var flow = try a(f)
                if flow != .normal { return flow }
                flow = try b(f)
                if flow != .normal { return flow }
                return try c(f)
            }
        default:
            return { f in
                for s in steps {
                    let flow = try s.run(f)
                    if flow != .normal { return flow }
                }
                return .normal
            }
        }
    }

    /// Tail position: the statement's value becomes the enclosing function's (or cell's) value.
    func compileTail(_ stmt: Stmt) throws -> Exec {
        guard case .expression(let e) = stmt.kind else { return try compileStmt(stmt) }
        switch e.kind {
        case .ifExpr(let cond, let thenBody, let elseBody):
            return compileIf(try compileExpr(cond), try compileTailBlock(thenBody), try compileOptionalBlock(elseBody, tail: true),
                             hasElse: elseBody != nil)
        case .block(let stmts):
            return try compileTailBlock(stmts)
        default:
            let v = try compileExpr(e)
            return { f in
                f.returnValue = try v(f)
                return .returned
            }
        }
    }

    /// A block in expression position: its last expression statement's value.
    func compileValueBlock(_ stmts: [Stmt], span: Span) throws -> Eval {
        let exec = try compileTailBlock(stmts)
        return { f in
            let saved = f.returnValue
            let flow = try exec(f)
            switch flow {
            case .returned:
                let v = f.returnValue
                f.returnValue = saved
                return v
            case .normal: return .none
            default: throw ControlSignal(flow: flow)
            }
        }
    }

    func compileCondition(_ e: Expr) throws -> (Frame) throws -> Bool {
        let v = try compileExpr(e)
        return { f in
            let x = try v(f)
            if case .bool(let b) = x { return b }
            if case .object(is MeasurementRef) = x {
                throw SynQError("Q008", "QubitError", "a measurement inside a circuit being built has no value yet; only an if statement can depend on it")
            }
            return Operators.isTruthy(x)
        }
    }

    /// An if statement. Its condition may be a measurement inside a circuit being built: then
    /// the branches are recorded as classically conditioned gates instead of chosen now.
    func compileIf(_ cond: @escaping (Frame) throws -> Value, _ thenBranch: @escaping Exec, _ elseBranch: @escaping Exec,
                   hasElse: Bool) -> Exec {
        return { f in
            let v = try cond(f)
            if case .bool(let b) = v { return b ? try thenBranch(f) : try elseBranch(f) }
            if case .object(let m as MeasurementRef) = v { return try Compiler.recordConditional(m, thenBranch, hasElse ? elseBranch : nil, f) }
            return Operators.isTruthy(v) ? try thenBranch(f) : try elseBranch(f)
        }
    }
}

/// A statement closure held in an array (a struct field keeps calls free of reabstraction thunks).
struct Statement {
    let run: Exec
}

/// A break, continue or return that left an expression-position block.
struct ControlSignal: Error { let flow: Flow }
