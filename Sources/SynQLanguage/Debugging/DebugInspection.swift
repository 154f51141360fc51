import QuantumKit

/// What a variable reference stands for while the debugger is stopped.
enum VariableNode {
    case locals(call: Int)
    case globals
    case quantum
    case value(Value, evaluateName: String)
}

/// One row of the debugger's variables view.
public struct DebugVariable: Sendable {
    public let name: String
    public let value: String
    /// Empty for a register's qubits, whose value says what they are.
    public let type: String
    /// Non-zero when the row expands (a List, Map, struct, register, scope).
    public let reference: Int
    public let evaluateName: String?

    /// A row that does not expand: what the variable explorer shows while nothing is stopped.
    public init(name: String, _ value: Value) {
        self.init(name: name, value: String(Format.repr(value).prefix(500)), type: Format.typeName(value), reference: 0, evaluateName: name)
    }

    init(name: String, value: String, type: String, reference: Int, evaluateName: String?) {
        self.name = name
        self.value = value
        self.type = type
        self.reference = reference
        self.evaluateName = evaluateName
    }
}

/// The questions a front end asks a stopped debugger: the call stack, scopes, variables, and
/// expressions evaluated in a frame. All of them run on the stopped thread (`whileStopped`).
extension Debugger {
    /// Innermost call first; frame ids count from the outermost call (1 = the cell).
    public func stack() -> [StackEntry] {
        calls.enumerated().reversed().map { index, call in
            StackEntry(id: index + 1, name: call.name, path: call.path, line: call.site?.line ?? 0, column: call.site?.column ?? 1)
        }
    }

    /// Locals of the frame, the session's globals, and the live qubits.
    public func scopes(frame id: Int) -> [(name: String, reference: Int)] {
        var out: [(String, Int)] = []
        if calls.indices.contains(id - 1) { out.append(("Locals", remember(.locals(call: id - 1)))) }
        out.append(("Globals", remember(.globals)))
        out.append(("Quantum", remember(.quantum)))
        return out
    }

    public func variables(_ reference: Int) -> [DebugVariable] {
        guard references.indices.contains(reference - 1) else { return [] }
        switch references[reference - 1] {
        case .locals(let index):
            return locals(of: index).map { describe($0.name, $0.value, evaluateName: $0.name) }
        case .globals:
            return globalVariables()
        case .quantum:
            return session.quantum.registers.values.sorted { $0.name < $1.name }.map { describe($0.name, .object($0), evaluateName: $0.name) }
        case .value(let value, let name):
            return children(of: value, evaluateName: name)
        }
    }

    /// The local names visible at the statement a call is stopped at, innermost binding first.
    func locals(of index: Int) -> [(name: String, value: Value)] {
        guard calls.indices.contains(index), let site = calls[index].site, let frame = calls[index].frame else { return [] }
        var seen = Set<String>()
        var out: [(String, Value)] = []
        for local in site.locals where seen.insert(local.name).inserted {
            let owner = frame.ancestor(local.depth)
            if local.slot < owner.size { out.append((local.name, owner.slots[local.slot])) }
        }
        return out
    }

    /// A name as the frame sees it: a local, else a session global.
    public func value(named name: String, frame id: Int?) -> Value? {
        if let id, let local = locals(of: id - 1).first(where: { $0.name == name }) { return local.value }
        return session.lookup(name)
    }

    /// The session's bindings other than functions and types, expandable while stopped.
    public func globalVariables() -> [DebugVariable] {
        session.variableBindings.map { describe($0.name, $0.value, evaluateName: $0.name) }
    }

    /// Binds a stopped frame's variable as a session global.
    public func copyToGlobals(_ name: String, as target: String, frame id: Int?) -> Bool {
        guard let value = value(named: name, frame: id) else { return false }
        session.defineGlobal(target, value, mutable: true)
        return true
    }

    static func isDefinition(_ v: Value) -> Bool {
        switch v {
        case .function, .type, .module, .builtin: return true
        default: return false
        }
    }

    func remember(_ node: VariableNode) -> Int {
        references.append(node)
        return references.count
    }

