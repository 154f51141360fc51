import QuantumKit
import Support

/// The JSON forms of circuits, observables, noise models and counts inside a job spec. Numbers
/// travel as shortest round-trip decimals, so a decoded circuit is bit-for-bit the encoded one.
public enum CircuitCoding {
    public static func encode(_ c: Circuit) -> JSON {
        var o: JSONObject = ["qubits": .int(c.qubitCount), "clbits": .int(c.clbitCount),
                             "qregs": .array(c.qubitRegisters.map(encode)), "cregs": .array(c.clbitRegisters.map(encode))]
        if c.globalPhase != 0 { o["global_phase"] = .double(c.globalPhase) }
        o["instructions"] = .array(c.instructions.map(encode))
        return .object(o)
    }

    public static func circuit(_ json: JSON) throws -> Circuit {
        guard let qubits = json["qubits"]?.int, let clbits = json["clbits"]?.int, let instructions = json["instructions"]?.array else {
            throw ClusterError.spec("a circuit needs qubits, clbits and instructions")
        }
        var c = Circuit(qubits: qubits, clbits: clbits)
        c.qubitRegisters = try (json["qregs"]?.array ?? []).map(register)
        c.clbitRegisters = try (json["cregs"]?.array ?? []).map(register)
        c.globalPhase = json["global_phase"]?.double ?? 0
        c.instructions = try instructions.map(instruction)
        return c
    }

    static func encode(_ r: Register) -> JSON { .array([.string(r.name), .int(r.offset), .int(r.size)]) }

    static func register(_ json: JSON) throws -> Register {
        guard let a = json.array, a.count == 3, let name = a[0].string, let offset = a[1].int, let size = a[2].int else {
            throw ClusterError.spec("a register is [name, offset, size]")
        }
        return Register(name: name, offset: offset, size: size)
    }

    static func encode(_ i: Instruction) -> JSON {
        switch i {
        case .gate(let op): return encode(op)
        case .measure(let q, let c): return .object(["measure": .int(q), "clbit": .int(c)])
        case .reset(let q): return .object(["reset": .int(q)])
        case .barrier(let qs): return .object(["barrier": ints(qs)])
        case .conditional(let clbits, let value, let op):
            var o = encode(op).object!
            o["if_clbits"] = ints(clbits)
            o["if_value"] = .int(value)
            return .object(o)
        }
    }

    static func instruction(_ json: JSON) throws -> Instruction {
        if let q = json["measure"]?.int, let c = json["clbit"]?.int { return .measure(qubit: q, clbit: c) }
        if let q = json["reset"]?.int { return .reset(q) }
        if let qs = json["barrier"] { return .barrier(try ints(qs)) }
        let op = try operation(json)
        if let clbits = json["if_clbits"], let value = json["if_value"]?.int { return .conditional(clbits: try ints(clbits), value: value, op) }
        return .gate(op)
    }

    static func encode(_ op: Operation) -> JSON {
        var o: JSONObject = ["gate": .string(op.kind.rawValue), "targets": ints(op.targets)]
        if !op.params.isEmpty { o["params"] = .array(op.params.map(encode)) }
        if !op.controls.isEmpty {
            o["controls"] = ints(op.controls)
            if op.controlStates.contains(false) { o["control_states"] = .array(op.controlStates.map { .bool($0) }) }
        }
        if op.inverted { o["inverse"] = true }
        if op.power != 1 { o["power"] = .double(op.power) }
        return .object(o)
    }

    static func operation(_ json: JSON) throws -> Operation {
        guard let name = json["gate"]?.string, let kind = GateKind(rawValue: name), let targets = json["targets"] else {
            throw ClusterError.spec("an instruction is a gate, measure, reset or barrier")
        }
        let controlStates = try json["control_states"]?.array.map { try $0.map { b -> Bool in
            guard let v = b.bool else { throw ClusterError.spec("control_states are true or false") }
            return v
        } }
        return Operation(kind, try ints(targets), params: try (json["params"]?.array ?? []).map(parameter),
                         controls: try json["controls"].map(ints) ?? [], controlStates: controlStates,
                         inverted: json["inverse"]?.bool ?? false, power: json["power"]?.double ?? 1)
    }

    /// A number, or {"constant": c, "terms": [[name, coefficient], ...]} for a symbolic angle.
    static func encode(_ p: Parameter) -> JSON {
        if p.isNumeric { return .double(p.constant) }
        return .object(["constant": .double(p.constant), "terms": .array(p.terms.map { .array([.string($0.0), .double($0.1)]) })])
    }

