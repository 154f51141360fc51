import Glibc

/// A classical value while importing: loop counters, constants, gate arguments.
enum QASMValue {
    case integer(Int)
    case real(Double)
    case bool(Bool)
    /// An angle that depends on `input` parameters (linear only).
    case symbolic(Parameter)

    var parameter: Parameter? {
        switch self {
        case .integer(let i): return Parameter(Double(i))
        case .real(let x): return Parameter(x)
        case .symbolic(let p): return p
        case .bool: return nil
        }
    }

    var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let x): return x
        case .symbolic(let p): return p.isNumeric ? p.constant : nil
        case .bool: return nil
        }
    }
}

/// What a gate expands to before it lands in the circuit: gates, and global phases that a
/// `ctrl @` turns into phase gates on the controls.
enum QASMPrimitive {
    case gate(Operation)
    case phase(Parameter)
}

/// Turns a parsed OpenQASM program into a Circuit: declares registers, expands gate
/// definitions with their modifiers, unrolls loops and records classical conditions.
struct QASMImporter {
    private struct GateDefinition {
        let parameters: [String]
        let qubits: [String]
        let body: [QASMStatement]
    }

    private struct Condition {
        var clbits: [Int]
        var value: Int

        /// Both conditions hold: their bits side by side.
        func and(_ other: Condition) -> Condition {
            Condition(clbits: clbits + other.clbits, value: value | (other.value << clbits.count))
        }
    }

    private var circuit = Circuit()
    private var qubitRegisters: [String: Register] = [:]
    private var clbitRegisters: [String: Register] = [:]
    private var library: Set<String> = QASMGateLibrary.builtins
    private var gates: [String: GateDefinition] = [:]
    private var values: [String: QASMValue] = [:]
    private var conditions: [Condition] = []
    private var version = 3
    private var expansionDepth = 0
    private static let maxInstructions = 5_000_000

    static func circuit(from text: String) throws -> Circuit {
        let program = try QASMParser.parse(text)
        var importer = QASMImporter()
        importer.version = program.version
        if program.physicalQubits > 0 {
            guard program.physicalQubits <= 100_000 else {
                throw QASMError("QASM013", "physical qubit $\(program.physicalQubits - 1) is beyond 100000")
            }
            importer.circuit.addQubits("q", program.physicalQubits)
        }
        for s in program.statements { try importer.run(s) }
        return importer.circuit
    }

    // MARK: statements