    func describe(_ name: String, _ value: Value, evaluateName: String?) -> DebugVariable {
        let expandable: Bool
        switch value {
        case .list(let l): expandable = !l.items.isEmpty
        case .map(let m): expandable = m.count > 0
        case .tuple(let t): expandable = !t.isEmpty
        case .record(let r): expandable = !r.fieldNames.isEmpty
        case .object(let o as RegisterValue): expandable = !o.qubits.isEmpty
        default: expandable = false
        }
        let reference = expandable ? remember(.value(value, evaluateName: evaluateName ?? name)) : 0
        return DebugVariable(name: name, value: String(Format.repr(value).prefix(500)), type: Format.typeName(value),
                             reference: reference, evaluateName: evaluateName)
    }

    /// Items of a List or tuple, entries of a Map, fields of a struct or enum case, and the
    /// qubits of a register with the probability of reading 1 from each.
    func children(of value: Value, evaluateName name: String) -> [DebugVariable] {
        switch value {
        case .list(let l):
            return l.items.prefix(1000).enumerated().map { describe("[\($0.offset)]", $0.element, evaluateName: "\(name)[\($0.offset)]") }
        case .tuple(let items):
            return items.enumerated().map { describe("[\($0.offset)]", $0.element, evaluateName: "\(name)[\($0.offset)]") }
        case .map(let m):
            return m.pairs.prefix(1000).map { key, v in
                let k = Format.repr(key.value)
                return describe(k, v, evaluateName: "\(name)[\(k)]")
            }
        case .record(let r):
            return zip(r.fieldNames, r.fields).map { describe($0, $1, evaluateName: "\(name).\($0)") }
        case .object(let register as RegisterValue):
            let probabilities = (try? session.quantum.currentState())?.probabilities()
            return register.qubits.enumerated().map { index, qubit in
                var one = 0.0
                if let probabilities {
                    for (basis, p) in probabilities.enumerated() where basis >> qubit & 1 == 1 { one += p }
                }
                let text = probabilities == nil ? "in a circuit being built" : "P(1) = \(Format.float((one * 1e6).rounded() / 1e6))"
                // no type: JupyterLab's variable tree then shows the value itself
                return DebugVariable(name: "\(register.name)[\(index)]", value: text, type: "", reference: 0,
                                     evaluateName: "\(name)[\(index)]")
            }
        default:
            return []
        }
    }

    /// Evaluates an expression (or an assignment to an existing name) in a stopped call's frame.
    public func evaluate(_ expression: String, frame id: Int?) throws -> DebugVariable {
        let index = id.map { $0 - 1 } ?? calls.count - 1
        return describe(expression, try evaluate(expression, in: index), evaluateName: expression)
    }

    func evaluate(_ expression: String, in index: Int) throws -> Value {
        let source = Source(name: "<debugger>", text: expression)
        let statements = try Parser.parse(source)
        guard statements.count == 1 else {
            throw SynQError("E001", "ValueError", "the debugger evaluates one expression, like total + 1")
        }
        let compiler = Compiler(session: session, source: source)
        compiler.debugger = nil
        let frame: Frame
        if calls.indices.contains(index), let site = calls[index].site, let f = calls[index].frame {
            compiler.scope = Debugger.scope(for: site, frame: f)
            frame = f
        } else {
            frame = Frame.make(size: 0, parent: nil)
        }
        switch statements[0].kind {
        case .expression(let e):
            return try compiler.compileExpr(e)(frame)
        case .assign:
            _ = try compiler.compileStmt(statements[0])(frame)
            return .none
        default:
            throw SynQError("E001", "ValueError", "the debugger evaluates expressions and assignments, not declarations")
        }
    }

    /// Compile-time scopes that resolve the site's visible names to the frame's own slots.
    static func scope(for site: DebugSite, frame: Frame) -> FunctionScope {
        let deepest = site.locals.map { $0.depth }.max() ?? 0
        var chain: FunctionScope? = nil
        for depth in stride(from: deepest, through: 0, by: -1) {
            let level = FunctionScope(parent: chain, isCell: false, isFunction: true)
            for local in site.locals where local.depth == depth && level.blocks[0][local.name] == nil {
                level.blocks[0][local.name] = Local(slot: local.slot, mutable: true)
            }
            level.slotCount = frame.ancestor(depth).size
            chain = level
        }
        return chain!
    }
}