    static func parameter(_ json: JSON) throws -> Parameter {
        if let v = json.double { return Parameter(v) }
        guard let constant = json["constant"]?.double, let terms = json["terms"]?.array else {
            throw ClusterError.spec("a parameter is a number or {constant, terms}")
        }
        var p = Parameter(constant)
        for t in terms {
            guard let pair = t.array, pair.count == 2, let name = pair[0].string, let k = pair[1].double else {
                throw ClusterError.spec("a parameter term is [name, coefficient]")
            }
            p.terms.append((name, k))
        }
        return p
    }

    /// Terms in order, each [re, im, [[qubit, "X"], ...]] with qubits ascending.
    public static func encode(_ o: Observable) -> JSON {
        .array(o.terms.map { t in
            .array([.double(t.coefficient.re), .double(t.coefficient.im),
                    .array(t.paulis.sorted { $0.key < $1.key }.map { .array([.int($0.key), .string(String($0.value))]) })])
        })
    }

    public static func observable(_ json: JSON) throws -> Observable {
        guard let terms = json.array else { throw ClusterError.spec("an observable is a list of terms") }
        return Observable(try terms.map { t in
            guard let a = t.array, a.count == 3, let re = a[0].double, let im = a[1].double, let ps = a[2].array else {
                throw ClusterError.spec("an observable term is [re, im, paulis]")
            }
            var paulis: [Int: Character] = [:]
            for p in ps {
                guard let pair = p.array, pair.count == 2, let q = pair[0].int, let s = pair[1].string, let c = s.first, "XYZ".contains(c) else {
                    throw ClusterError.spec("a Pauli factor is [qubit, \"X\"|\"Y\"|\"Z\"]")
                }
                paulis[q] = c
            }
            return PauliTerm(coefficient: Complex(re, im), paulis: paulis)
        })
    }

    public static func encode(_ n: NoiseModel) -> JSON {
        .object(["channels": .array(n.channels.map { .array([.string($0.name), .double($0.parameter)]) }),
                 "readout": .double(n.readoutError)])
    }

    public static func noise(_ json: JSON) throws -> NoiseModel {
        if json == .null { return .none }
        let channels = try (json["channels"]?.array ?? []).map { c -> NoiseChannel in
            guard let a = c.array, a.count == 2, let name = a[0].string, let p = a[1].double else {
                throw ClusterError.spec("a noise channel is [name, probability]")
            }
            switch name {
            case "depolarizing": return .depolarizing(p)
            case "amplitude_damping": return .amplitudeDamping(p)
            case "bit_flip": return .bitFlip(p)
            case "phase_flip": return .phaseFlip(p)
            default: throw ClusterError.spec("unknown noise channel \(name)")
            }
        }
        return NoiseModel(channels: channels, readoutError: json["readout"]?.double ?? 0)
    }

    /// {"bits": n, "shots": s, "outcomes": {"0101": k, ...}}, bit 0 rightmost.
    public static func encode(_ c: Counts) -> JSON {
        let outcomes = c.counts.sorted { $0.key < $1.key }.map { (c.bitstring($0.key), JSON.int($0.value)) }
            + c.wideCounts.sorted { $0.key < $1.key }.map { ($0.key, JSON.int($0.value)) }
        return .object(["bits": .int(c.bitCount), "shots": .int(c.shots), "outcomes": .object(JSONObject(outcomes))])
    }

    public static func counts(_ json: JSON) throws -> Counts {
        guard let bits = json["bits"]?.int, let shots = json["shots"]?.int, let outcomes = json["outcomes"]?.object else {
            throw ClusterError.spec("counts need bits, shots and outcomes")
        }
        var pairs: [(String, Int)] = []
        for key in outcomes.keys {
            guard let n = outcomes[key]?.int else { throw ClusterError.spec("a count is an integer") }
            pairs.append((key, n))
        }
        if bits > Counts.narrowLimit { return Counts(bitCount: bits, shots: shots, wideCounts: Dictionary(uniqueKeysWithValues: pairs)) }
        var counts: [Int: Int] = [:]
        for (key, n) in pairs {
            guard let value = Int(key, radix: 2) else { throw ClusterError.spec("an outcome is a bitstring") }
            counts[value] = n
        }
        return Counts(bitCount: bits, shots: shots, counts: counts)
    }

    static func ints(_ xs: [Int]) -> JSON { .array(xs.map { .int($0) }) }

    static func ints(_ json: JSON) throws -> [Int] {
        guard let a = json.array else { throw ClusterError.spec("expected a list of integers") }
        return try a.map { v in
            guard let i = v.int else { throw ClusterError.spec("expected an integer") }
            return i
        }
    }
}