    private mutating func run(_ statement: QASMStatement) throws {
        guard circuit.instructions.count < QASMImporter.maxInstructions else {
            throw QASMError("QASM020", "the program unrolls to more than \(QASMImporter.maxInstructions) instructions", at: token(of: statement))
        }
        switch statement {
        case .include(let file, let t):
            guard let names = QASMGateLibrary.names(include: file) else {
                throw QASMError("QASM011", "cannot include \"\(file)\": SynQ knows qelib1.inc and stdgates.inc", at: t)
            }
            library.formUnion(names)
            if file == "qelib1.inc" { try defineLibraryGates() }
        case .quantumDeclaration(let name, let size, let t):
            try checkFresh(name, t)
            let n = try declarationSize(size, t)
            let offset = circuit.addQubits(name, n)
            qubitRegisters[name] = Register(name: name, offset: offset, size: n)
        case .classicalDeclaration(let name, let size, let measuring, let t):
            try checkFresh(name, t)
            let n = try declarationSize(size, t)
            let offset = circuit.addClbits(name, n)
            clbitRegisters[name] = Register(name: name, offset: offset, size: n)
            if let source = measuring {
                try run(.measure(source, into: QASMOperand(name: name, index: nil, token: t), t))
            }
        case .constant(let name, let expr, let t):
            try checkFresh(name, t)
            values[name] = try evaluate(expr)
        case .input(let name, let t):
            try checkFresh(name, t)
            values[name] = .symbolic(Parameter(symbol: name))
        case .gateDefinition(let name, let parameters, let qubits, let body, let t):
            guard gates[name] == nil, !QASMGateLibrary.builtins.contains(name) else {
                throw QASMError("QASM012", "gate \(name) is already defined", at: t)
            }
            for statement in body {
                guard case .gateCall = statement else {
                    if case .barrier = statement { continue }
                    throw QASMError("QASM010", "a gate body may contain only gate calls (gate \(name))", at: token(of: statement))
                }
            }
            gates[name] = GateDefinition(parameters: parameters, qubits: qubits, body: body)
        case .gateCall(let call):
            try append(try expand(call), at: call.token)
        case .measure(let source, let target, let t):
            guard conditions.isEmpty else { throw QASMError("QASM010", "measurements inside if are not supported", at: t) }
            guard let target else {
                throw QASMError("QASM010", "a measurement needs a bit to go to: c[0] = measure q[0] (or measure q[0] -> c[0])", at: t)
            }
            let qubits = try qubitOperand(source)
            let bits = try clbitOperand(target)
            guard qubits.count == bits.count else {
                throw QASMError("QASM013", "measure of \(qubits.count) qubits into \(bits.count) bits", at: t)
            }
            for (q, c) in zip(qubits, bits) { circuit.append(.measure(qubit: q, clbit: c)) }
        case .reset(let target, let t):
            guard conditions.isEmpty else { throw QASMError("QASM010", "reset inside if is not supported", at: t) }
            for q in try qubitOperand(target) { circuit.append(.reset(q)) }
        case .barrier(let targets, _):
            let qubits = targets.isEmpty ? Array(0..<circuit.qubitCount) : try targets.flatMap { try qubitOperand($0) }
            if conditions.isEmpty && !qubits.isEmpty { circuit.append(.barrier(qubits)) }
        case .conditional(let expr, let then, let otherwise, let t):
            let condition = try self.condition(expr)
            conditions.append(nested(condition))
            for s in then { try run(s) }
            conditions.removeLast()
            if let otherwise {
                guard condition.clbits.count == 1 else {
                    throw QASMError("QASM010", "else after a condition on several bits is not supported", at: t)
                }
                conditions.append(nested(Condition(clbits: condition.clbits, value: 1 - condition.value)))
                for s in otherwise { try run(s) }
                conditions.removeLast()
            }
        case .loop(let variable, let range, let body, let t):
            let saved = values[variable]
            for i in try loopValues(range, t) {
                values[variable] = i
                for s in body { try run(s) }
            }
            values[variable] = saved
        }
    }

    private mutating func defineLibraryGates() throws {
        for case .gateDefinition(let name, let parameters, let qubits, let body, _) in try QASMParser.parse(QASMGateLibrary.definitions).statements
        where gates[name] == nil {
            gates[name] = GateDefinition(parameters: parameters, qubits: qubits, body: body)
        }
    }

    private func checkFresh(_ name: String, _ t: QASMToken) throws {
        if qubitRegisters[name] != nil || clbitRegisters[name] != nil || values[name] != nil {
            throw QASMError("QASM012", "\(name) is already declared", at: t)
        }
    }

    private func declarationSize(_ size: QASMExpr?, _ t: QASMToken) throws -> Int {
        guard let size else { return 1 }
        guard case .integer(let n)? = try? evaluate(size), n >= 1 else {
            throw QASMError("QASM013", "a register size must be a positive integer", at: size.token)
        }
        return n
    }

    private func loopValues(_ range: QASMLoopRange, _ t: QASMToken) throws -> [QASMValue] {
        switch range {
        case .set(let items): return try items.map { try evaluate($0) }
        case .range(let startExpr, let stepExpr, let endExpr):
            guard case .integer(let start) = try evaluate(startExpr), case .integer(let end) = try evaluate(endExpr) else {
                throw QASMError("QASM013", "loop bounds must be integers", at: t)
            }
            var step = 1
            if let stepExpr {
                guard case .integer(let s) = try evaluate(stepExpr), s != 0 else { throw QASMError("QASM013", "a loop step must be a nonzero integer", at: stepExpr.token) }
                step = s
            }
            guard abs((end - start) / step) < QASMImporter.maxInstructions else {
                throw QASMError("QASM020", "the loop runs more than \(QASMImporter.maxInstructions) times", at: t)
            }
            // OpenQASM 3 ranges include their end.
            return Array(stride(from: start, through: end, by: step)).map { .integer($0) }
        }
    }

