import Glibc

/// One gate application: a base gate on its targets, with controls and modifiers.
public struct Operation: Equatable, Sendable {
    public var kind: GateKind
    public var params: [Parameter]
    public var targets: [Int]
    public var controls: [Int] = []
    /// Per control: true fires on |1> (ctrl), false on |0> (negctrl).
    public var controlStates: [Bool] = []
    public var inverted = false
    public var power: Double = 1

    public init(_ kind: GateKind, _ targets: [Int], params: [Parameter] = [], controls: [Int] = [],
                controlStates: [Bool]? = nil, inverted: Bool = false, power: Double = 1) {
        self.kind = kind
        self.targets = targets
        self.params = params
        self.controls = controls
        self.controlStates = controlStates ?? Array(repeating: true, count: controls.count)
        self.inverted = inverted
        self.power = power
    }

    public var qubits: [Int] { controls + targets }
    public var hasModifiers: Bool { inverted || power != 1 || controlStates.contains(false) }

    /// The conventional name when one exists (`cx`, `ccx`, `crz`), else the base gate's name.
    public var name: String {
        if !controlStates.contains(false), let n = GateSpec.canonicalName(kind: kind, controls: controls.count) { return n }
        return kind.rawValue
    }

    /// Whether the stabilizer engine can apply it.
    public var isClifford: Bool { StabilizerTableau.supports(self) }

    /// The target matrix with inverse and power applied (controls are applied by the engine).
    public func matrix(_ bindings: [String: Double] = [:]) throws -> [Complex] {
        var angles = try params.map { try $0.value(bindings) }
        var k = kind
        var m: [Complex]
        if power != 1 && power != power.rounded() {
            switch kind {
            case .rx, .ry, .rz, .p, .rxx, .ryy, .rzz:
                angles[0] *= power
                m = kind.matrix(angles)
            case .z: k = .p; m = GateKind.p.matrix([Double.pi * power])
            case .s: k = .p; m = GateKind.p.matrix([Double.pi / 2 * power])
            case .t: k = .p; m = GateKind.p.matrix([Double.pi / 4 * power])
            default:
                guard kind.qubitCount == 1 else {
                    throw SimulationError("SIM011", "pow(\(power)) on \(kind.rawValue) is not supported: use an integer power")
                }
                m = Operation.power2x2(kind.matrix(angles), power)
            }
        } else {
            m = kind.matrix(angles)
            let n = Int(power)
            if n != 1 {
                let dim = 1 << k.qubitCount
                var result = identity(dim)
                let base = n < 0 ? dagger(m, dim) : m
                for _ in 0..<abs(n) { result = multiply(result, base, dim) }
                m = result
            }
        }
        if inverted { m = dagger(m, 1 << kind.qubitCount) }
        return m
    }

    /// M^k for a 2x2 unitary via Sylvester's formula on its eigenvalues.
    static func power2x2(_ m: [Complex], _ k: Double) -> [Complex] {
        let trace = m[0] + m[3]
        let det = m[0] * m[3] - m[1] * m[2]
        let half = 0.5 * trace
        let disc = Complex.sqrt(half * half - det)
        let l1 = half + disc, l2 = half - disc
        let p1 = Complex.pow(l1, Complex(k)), p2 = Complex.pow(l2, Complex(k))
        if (l1 - l2).magnitude < 1e-12 { return [p1, .zero, .zero, p1] }
        let inv = Complex.one / (l1 - l2)
        var out = [Complex](repeating: .zero, count: 4)
        for r in 0..<2 {
            for c in 0..<2 {
                let id = r == c ? Complex.one : .zero
                out[r * 2 + c] = inv * (p1 * (m[r * 2 + c] - l2 * id) - p2 * (m[r * 2 + c] - l1 * id))
            }
        }
        return out
    }
}

func identity(_ dim: Int) -> [Complex] {
    var m = [Complex](repeating: .zero, count: dim * dim)
    for i in 0..<dim { m[i * dim + i] = .one }
    return m
}

func multiply(_ a: [Complex], _ b: [Complex], _ dim: Int) -> [Complex] {
    var out = [Complex](repeating: .zero, count: dim * dim)
    for r in 0..<dim { for c in 0..<dim {
        var s = Complex.zero
        for k in 0..<dim { s += a[r * dim + k] * b[k * dim + c] }
        out[r * dim + c] = s
    } }
    return out
}

