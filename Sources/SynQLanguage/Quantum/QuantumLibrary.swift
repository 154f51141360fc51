import QuantumKit
import SynQCluster

/// Quantum builtins: running circuits, reading the live state, observables and estimates.
enum QuantumLibrary {
    static func circuit(_ v: Value, _ name: String = "c") throws -> Circuit {
        if case .object(let c as CircuitValue) = v { return c.circuit }
        if case .function(let k) = v, k.proto.isKernel {
            throw SynQError.type("'\(name)' is the kernel \(k.proto.name) itself; call it to get a circuit: \(k.proto.name)(...)")
        }
        throw SynQError.type("'\(name)' must be a Circuit, not \(Format.typeName(v))")
    }

    static func exportQASM(_ c: Circuit, version: Int) throws -> String {
        do {
            return try OpenQASM.write(c, version: version)
        } catch let e as QASMError {
            throw SynQError(e.code, "QASMError", e.message)
        }
    }

    static func observable(_ v: Value) throws -> Observable {
        switch v {
        case .object(let o as ObservableValue): return o.observable
        case .int(let i): return Observable([PauliTerm(coefficient: Complex(Double(i)))])
        case .float(let f): return Observable([PauliTerm(coefficient: Complex(f))])
        case .list(let l):
            return try l.items.reduce(Observable([])) { $0 + (try observable($1)) }
        default: throw SynQError.type("expected an Observable like Z(0) * Z(1), not \(Format.typeName(v))")
        }
    }

    static func seed(_ a: Arguments) throws -> UInt64? {
        if let s = try a.optionalInt(nil, "seed") { return UInt64(bitPattern: Int64(s)) }
        return a.context.seed.map { _ in a.context.random.next() }
    }

    /// Qubit indices of the live session from Qubit, Register or a List of them.
    static func liveQubits(_ v: Value) throws -> [Int] {
        switch v {
        case .object(let q as QubitValue): return [q.qubit]
        case .object(let r as RegisterValue): return r.qubits
        case .list(let l): return try l.items.flatMap(liveQubits)
        default: throw SynQError("Q004", "TypeError", "expected a qubit or register, not \(Format.typeName(v))")
        }
    }

    static func engine(_ a: Arguments) throws -> Engine {
        guard let v = a.keyword("engine") else { return a.context.defaultEngine }
        let name = Format.str(v)
        guard let e = Engine(rawValue: name) else {
            throw SynQError.value("unknown engine '\(name)'", help: "engines: auto, statevector, stabilizer, density")
        }
        return e
    }

    static func precision(_ a: Arguments) throws -> Precision {
        guard let v = a.keyword("precision") else { return a.context.defaultPrecision }
        guard let p = Precision(rawValue: Format.str(v)) else {
            throw SynQError.value("unknown precision '\(Format.str(v))'", help: "precision: \"double\" (the default) or \"single\"")
        }
        return p
    }

    /// run(c, shots:, seed:, engine:, noise:, precision:) read into a task: what `run` executes
    /// at once and `async run` sends away.
    static func runTask(_ a: Arguments) throws -> RunTask {
        let c = try circuit(try a.argument(0, "c"))
        let shots = try a.optionalInt(nil, "shots") ?? 1024
        guard shots >= 1 else { throw SynQError.value("shots must be at least 1") }
        return RunTask(circuit: c, shots: shots, seed: try seed(a), engine: try engine(a), noise: try NoiseLibrary.noise(a),
                       precision: try precision(a))
    }

    /// expect(c, obs, shots:, seed:, noise:, precision:) read into a task.
    static func expectTask(_ a: Arguments) throws -> ExpectTask {
        let c = try circuit(try a.argument(0, "c"))
        let obs = try observable(try a.argument(1, "obs"))
        guard obs.qubitCount <= c.qubitCount else { throw SynQError("Q001", "QubitError", "the observable acts on qubit \(obs.qubitCount - 1) but the circuit has \(c.qubitCount) qubits") }
        let shots = try a.optionalInt(nil, "shots"), noise = try NoiseLibrary.noise(a)
        return ExpectTask(circuit: c, observable: obs, shots: shots, seed: shots == nil || noise.hasGateNoise ? nil : try seed(a),
                          noise: noise, precision: try precision(a))
    }

    static func freshSeed() -> UInt64 {
        var random = SeededRandom.fromEntropy()
        return random.next()
    }

    /// The task `async NAME(args)` sends, or nil when NAME is not run or expect. A job always
    /// carries a seed (a fresh one when none is given), so its spec replays exactly.
    static func asyncTask(_ name: String, _ a: Arguments) throws -> JobTask? {
        switch name {
        case "run":
            var task = try runTask(a)
            if task.seed == nil { task.seed = freshSeed() }
            return .run(task)
        case "expect":
            guard a.count >= 2 else { throw SynQError.type("async expect needs a circuit and an observable: async expect(c, obs)") }
            var task = try expectTask(a)
            if task.seed == nil && task.shots != nil { task.seed = freshSeed() }
            return .expect(task)
        default:
            return nil
        }
    }