    private mutating func append(_ primitives: [QASMPrimitive], at t: QASMToken) throws {
        for p in primitives {
            switch p {
            case .gate(let op):
                if let c = conditions.last {
                    circuit.append(.conditional(clbits: c.clbits, value: c.value, op))
                } else {
                    circuit.append(op)
                }
            case .phase(let angle):
                guard angle.isNumeric else { throw QASMError("QASM010", "a global phase that depends on an input is not supported", at: t) }
                guard conditions.isEmpty else { throw QASMError("QASM010", "a global phase inside if is not supported", at: t) }
                circuit.globalPhase += angle.constant
            }
        }
    }

    // MARK: conditions

    private func condition(_ expr: QASMExpr) throws -> Condition {
        switch expr {
        case .binary("&&", let a, let b, _):
            return try condition(a).and(try condition(b))
        case .binary(let op, let lhs, let rhs, let t) where op == "==" || op == "!=":
            let bits = try conditionBits(lhs)
            let value: Int
            switch try evaluate(rhs) {
            case .integer(let v): value = v
            case .bool(let b): value = b ? 1 : 0
            default: throw QASMError("QASM013", "a condition compares bits with an integer or a bool", at: rhs.token)
            }
            guard value >= 0, bits.count >= 63 || value < 1 << bits.count else {
                throw QASMError("QASM013", "\(value) does not fit in \(bits.count) bits", at: rhs.token)
            }
            if op == "!=" {
                guard bits.count == 1 else { throw QASMError("QASM010", "!= on several bits is not supported", at: t) }
                return Condition(clbits: bits, value: 1 - value)
            }
            return Condition(clbits: bits, value: value)
        case .unary("!", let inner, let t):
            let c = try condition(inner)
            guard c.clbits.count == 1 else { throw QASMError("QASM010", "! on several bits is not supported", at: t) }
            return Condition(clbits: c.clbits, value: 1 - c.value)
        case .identifier, .index:
            let bits = try conditionBits(expr)
            guard bits.count == 1 else {
                throw QASMError("QASM013", "a condition on a whole register compares it with a value: if (c == 1)", at: expr.token)
            }
            return Condition(clbits: bits, value: 1)
        default:
            throw QASMError("QASM010", "this condition is not supported: conditions test bits or a bit register's value", at: expr.token)
        }
    }

    /// An `if` inside an `if`: both conditions must hold.
    private func nested(_ c: Condition) -> Condition {
        conditions.last?.and(c) ?? c
    }

    private func conditionBits(_ expr: QASMExpr) throws -> [Int] {
        switch expr {
        case .identifier(let name, let t): return try clbitOperand(QASMOperand(name: name, index: nil, token: t))
        case .index(.identifier(let name, let t), let index, _): return try clbitOperand(QASMOperand(name: name, index: index, token: t))
        default: throw QASMError("QASM013", "a condition tests a bit or a bit register", at: expr.token)
        }
    }

    // MARK: operands

    private func element(_ register: Register, _ operand: QASMOperand) throws -> [Int] {
        guard let index = operand.index else {
            return Array(register.offset..<register.offset + register.size)
        }
        guard case .integer(var i) = try evaluate(index) else {
            throw QASMError("QASM013", "an index must be an integer", at: index.token)
        }
        if i < 0 { i += register.size }
        guard i >= 0 && i < register.size else {
            throw QASMError("QASM014", "index \(i) is out of range for \(operand.name)[\(register.size)]", at: index.token)
        }
        return [register.offset + i]
    }