func dagger(_ m: [Complex], _ dim: Int) -> [Complex] {
    var out = m
    for r in 0..<dim { for c in 0..<dim { out[c * dim + r] = m[r * dim + c].conjugate } }
    return out
}

/// One step of a circuit.
public enum Instruction: Equatable, Sendable {
    case gate(Operation)
    case measure(qubit: Int, clbit: Int)
    case reset(Int)
    case barrier([Int])
    /// Apply the operation only if the classical bits, read as a little-endian integer, equal `value`.
    case conditional(clbits: [Int], value: Int, Operation)

    /// Whether `clbits`, read as a little-endian integer from `bits`, equal `value`.
    public static func conditionHolds(clbits: [Int], value: Int, bits: [Bool]) -> Bool {
        var v = 0
        for (j, c) in clbits.enumerated() where bits[c] { v |= 1 << j }
        return v == value
    }

    public var qubits: [Int] {
        switch self {
        case .gate(let op), .conditional(_, _, let op): return op.qubits
        case .measure(let q, _): return [q]
        case .reset(let q): return [q]
        case .barrier(let qs): return qs
        }
    }
}

/// A named range of qubits or bits, for drawing and for OpenQASM.
public struct Register: Equatable, Sendable {
    public var name: String
    public var offset: Int
    public var size: Int
    public init(name: String, offset: Int, size: Int) { self.name = name; self.offset = offset; self.size = size }
}

/// A quantum circuit: qubits, classical bits and the instructions on them.
public struct Circuit: Equatable, Sendable {
    public var qubitCount: Int
    public var clbitCount: Int
    public var qubitRegisters: [Register]
    public var clbitRegisters: [Register]
    public var instructions: [Instruction]
    /// A phase e^{i·globalPhase} on the whole state: unobservable alone, but part of the state
    /// vector and of OpenQASM 3's `gphase`, so imported circuits keep Qiskit's exact states.
    public var globalPhase: Double = 0

    public init(qubits: Int = 0, clbits: Int = 0) {
        qubitCount = qubits
        clbitCount = clbits
        qubitRegisters = qubits > 0 ? [Register(name: "q", offset: 0, size: qubits)] : []
        clbitRegisters = clbits > 0 ? [Register(name: "c", offset: 0, size: clbits)] : []
        instructions = []
    }

    /// Adds a quantum register and returns its first qubit index.
    @discardableResult
    public mutating func addQubits(_ name: String, _ size: Int) -> Int {
        let offset = qubitCount
        qubitRegisters.append(Register(name: name, offset: offset, size: size))
        qubitCount += size
        return offset
    }

    @discardableResult
    public mutating func addClbits(_ name: String, _ size: Int) -> Int {
        let offset = clbitCount
        clbitRegisters.append(Register(name: name, offset: offset, size: size))
        clbitCount += size
        return offset
    }

    public mutating func append(_ instruction: Instruction) { instructions.append(instruction) }
    public mutating func append(_ op: Operation) { instructions.append(.gate(op)) }

    /// Names of the symbolic parameters, in first-use order.
    public var parameterNames: [String] {
        var names: [String] = []
        for case .gate(let op) in instructions {
            for p in op.params { for (n, _) in p.terms where !names.contains(n) { names.append(n) } }
        }
        return names
    }

    /// The circuit with the named symbols given their values.
    public func substituting(_ bindings: [String: Double]) -> Circuit {
        func bind(_ op: Operation) -> Operation {
            var bound = op
            bound.params = op.params.map { $0.substituting(bindings) }
            return bound
        }
        var out = self
        out.instructions = instructions.map {
            switch $0 {
            case .gate(let op): return .gate(bind(op))
            case .conditional(let clbits, let value, let op): return .conditional(clbits: clbits, value: value, bind(op))
            default: return $0
            }
        }
        return out
    }

    public var isClifford: Bool {
        instructions.allSatisfy {
            switch $0 {
            case .gate(let op): return op.isClifford
            case .conditional(_, _, let op): return op.isClifford
            default: return true
            }
        }
    }

    public var hasMeasurements: Bool { instructions.contains { if case .measure = $0 { return true }; return false } }

    /// The classical bits some measurement writes, ascending.
    public var measuredClbits: [Int] {
        var bits = Set<Int>()
        for case .measure(_, let c) in instructions { bits.insert(c) }
        return bits.sorted()
    }

