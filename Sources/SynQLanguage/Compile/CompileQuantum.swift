import QuantumKit

/// Quantum statements: registers, gates with modifiers and broadcasting, measurement, reset,
/// barrier and release, sent to whatever the session targets (the live state or a circuit).
extension Compiler {
    func compileQuantumStatement(_ stmt: Stmt) throws -> Exec {
        let span = stmt.span
        let quantum = session.quantum
        switch stmt.kind {
        case .qubitDecl(let name, let sizeExpr):
            let size = try sizeExpr.map(compileExpr)
            let store = declareBinding(name, mutable: true, span: span)
            return { [self] f in
                let n: Int
                if let size {
                    let v = try size(f)
                    guard case .int(let k) = v else { throw self.locate(SynQError.type("a register size must be an Int, not \(Format.typeName(v))"), span) }
                    n = k
                } else {
                    n = 1
                }
                do { store(f, .object(try quantum.target.allocate(name, n))) } catch { throw self.locate(error, span) }
                return .normal
            }

        case .gate(let name, let nameSpan, let params, let modifiers, let operands):
            return try compileGate(name, nameSpan, params, modifiers, operands, span)

        case .measureInto(let targetExpr, let name):
            let target = try compileExpr(targetExpr)
            let store = declareBinding(name, mutable: true, span: span)
            return { [self] f in
                do {
                    let qubits = try self.qubitIndices(try target(f))
                    store(f, try quantum.target.measure(qubits))
                } catch { throw self.locate(error, span) }
                return .normal
            }

        case .reset(let operandExprs), .barrier(let operandExprs):
            let operands = try operandExprs.map(compileExpr)
            let isReset: Bool = { if case .reset = stmt.kind { return true }; return false }()
            return { [self] f in
                do {
                    let qubits = try operands.flatMap { try self.qubitIndices(try $0(f)) }
                    if isReset { for q in qubits { try quantum.target.reset(q) } } else { quantum.target.barrier(qubits) }
                } catch { throw self.locate(error, span) }
                return .normal
            }

        case .release(let operandExprs):
            let operands = try operandExprs.map(compileExpr)
            return { [self] f in
                do {
                    for o in operands {
                        guard case .object(let r as RegisterValue) = try o(f) else {
                            throw SynQError("Q004", "TypeError", "release takes a register, like release q")
                        }
                        try quantum.target.release(r)
                    }
                } catch { throw self.locate(error, span) }
                return .normal
            }
        default:
            throw error("P001", "not a quantum statement", span)
        }
    }

    func compileMeasure(_ targetExpr: Expr, _ span: Span) throws -> Eval {
        let target = try compileExpr(targetExpr)
        let quantum = session.quantum
        return { [self] f in
            do { return try quantum.target.measure(try self.qubitIndices(try target(f))) } catch { throw self.locate(error, span) }
        }
    }

    /// The qubit indices an operand names, checked to be live in the current target.
    func qubitIndices(_ v: Value) throws -> [Int] {
        let target = session.quantum.target
        func check(_ r: RegisterValue) throws {
            if r.released { throw SynQError("Q003", "QubitError", "register \(r.name) was released or replaced", help: "allocate it again with qubit \(r.name)[\(r.qubits.count)]") }
            if r.owner !== target {
                throw SynQError("Q006", "QubitError", target is QuantumSession
                                ? "\(r.name) belongs to a circuit being built, not to the live session"
                                : "the live register \(r.name) cannot be used inside a kernel that allocates its own qubits",
                                help: "pass qubits as kernel parameters, or allocate them inside the kernel")
            }
        }
        switch v {
        case .object(let q as QubitValue):
            try check(q.register)
            return [q.qubit]
        case .object(let r as RegisterValue):
            try check(r)
            return r.qubits
        case .list(let l):
            return try l.items.flatMap { try qubitIndices($0) }
        default:
            throw SynQError("Q004", "TypeError", "expected a qubit like q[0] or a register, not \(Format.typeName(v))")
        }
    }