    private func qubitOperand(_ operand: QASMOperand) throws -> [Int] {
        if operand.name.hasPrefix("$"), let k = Int(operand.name.dropFirst()) { return [k] }
        guard let r = qubitRegisters[operand.name] else {
            let hint = clbitRegisters[operand.name] != nil ? " (it is a bit register)" : ""
            throw QASMError("QASM015", "unknown qubit register \(operand.name)\(hint)", at: operand.token)
        }
        return try element(r, operand)
    }

    private func clbitOperand(_ operand: QASMOperand) throws -> [Int] {
        guard let r = clbitRegisters[operand.name] else {
            let hint = qubitRegisters[operand.name] != nil ? " (it is a qubit register)" : ""
            throw QASMError("QASM015", "unknown bit register \(operand.name)\(hint)", at: operand.token)
        }
        return try element(r, operand)
    }

    // MARK: gates

    /// A top-level gate call: operands that are whole registers broadcast the gate.
    private mutating func expand(_ call: QASMGateCall) throws -> [QASMPrimitive] {
        let operands = try call.operands.map { try qubitOperand($0) }
        let arguments = try call.arguments.map { try angle($0) }
        let width = operands.map { $0.count }.max() ?? 1
        for (o, qubits) in zip(call.operands, operands) where qubits.count != 1 && qubits.count != width {
            throw QASMError("QASM013", "registers of different sizes in one gate call (\(o.name) has \(qubits.count) qubits, another \(width))", at: o.token)
        }
        var out: [QASMPrimitive] = []
        for i in 0..<width {
            let qubits = operands.map { $0.count == 1 ? $0[0] : $0[i] }
            out += try apply(call, arguments: arguments, qubits: qubits)
        }
        return out
    }

    private mutating func apply(_ call: QASMGateCall, arguments: [Parameter], qubits: [Int]) throws -> [QASMPrimitive] {
        var controlCounts: [Int] = []
        for m in call.modifiers {
            if case .ctrl(let count, _) = m {
                var n = 1
                if let count {
                    guard case .integer(let k) = try evaluate(count), k >= 1 else {
                        throw QASMError("QASM013", "a control count must be a positive integer", at: count.token)
                    }
                    n = k
                }
                controlCounts.append(n)
            }
        }
        let controls = controlCounts.reduce(0, +)
        guard qubits.count >= controls else {
            throw QASMError("QASM013", "\(call.name) with \(controls) controls needs more than \(qubits.count) qubits", at: call.token)
        }
        var body = try base(call.name, arguments, Array(qubits[controls...]), call.token)
        var controlOffsets: [Int] = []
        var offset = 0
        for n in controlCounts { controlOffsets.append(offset); offset += n }
        var ctrlIndex = controlCounts.count
        for m in call.modifiers.reversed() {
            switch m {
            case .inv:
                body = body.reversed().map(QASMImporter.inverse)
            case .pow(let expr):
                guard let k = try evaluate(expr).number else { throw QASMError("QASM013", "a power must be a number", at: expr.token) }
                body = try power(body, k, expr.token)
            case .ctrl(_, let negative):
                ctrlIndex -= 1
                let cs = Array(qubits[controlOffsets[ctrlIndex]..<controlOffsets[ctrlIndex] + controlCounts[ctrlIndex]])
                body = body.flatMap { QASMImporter.control($0, cs, on: !negative) }
            }
        }
        for case .gate(let op) in body where Set(op.qubits).count != op.qubits.count {
            throw QASMError("QASM013", "\(call.name) uses a qubit more than once", at: call.token)
        }
        return body
    }

