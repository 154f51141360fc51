import QuantumKit

/// Where quantum statements go: the live simulator, or a circuit being built by a kernel.
protocol QuantumTarget: AnyObject {
    func allocate(_ name: String, _ size: Int) throws -> RegisterValue
    func apply(_ op: Operation) throws
    func measure(_ qubits: [Int]) throws -> Value
    func reset(_ qubit: Int) throws
    func barrier(_ qubits: [Int])
    func release(_ register: RegisterValue) throws
    /// A gate angle traced by `grad`: a symbolic parameter where circuits are recorded, its
    /// value where gates are applied.
    func angle(_ d: DualNumber) throws -> Parameter
}

extension QuantumTarget {
    func angle(_ d: DualNumber) throws -> Parameter { Parameter(d.value) }
}

/// The kernel's live quantum state. Gates are queued and applied when something observes the
/// state (measure, state(), probs, ...), which lets an interrupted or failed statement leave the
/// state exactly as the last completed statement left it: its queued gates are simply dropped.
public final class QuantumSession: QuantumTarget {
    unowned let session: Session
    public private(set) var state: StateVector?
    /// Every live register by name (released ones are gone).
    public private(set) var registers: [String: RegisterValue] = [:]
    private var freeQubits: [Int] = []
    private var qubitCount = 0
    /// Committed instructions not yet applied to `state`.
    private var pending: [Instruction] = []
    /// Instructions of the statement now running.
    private var statementOps: [Instruction] = []
    /// Everything applied to the live qubits since the last reset, for draw().
    public private(set) var history = Circuit()
    private var statementHistory: [Instruction] = []
    /// Kernels that build circuits push a builder; quantum statements then record into it.
    var builders: [CircuitBuilder] = []

    init(session: Session) { self.session = session }

    var target: QuantumTarget { builders.last ?? self }

    public var liveQubitCount: Int { qubitCount }
    public var memoryBytes: Int { state.map { $0.dimension * 16 } ?? 0 }

    // MARK: statements

    func beginStatement() { statementOps = []; statementHistory = [] }

    func finishStatement() {
        pending += statementOps
        history.instructions += statementHistory
        statementOps = []
        statementHistory = []
    }

    func abortStatement() {
        statementOps = []
        statementHistory = []
        builders = []
    }

    /// Applies every queued instruction, runs of gates fused, checking for an interrupt between
    /// passes. Applied gates leave the queue as their blocks finish, so an interrupted flush
    /// loses nothing: what remains is exactly what has not touched the state.
    func flush() throws {
        guard let state else { return }
        var bits: [Bool] = []
        try drain(&pending, into: state, bits: &bits)
        try drain(&statementOps, into: state, bits: &bits)
    }

    private func drain(_ queue: inout [Instruction], into state: StateVector, bits: inout [Bool]) throws {
        while !queue.isEmpty {
            let runEnd = queue.firstIndex { if case .gate = $0 { return false }; return true } ?? queue.count
            if runEnd == 0 {
                try session.interrupt.check()
                try apply(queue[0], to: state, bits: &bits)
                queue.removeFirst()
                continue
            }
            let gates = try queue[..<runEnd].map { inst -> MatrixGate in
                guard case .gate(let op) = inst else { preconditionFailure("a run holds gates only") }
                return try op.matrixGate()
            }
            var applied = Set<Int>()
            defer {
                if applied.count == runEnd {
                    queue.removeFirst(runEnd)
                } else {
                    queue = queue.enumerated().filter { !applied.contains($0.offset) }.map { $0.element }
                }
            }
            for block in GateFusion.fuse(gates) {
                try session.interrupt.check()
                state.apply(block.gate)
                applied.formUnion(block.sources)
            }
        }
    }

    private func apply(_ inst: Instruction, to state: StateVector, bits: inout [Bool]) throws {
        switch inst {
        case .gate(let op): try state.apply(op)
        case .reset(let q): state.reset(q, random: &session.random)
        default: break
        }
    }

    // MARK: QuantumTarget

    func allocate(_ name: String, _ size: Int) throws -> RegisterValue {
        guard size >= 1 else { throw SynQError("Q005", "QubitError", "a register needs at least one qubit, not \(size)") }
        if let old = registers[name] { try release(old) }
        var qubits: [Int] = []
        freeQubits.sort()
        while qubits.count < size, !freeQubits.isEmpty { qubits.append(freeQubits.removeFirst()) }
        let extra = size - qubits.count
        if extra > 0 {
            let newCount = qubitCount + extra
            do {
                try MemoryBudget.check(qubits: newCount, bytesPerAmplitude: 16, what: "the live state")
            } catch let e as SimulationError {
                freeQubits += qubits
                throw SynQError(e.code, "MemoryError", "qubit \(name)[\(size)] would make \(newCount) live qubits: \(e.message)",
                                help: "release registers you no longer need, or lower the count; %config max_qubits=N raises the limit")
            }
            try flush()
            let grown = try StateVector(qubits: newCount)
            if let old = state {
                grown.amplitudes.update(from: old.amplitudes, count: 2 * old.dimension)
                (grown.amplitudes + 2 * old.dimension).update(repeating: 0, count: 2 * (grown.dimension - old.dimension))
            }
            state = grown
            qubits += qubitCount..<newCount
            qubitCount = newCount
            history.addQubits(name, extra)
        }
        let register = RegisterValue(name: name, qubits: qubits, owner: self)
        registers[name] = register
        return register
    }