    static func pauli(_ p: Character) -> Builtin {
        Builtin(String(p), "\(p)(qubit) -> Observable", "The Pauli \(p) on one qubit, as an Observable: combine with *, + and numbers, e.g. Z(0) * Z(1) + 0.5 * X(0).") { a in
            .object(ObservableValue(Observable.pauli(p, try a.int(0, "qubit"))))
        }
    }

    static let builtins: [Builtin] = [
        Builtin("run", "run(c, shots: 1024, seed: nil, engine: \"auto\", noise: nil, precision: \"double\") -> Counts",
                "Runs a circuit on a fresh simulator and returns measurement counts. A circuit without measurements measures every qubit. In a notebook a run simulated shot by shot that takes over half a second shows a progress line, updated in place. With a seed the counts repeat exactly. engine: \"auto\" (the stabilizer engine for Clifford circuits, else the state vector; with noise, the density matrix up to 12 qubits), \"statevector\" (noise by trajectories), \"stabilizer\" or \"density\". noise: depolarizing(p), amplitude_damping(g), bit_flip(p), phase_flip(p), readout(p) or a List of them. precision: \"single\" halves the state vector's memory and the bytes each gate moves.") { a in
            let task = try runTask(a)
            let progress = LiveProgress(a.context.output, kind: "run", delay: 0.5)
            let counts = try task.execute(cancellation: a.context.interrupt) { done, total in
                if progress.due { progress.update("run: shot \(done) of \(total) (\(100 * done / total)%)") }
            }
            progress.finish("run: \(task.shots) shots in \(LiveProgress.seconds(progress.elapsed)) s")
            return .object(CountsValue(counts))
        },
        Builtin("jobs", "jobs() -> List",
                "This session's jobs, one Map per job sent (a statement's async calls travel as one job): id, state, where, tasks, elapsed seconds.") { a in
            .list(ListRef(try a.context.jobs.rows().map { .map(MapRef($0.map { (.string($0.0), $0.1) })) }))
        },
        Builtin("job", "job(id) -> Job",
                "The job with this id: one of this session's, or after a kernel restart one the connected cluster still knows (reattach). An id with #k names task k of a sweep.") { a in
            .object(try a.context.jobs.find(try a.string(0, "id")))
        },
        Builtin("state", "state() or state(c) -> State",
                "The state vector: of the live qubits, or the final state of a circuit (its measurements dropped).") { a in
            if a.count == 0 {
                return .object(StateValue(try a.context.quantum.currentState().copy()))
            }
            let c = try circuit(a[0])
            let s = try Simulator(seed: try seed(a), cancellation: a.context.interrupt).finalState(c)
            return .object(StateValue(s))
        },
        Builtin("probs", "probs(q) -> List",
                "Probabilities of the live qubits' outcomes without measuring: [p0, p1] for one qubit, 2^n values by basis index for a register (qubit 0 is bit 0).") { a in
            let qubits = try liveQubits(try a.argument(0, "q"))
            return numbersToList(try a.context.quantum.currentState().marginal(qubits))
        },
        Builtin("sample", "sample(q, shots: 1024) -> Counts", "Samples the live qubits' outcomes without collapsing the state.") { a in
            let qubits = try liveQubits(try a.argument(0, "q"))
            let shots = try a.optionalInt(nil, "shots") ?? 1024
            let state = try a.context.quantum.currentState()
            let counts = state.sample(qubits, shots: shots, random: &a.context.random)
            return .object(CountsValue(Counts(bitCount: qubits.count, shots: shots, counts: counts)))
        },
        Builtin("expect", "expect(c, obs, shots: nil, noise: nil, precision: \"double\") or expect(obs) -> Float",
                "The exact expectation value of an Observable: for a circuit's final state, or for the live state. With shots, estimated from samples; with noise, exact on the circuit's density matrix.") { a in
            if a.count == 1 {
                let obs = try observable(a[0])
                let state = try a.context.quantum.currentState()
                guard obs.qubitCount <= state.qubitCount else { throw SynQError("Q001", "QubitError", "the observable acts on qubit \(obs.qubitCount - 1) but only \(state.qubitCount) qubits are live") }
                return .float(obs.expectation(state))
            }
            let task = try expectTask(a)
            if case .object(let built as CircuitValue) = try a.argument(0, "c"), let (traced, trace) = built.traced {
                return try Differentiation.expectation(traced, trace, task.observable, noise: task.noise, shots: task.shots,
                                                       seed: try task.seed ?? seed(a), cancellation: a.context.interrupt)
            }
            return .float(try task.execute(cancellation: a.context.interrupt))
        },
        Builtin("draw", "draw() or draw(c) -> Circuit",
                "A circuit diagram: of everything applied to the live qubits so far, or of a circuit. In a notebook it shows as SVG.") { a in
            if a.count == 0 { return .object(CircuitValue(a.context.quantum.drawnCircuit, name: "session")) }
            return .object(CircuitValue(try circuit(a[0])))
        },
        Builtin("estimate", "estimate(c) -> Estimate", "Qubits, gate counts by kind, depth, two-qubit depth, T-count and state-vector memory of a circuit.") { a in
            .object(EstimateValue(try circuit(try a.argument(0, "c")).estimate()))
        },
        Builtin("optimize_circuit", "optimize_circuit(c) -> Circuit", "An equivalent circuit with adjacent inverse gates cancelled, rotations merged and identities dropped.") { a in
            let c = try circuit(try a.argument(0, "c"))
            return .object(CircuitValue(Optimizer.optimize(c), name: "optimized"))
        },
        Builtin("reset_all", "reset_all()", "Releases every live qubit and clears the live circuit.") { a in
            a.context.quantum.resetAll(releaseRegisters: true)
            return .none
        },
        Builtin("pauli", "pauli(\"ZZI\", coefficient = 1.0) -> Observable", "A Pauli string as an Observable; the rightmost letter acts on qubit 0.") { a in
            do {
                return .object(ObservableValue(try Observable.pauliString(try a.string(0, "paulis"), coefficient: a.count > 1 ? try a.float(1, "coefficient") : 1)))
            } catch let e as SimulationError { throw SynQError.value(e.message) }
        },
        pauli("X"), pauli("Y"), pauli("Z"), pauli("I"),
        Builtin("qasm", "qasm(c) -> String",
                "The circuit as OpenQASM 3: stdgates.inc names, ctrl/negctrl/inv/pow modifiers, measurements, resets, barriers, classically conditioned gates and `input float[64]` for symbolic parameters.") { a in
            .string(try exportQASM(try circuit(try a.argument(0, "c")), version: 3))
        },
        Builtin("qasm2", "qasm2(c) -> String",
                "The circuit as OpenQASM 2.0 with qelib1.inc. Inverses and powers become equivalent gates; what 2.0 cannot express (a modifier with no qelib1 form, a parameter, a condition on part of a register) is an error.") { a in
            .string(try exportQASM(try circuit(try a.argument(0, "c")), version: 2))
        },
        Builtin("qasm_import", "qasm_import(text) -> Circuit",
                "Reads OpenQASM 2.0 or 3 text into a Circuit: registers, gate definitions, modifiers, measurements, resets, barriers, if on bits, for loops and constants. Anything outside that subset is an error naming the construct and its line.") { a in
            let text = try a.string(0, "text")
            do {
                return .object(CircuitValue(try OpenQASM.read(text), name: "qasm"))
            } catch let e as QASMError {
                let line = Source(name: "qasm", text: text).lineText(e.line).trimmingCharacters(in: " ")
                throw SynQError(e.code, "QASMError", "\(e)", help: line.isEmpty ? nil : "at: \(line)")
            }
        },
        Builtin("gates", "gates() -> List", "The names of every gate the language knows.") { _ in
            .list(ListRef(GateSpec.table.keys.sorted().map { .string($0) }))
        },
    ]
}