    /// The gate itself, before modifiers: a definition of the program, a library gate or gphase.
    private mutating func base(_ name: String, _ arguments: [Parameter], _ qubits: [Int], _ t: QASMToken) throws -> [QASMPrimitive] {
        if let definition = gates[name] {
            guard arguments.count == definition.parameters.count, qubits.count == definition.qubits.count else {
                throw QASMError("QASM016", "gate \(name) takes \(definition.parameters.count) parameters and \(definition.qubits.count) qubits, not \(arguments.count) and \(qubits.count)", at: t)
            }
            guard expansionDepth < 64 else { throw QASMError("QASM020", "gate definitions nest more than 64 deep", at: t) }
            expansionDepth += 1
            defer { expansionDepth -= 1 }
            let saved = (values, qubitRegisters)
            defer { (values, qubitRegisters) = saved }
            for (p, v) in zip(definition.parameters, arguments) { values[p] = .symbolic(v) }
            for (name, q) in zip(definition.qubits, qubits) { qubitRegisters[name] = Register(name: name, offset: q, size: 1) }
            var out: [QASMPrimitive] = []
            for case .gateCall(let inner) in definition.body { out += try expand(inner) }
            return out
        }
        guard library.contains(name), let shape = QASMGateLibrary.shapes[name] else {
            var help = ""
            if QASMGateLibrary.qelib1.contains(name) || QASMGateLibrary.stdgates.contains(name) {
                help = version == 2 ? "; add include \"qelib1.inc\";" : "; add include \"stdgates.inc\";"
            }
            throw QASMError("QASM016", "unknown gate \(name)\(help)", at: t)
        }
        guard arguments.count == shape.parameters, qubits.count == shape.qubits else {
            throw QASMError("QASM016", "\(name) takes \(shape.parameters) parameters and \(shape.qubits) qubits, not \(arguments.count) and \(qubits.count)", at: t)
        }
        if name == "gphase" { return [.phase(arguments[0])] }
        guard let ops = QASMGateLibrary.operations(name, arguments, qubits) else {
            throw QASMError("QASM016", "gate \(name) has no definition", at: t)
        }
        return ops.map { .gate($0) }
    }

    private static func inverse(_ p: QASMPrimitive) -> QASMPrimitive {
        switch p {
        case .gate(var op): op.inverted.toggle(); return .gate(op)
        case .phase(let a): return .phase(-a)
        }
    }

    private func power(_ body: [QASMPrimitive], _ k: Double, _ t: QASMToken) throws -> [QASMPrimitive] {
        if body.count != 1 && k == k.rounded() && abs(k) <= 1024 {
            let once = k < 0 ? body.reversed().map(QASMImporter.inverse) : body
            return Array(repeating: once, count: Int(abs(k))).flatMap { $0 }
        }
        guard body.count == 1 else {
            throw QASMError("QASM010", "pow(\(k)) of a gate made of several operations is not supported", at: t)
        }
        switch body[0] {
        case .gate(var op): op.power *= k; return [.gate(op)]
        case .phase(let a): return [.phase(k * a)]
        }
    }

    /// Adds controls to one primitive; a controlled global phase is a phase gate on the controls.
    private static func control(_ p: QASMPrimitive, _ controls: [Int], on: Bool) -> [QASMPrimitive] {
        switch p {
        case .gate(var op):
            op.controls = controls + op.controls
            op.controlStates = Array(repeating: on, count: controls.count) + op.controlStates
            return [.gate(op)]
        case .phase(let angle):
            let phase = Operation(.p, [controls.last!], params: [angle], controls: Array(controls.dropLast()),
                                  controlStates: Array(repeating: on, count: controls.count - 1))
            if on { return [.gate(phase)] }
            let flip = QASMPrimitive.gate(Operation(.x, [controls.last!]))
            return [flip, .gate(phase), flip]
        }
    }

    // MARK: expressions

    private func angle(_ expr: QASMExpr) throws -> Parameter {
        guard let p = try evaluate(expr).parameter else { throw QASMError("QASM013", "a gate argument must be a number", at: expr.token) }
        return p
    }

    private static let constants: [String: Double] = ["pi": Double.pi, "π": Double.pi, "tau": 2 * Double.pi, "τ": 2 * Double.pi,
                                                      "euler": M_E, "ℇ": M_E]
    private static let functions: [String: (Double) -> Double] = [
        "sin": sin, "cos": cos, "tan": tan, "arcsin": asin, "arccos": acos, "arctan": atan, "asin": asin, "acos": acos,
        "atan": atan, "exp": exp, "ln": log, "log": log, "sqrt": { $0.squareRoot() },
    ]