    func compileGate(_ name: String, _ nameSpan: Span, _ params: [Expr], _ modifiers: [GateModifier], _ operands: [Expr], _ span: Span) throws -> Exec {
        if name == "bell_pair" {
            guard operands.count == 2 else {
                throw error("S002", "bell_pair takes 2 qubit operands but \(operands.count) \(operands.count == 1 ? "was" : "were") given", span, help: "bell_pair q[0], q[1]")
            }
            let h = try compileGate("h", nameSpan, [], [], [operands[0]], span)
            let cx = try compileGate("cx", nameSpan, [], [], operands, span)
            return { f in _ = try h(f); return try cx(f) }
        }
        guard let spec = GateSpec.table[name] else {
            if resolve(name) != nil {
                throw error("S001", "'\(name)' is not a gate", nameSpan, help: "call a kernel with parentheses: \(name)(...)")
            }
            var help = "gates: " + GateSpec.table.keys.sorted().joined(separator: " ")
            if GateSpec.table[name.lowercased()] != nil { help = "gate names are lowercase: \(name.lowercased())" }
            else if let s = suggestion(for: name, among: Array(GateSpec.table.keys) + ["bell_pair"]) { help = "did you mean '\(s)'?" }
            throw error("S001", "unknown gate '\(name)'", nameSpan, help: help)
        }
        var extraControls: [Bool] = []
        var inverted = false
        var powerEvals: [Eval] = []
        for m in modifiers {
            switch m {
            case .ctrl(let e), .negctrl(let e):
                var n = 1
                if let e {
                    guard case .int(let k) = e.kind, k >= 1 else { throw error("S004", "ctrl(n) needs a positive Int literal", e.span) }
                    n = k
                }
                let positive: Bool = { if case .ctrl = m { return true }; return false }()
                extraControls += Array(repeating: positive, count: n)
            case .inv: inverted.toggle()
            case .pow(let e): powerEvals.append(try compileExpr(e))
            }
        }
        let expected = spec.qubitCount + extraControls.count
        if operands.count != expected {
            let example = (0..<expected).map { "q[\($0)]" }.joined(separator: ", ")
            throw error("S002", "\(name) takes \(expected) qubit operand\(expected == 1 ? "" : "s") but \(operands.count) \(operands.count == 1 ? "was" : "were") given",
                        operands.last.map { span.start < $0.span.end ? Span(nameSpan.start, $0.span.end) : span } ?? span,
                        help: "\(name)\(spec.parameterCount > 0 ? "(" + Array(repeating: "θ", count: spec.parameterCount).joined(separator: ", ") + ")" : "") \(example)")
        }
        if params.count != spec.parameterCount {
            throw error("S003", "\(name) takes \(spec.parameterCount) parameter\(spec.parameterCount == 1 ? "" : "s") but \(params.count) \(params.count == 1 ? "was" : "were") given",
                        nameSpan, help: spec.parameterCount == 0 ? "\(name) has no angle: \(name) q[0]" : "\(name)(\(Array(repeating: "θ", count: spec.parameterCount).joined(separator: ", "))) q[0]")
        }
        let paramEvals = try params.map(compileExpr)
        let operandEvals = try operands.map(compileExpr)
        let controlStates = extraControls + Array(repeating: true, count: spec.controls)
        let controlCount = controlStates.count
        let quantum = session.quantum
        return { [self] f in
            do {
                let target = quantum.target
                let angles: [Parameter] = try paramEvals.map { e in
                    let v = try e(f)
                    if let d = DualNumber.from(v) { return try target.angle(d) }
                    guard let x = Operators.floatValue(v) else { throw SynQError.type("a gate angle must be a number, not \(Format.typeName(v))") }
                    return Parameter(x)
                }
                var power = 1.0
                for p in powerEvals {
                    let v = try p(f)
                    guard let x = Operators.floatValue(v) else { throw SynQError.type("pow needs a number") }
                    power *= x
                }
                let lists = try operandEvals.map { try self.qubitIndices(try $0(f)) }
                let width = lists.map { $0.count }.max() ?? 1
                for l in lists where l.count != 1 && l.count != width {
                    throw SynQError("Q007", "QubitError", "registers of sizes \(lists.map { $0.count }.filter { $0 != 1 }.map(String.init).joined(separator: " and ")) cannot be broadcast together",
                                    help: "broadcast needs registers of one size, or single qubits")
                }
                for k in 0..<width {
                    let qubits = lists.map { $0.count == 1 ? $0[0] : $0[k] }
                    if Set(qubits).count != qubits.count {
                        throw SynQError("Q002", "QubitError", "a qubit is used twice in one \(name) gate",
                                        help: "each operand of a gate must be a different qubit")
                    }
                    try target.apply(Operation(spec.kind, Array(qubits[controlCount...]), params: angles,
                                               controls: Array(qubits[..<controlCount]), controlStates: controlStates,
                                               inverted: inverted, power: power))
                }
            } catch { throw self.locate(error, span) }
            return .normal
        }
    }

    /// `if m { ... }` where m is a measurement inside a circuit being built: record the branch's
    /// gates as classically conditioned on the measured bits.
    static func recordConditional(_ m: MeasurementRef, _ thenBranch: Exec, _ elseBranch: Exec?, _ f: Frame) throws -> Flow {
        let allOnes = (1 << m.clbits.count) - 1
        m.builder.conditions.append((m.clbits, allOnes))
        let flow = try thenBranch(f)
        m.builder.conditions.removeLast()
        if let elseBranch {
            guard m.clbits.count == 1 else {
                throw SynQError("Q008", "QubitError", "an else branch on a multi-bit measurement inside a circuit is not supported")
            }
            m.builder.conditions.append((m.clbits, 0))
            defer { m.builder.conditions.removeLast() }
            return try elseBranch(f)
        }
        return flow
    }
}