/// Arithmetic on Observables: sums, products and scalar weights.
enum QuantumOperators {
    static func binary(_ op: String, _ a: Value, _ b: Value) throws -> Value? {
        func obs(_ v: Value) -> Observable? {
            if case .object(let o as ObservableValue) = v { return o.observable }
            return nil
        }
        guard obs(a) != nil || obs(b) != nil else { return nil }
        switch (op, obs(a), obs(b)) {
        case ("+", let x?, let y?): return .object(ObservableValue(x + y))
        case ("-", let x?, let y?): return .object(ObservableValue(x + Complex(-1) * y))
        case ("*", let x?, let y?): return .object(ObservableValue(x * y))
        case ("*", nil, let y?):
            guard let k = Operators.complexValue(a) else { return nil }
            return .object(ObservableValue(k * y))
        case ("*", let x?, nil):
            guard let k = Operators.complexValue(b) else { return nil }
            return .object(ObservableValue(k * x))
        case ("/", let x?, nil):
            guard let k = Operators.complexValue(b), k != .zero else { return nil }
            return .object(ObservableValue((Complex.one / k) * x))
        case ("+", let x?, nil):
            guard let k = Operators.complexValue(b) else { return nil }
            return .object(ObservableValue(x + Observable([PauliTerm(coefficient: k)])))
        case ("+", nil, let y?):
            guard let k = Operators.complexValue(a) else { return nil }
            return .object(ObservableValue(Observable([PauliTerm(coefficient: k)]) + y))
        case ("-", let x?, nil):
            guard let k = Operators.complexValue(b) else { return nil }
            return .object(ObservableValue(x + Observable([PauliTerm(coefficient: -k)])))
        default: return nil
        }
    }
}