    private func evaluate(_ expr: QASMExpr) throws -> QASMValue {
        switch expr {
        case .integer(let i, _): return .integer(i)
        case .real(let x, _): return .real(x)
        case .identifier(let name, let t):
            if let v = values[name] { return v }
            if let c = QASMImporter.constants[name] { return .real(c) }
            if name == "true" || name == "false" { return .bool(name == "true") }
            throw QASMError("QASM015", "unknown name \(name)", at: t)
        case .index(_, _, let t):
            throw QASMError("QASM010", "bit values in arithmetic are not supported", at: t)
        case .call(let name, let arguments, let t):
            guard let f = QASMImporter.functions[name] else { throw QASMError("QASM010", "the function \(name) is not supported", at: t) }
            guard arguments.count == 1, let x = try evaluate(arguments[0]).number else {
                throw QASMError("QASM013", "\(name) takes one numeric argument", at: t)
            }
            return .real(f(x))
        case .unary(let op, let inner, let t):
            let v = try evaluate(inner)
            switch (op, v) {
            case ("-", .integer(let i)): return .integer(-i)
            case ("-", .real(let x)): return .real(-x)
            case ("-", .symbolic(let p)): return .symbolic(-p)
            case ("+", _): return v
            case ("!", .bool(let b)): return .bool(!b)
            default: throw QASMError("QASM013", "\(op) does not apply here", at: t)
            }
        case .binary(let op, let lhs, let rhs, let t):
            return try binary(op, try evaluate(lhs), try evaluate(rhs), t)
        }
    }

    private func binary(_ op: String, _ a: QASMValue, _ b: QASMValue, _ t: QASMToken) throws -> QASMValue {
        if case .integer(let x) = a, case .integer(let y) = b {
            switch op {
            case "+": return .integer(x &+ y)
            case "-": return .integer(x &- y)
            case "*": return .integer(x &* y)
            case "%": guard y != 0 else { break }; return .integer(x % y)
            case "/": guard y != 0 else { break }; return x % y == 0 ? .integer(x / y) : .real(Double(x) / Double(y))
            case "**": return .real(pow(Double(x), Double(y)))
            default: if let c = QASMImporter.compare(op, x, y) { return c }
            }
        }
        if let x = a.number, let y = b.number {
            switch op {
            case "+": return .real(x + y)
            case "-": return .real(x - y)
            case "*": return .real(x * y)
            case "/": return .real(x / y)
            case "%": return .real(fmod(x, y))
            case "**": return .real(pow(x, y))
            default: if let c = QASMImporter.compare(op, x, y) { return c }
            }
        }
        if let p = a.parameter, let q = b.parameter {
            switch op {
            case "+": return .symbolic(p + q)
            case "-": return .symbolic(p + (-q))
            case "*" where p.isNumeric: return .symbolic(p.constant * q)
            case "*" where q.isNumeric: return .symbolic(q.constant * p)
            case "/" where q.isNumeric && q.constant != 0: return .symbolic((1 / q.constant) * p)
            default:
                throw QASMError("QASM010", "\(op) on input parameters is not supported: angles must stay linear in them", at: t)
            }
        }
        throw QASMError("QASM013", "\(op) does not apply to these values", at: t)
    }

    private static func compare<T: Comparable>(_ op: String, _ x: T, _ y: T) -> QASMValue? {
        switch op {
        case "==": return .bool(x == y)
        case "!=": return .bool(x != y)
        case "<": return .bool(x < y)
        case "<=": return .bool(x <= y)
        case ">": return .bool(x > y)
        case ">=": return .bool(x >= y)
        default: return nil
        }
    }

    private func token(of statement: QASMStatement) -> QASMToken {
        switch statement {
        case .include(_, let t), .quantumDeclaration(_, _, let t), .classicalDeclaration(_, _, _, let t), .constant(_, _, let t),
             .input(_, let t), .gateDefinition(_, _, _, _, let t), .measure(_, _, let t), .reset(_, let t), .barrier(_, let t),
             .conditional(_, _, _, let t), .loop(_, _, _, let t):
            return t
        case .gateCall(let call): return call.token
        }
    }
}