    func apply(_ op: Operation) throws {
        statementOps.append(.gate(op))
        statementHistory.append(.gate(op))
    }

    func measure(_ qubits: [Int]) throws -> Value {
        try flush()
        guard let state else { throw SynQError("Q003", "QubitError", "no qubits are allocated") }
        var results: [Bool] = []
        for q in qubits {
            results.append(state.measure(q, random: &session.random))
            let clbit = history.clbitCount
            if history.clbitRegisters.isEmpty { history.addClbits("c", 0) }
            history.clbitCount += 1
            history.clbitRegisters[0].size += 1
            statementHistory.append(.measure(qubit: q, clbit: clbit))
        }
        if qubits.count == 1 { return .bool(results[0]) }
        return .object(BitsValue(results))
    }

    func reset(_ qubit: Int) throws {
        statementOps.append(.reset(qubit))
        statementHistory.append(.reset(qubit))
    }

    func barrier(_ qubits: [Int]) { statementHistory.append(.barrier(qubits)) }

    func release(_ register: RegisterValue) throws {
        guard registers[register.name] === register, !register.released else {
            throw SynQError("Q003", "QubitError", "register \(register.name) is not live (it was released or replaced)")
        }
        for q in register.qubits { try reset(q) }
        register.released = true
        registers[register.name] = nil
        freeQubits += register.qubits
    }

    /// Forgets every qubit (`reset_all()`, `%reset`).
    public func resetAll(releaseRegisters: Bool) {
        for r in registers.values { r.released = true }
        registers = [:]
        freeQubits = []
        qubitCount = 0
        state = nil
        pending = []
        statementOps = []
        history = Circuit()
        statementHistory = []
        builders = []
    }

    /// The current state over all live qubits.
    func currentState() throws -> StateVector {
        try flush()
        guard let state else { throw SynQError("Q003", "QubitError", "no qubits are allocated yet", help: "allocate some with qubit q[2]") }
        return state
    }

    /// The circuit applied to the live qubits so far, with the current register names.
    public var drawnCircuit: Circuit {
        var c = history
        c.instructions += statementHistory
        return c
    }

    // MARK: kernels

    /// Runs a kernel: a kernel that allocates qubits builds and returns a Circuit; one that
    /// takes qubits applies its gates to whatever the caller targets.
    func runKernel(_ proto: FunctionProto, _ frame: Frame) throws -> Value {
        guard proto.buildsCircuit else { return try proto.body(frame) }
        let builder = CircuitBuilder(name: proto.name)
        builders.append(builder)
        defer { builders.removeLast() }
        _ = try proto.body(frame)
        return .object(CircuitValue(builder.circuit, name: proto.name, trace: builder.trace))
    }
}

/// Records quantum statements into a Circuit instead of simulating them.
final class CircuitBuilder: QuantumTarget {
    var circuit = Circuit()
    let name: String
    /// Classical conditions in force (from `if m { ... }` on a measurement inside the kernel).
    var conditions: [(clbits: [Int], value: Int)] = []

    /// Circuits are descriptions, so they may be larger than a state vector; the engine that
    /// runs one checks its own memory.
    static let maxQubits = 100_000

    /// The `grad` evaluation whose inputs some angles depend on.
    var trace: GradientTrace?

    init(name: String) { self.name = name }

    /// A traced angle as a symbolic parameter.
    func angle(_ d: DualNumber) throws -> Parameter {
        guard trace == nil || trace === d.trace else {
            throw SynQError.value("a circuit cannot take angles from two different grad evaluations")
        }
        trace = d.trace
        return d.parameter
    }

    func allocate(_ name: String, _ size: Int) throws -> RegisterValue {
        guard size >= 1 else { throw SynQError("Q005", "QubitError", "a register needs at least one qubit, not \(size)") }
        let offset = circuit.addQubits(name, size)
        if circuit.qubitCount > CircuitBuilder.maxQubits {
            throw SynQError("SIM001", "MemoryError", "kernel \(self.name) allocates \(circuit.qubitCount) qubits, more than a circuit may hold (\(CircuitBuilder.maxQubits))")
        }
        return RegisterValue(name: name, qubits: Array(offset..<offset + size), owner: self)
    }

    func apply(_ op: Operation) throws {
        if let condition = conditions.last {
            circuit.append(.conditional(clbits: condition.clbits, value: condition.value, op))
        } else {
            circuit.append(op)
        }
    }

    func measure(_ qubits: [Int]) throws -> Value {
        let name = "c\(circuit.clbitRegisters.count)"
        let offset = circuit.addClbits(qubits.count == 1 ? name : name, qubits.count)
        for (j, q) in qubits.enumerated() { circuit.append(.measure(qubit: q, clbit: offset + j)) }
        return .object(MeasurementRef(clbits: Array(offset..<offset + qubits.count), builder: self))
    }

    func reset(_ qubit: Int) throws { circuit.append(.reset(qubit)) }
    func barrier(_ qubits: [Int]) { circuit.append(.barrier(qubits)) }
    func release(_ register: RegisterValue) throws {
        for q in register.qubits { circuit.append(.reset(q)) }
        register.released = true
    }
}