    /// The label of a qubit by its register: `q[2]`, or `a` for a one-qubit register.
    public func qubitLabel(_ index: Int) -> String {
        for r in qubitRegisters where index >= r.offset && index < r.offset + r.size {
            return r.size == 1 && qubitRegisters.filter({ $0.name == r.name }).count == 1 ? r.name : "\(r.name)[\(index - r.offset)]"
        }
        return "q[\(index)]"
    }

    public func clbitLabel(_ index: Int) -> String {
        for r in clbitRegisters where index >= r.offset && index < r.offset + r.size {
            return r.size == 1 ? r.name : "\(r.name)[\(index - r.offset)]"
        }
        return "c[\(index)]"
    }

    /// The inverse circuit (gates only).
    public func inverse() throws -> Circuit {
        var out = self
        out.instructions = []
        out.globalPhase = -globalPhase
        for inst in instructions.reversed() {
            switch inst {
            case .gate(var op):
                op.inverted.toggle()
                out.instructions.append(.gate(op))
            case .barrier: out.instructions.append(inst)
            default: throw SimulationError("SIM012", "a circuit with measurements or resets has no inverse")
            }
        }
        return out
    }
}

/// Resource figures of a circuit.
public struct ResourceEstimate: Equatable, Sendable {
    public var qubits: Int
    public var clbits: Int
    public var gateCounts: [(String, Int)]
    public var totalGates: Int
    public var depth: Int
    public var twoQubitDepth: Int
    public var twoQubitGates: Int
    /// T and T-dagger gates, counting each Toffoli (ccx) as 7.
    public var tCount: Int
    public var measurements: Int
    /// Bytes a state vector of this many qubits needs in complex double.
    public var stateVectorBytes: Double { Double(1 << min(qubits, 62)) * 16 }

    public static func == (a: ResourceEstimate, b: ResourceEstimate) -> Bool {
        a.qubits == b.qubits && a.depth == b.depth && a.twoQubitDepth == b.twoQubitDepth && a.tCount == b.tCount
            && a.gateCounts.map { $0.0 } == b.gateCounts.map { $0.0 } && a.gateCounts.map { $0.1 } == b.gateCounts.map { $0.1 }
    }
}

extension Circuit {
    public func estimate() -> ResourceEstimate {
        var level = [Int](repeating: 0, count: qubitCount)
        var level2 = [Int](repeating: 0, count: qubitCount)
        var counts: [String: Int] = [:]
        var order: [String] = []
        var total = 0, twoQ = 0, tCount = 0, measurements = 0
        func bump(_ qs: [Int], counts twoQubit: Bool) {
            guard !qs.isEmpty else { return }
            let d = qs.map { level[$0] }.max()! + 1
            for q in qs { level[q] = d }
            if twoQubit {
                let d2 = qs.map { level2[$0] }.max()! + 1
                for q in qs { level2[q] = d2 }
            }
        }
        for inst in instructions {
            switch inst {
            case .gate(let op), .conditional(_, _, let op):
                let name = op.name
                if counts[name] == nil { order.append(name) }
                counts[name, default: 0] += 1
                total += 1
                if op.qubits.count >= 2 { twoQ += 1 }
                if op.kind == .t || op.kind == .tdg { tCount += op.controls.isEmpty ? 1 : 0 }
                if op.kind == .x && op.controls.count == 2 { tCount += 7 }
                bump(op.qubits, counts: op.qubits.count >= 2)
            case .measure(let q, _):
                measurements += 1
                if counts["measure"] == nil { order.append("measure") }
                counts["measure", default: 0] += 1
                bump([q], counts: false)
            case .reset(let q):
                if counts["reset"] == nil { order.append("reset") }
                counts["reset", default: 0] += 1
                bump([q], counts: false)
            case .barrier(let qs):
                let d = qs.map { level[$0] }.max() ?? 0
                for q in qs { level[q] = d }
            }
        }
        return ResourceEstimate(qubits: qubitCount, clbits: clbitCount, gateCounts: order.map { ($0, counts[$0]!) },
                                totalGates: total, depth: level.max() ?? 0, twoQubitDepth: level2.max() ?? 0,
                                twoQubitGates: twoQ, tCount: tCount, measurements: measurements)
    }
}
