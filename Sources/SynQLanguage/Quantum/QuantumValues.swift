import Support
import QuantumKit

/// A named group of qubits, live or inside a circuit being built.
public final class RegisterValue: NativeObject, Indexable, Sized, Iterable {
    public let name: String
    public let qubits: [Int]
    unowned let owner: AnyObject
    var released = false

    init(name: String, qubits: [Int], owner: AnyObject) { self.name = name; self.qubits = qubits; self.owner = owner }

    public var typeName: String { "Register" }
    public var text: String { "qubit \(name)[\(qubits.count)]\(released ? " (released)" : "")" }
    public var length: Int { qubits.count }

    public func index(_ i: Value) throws -> Value {
        guard case .int(let k) = i else { throw SynQError.type("a register index must be an Int, not \(Format.typeName(i))") }
        guard k >= -qubits.count && k < qubits.count else {
            throw SynQError("Q001", "QubitError", "index \(k) is out of range for register \(name)[\(qubits.count)]",
                            help: "valid indices are 0 to \(qubits.count - 1)")
        }
        return .object(QubitValue(register: self, index: k < 0 ? k + qubits.count : k))
    }

    public func elements() throws -> [Value] { (0..<qubits.count).map { .object(QubitValue(register: self, index: $0)) } }

    public func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "size", "len": return .int(qubits.count)
        case "name": return .string(self.name)
        default: return nil
        }
    }
    public var memberNames: [String] { ["size", "name"] }
}

/// One qubit of a register.
public final class QubitValue: NativeObject {
    let register: RegisterValue
    let index: Int
    init(register: RegisterValue, index: Int) { self.register = register; self.index = index }
    public var typeName: String { "Qubit" }
    public var text: String { register.qubits.count == 1 ? register.name : "\(register.name)[\(index)]" }
    var qubit: Int { register.qubits[index] }
    public func equals(_ other: NativeObject) -> Bool {
        guard let o = other as? QubitValue else { return false }
        return o.register === register && o.index == index
    }
}

/// Measurement results of several qubits: prints like "101" with qubit 0 rightmost.
public final class BitsValue: NativeObject, Indexable, Sized, Iterable, StringComparable, IntConvertible, JSONConvertible {
    public let bits: [Bool]
    init(_ bits: [Bool]) { self.bits = bits }
    public var typeName: String { "Bits" }
    public var text: String { String(bits.reversed().map { $0 ? "1" : "0" }) }
    public var comparableString: String { text }
    public var length: Int { bits.count }
    public var intValue: Int { bits.enumerated().reduce(0) { $0 | ($1.element ? 1 << $1.offset : 0) } }
    public func index(_ i: Value) throws -> Value {
        guard case .int(let k) = i else { throw SynQError.type("a Bits index must be an Int") }
        return .bool(bits[try Indexing.normalise(k, bits.count)])
    }
    public func elements() throws -> [Value] { bits.map { .bool($0) } }
    public func equals(_ other: NativeObject) -> Bool { (other as? BitsValue)?.bits == bits }
    public func json() throws -> JSON { .string(text) }
    public func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "int", "to_int": return .builtin(Builtin("to_int", "bits.to_int() -> Int", "The bits as a binary number (qubit 0 is the lowest bit).") { _ in .int(self.intValue) })
        case "len": return .builtin(Builtin("len", "bits.len() -> Int", "The number of bits.") { _ in .int(self.bits.count) })
        default: return nil
        }
    }
    public var memberNames: [String] { ["to_int", "len"] }
}

/// The result of `measure` inside a kernel that builds a circuit: classical bits whose value is
/// known only when the circuit runs. `if m { ... }` on it records classically conditioned gates.
final class MeasurementRef: NativeObject {
    let clbits: [Int]
    unowned let builder: CircuitBuilder
    init(clbits: [Int], builder: CircuitBuilder) { self.clbits = clbits; self.builder = builder }
    var typeName: String { "Measurement" }
    var text: String { "<measurement into c[\(clbits.map(String.init).joined(separator: ", "))]>" }
}

/// A circuit as a value.
public final class CircuitValue: NativeObject {
    public let circuit: Circuit
    public let name: String
    /// Built by a kernel under `grad`: the circuit with its angles in the trace's symbols (see
    /// `GradientTrace`); `circuit` has them bound, so everything else sees numbers.
    let traced: (circuit: Circuit, trace: GradientTrace)?

    init(_ circuit: Circuit, name: String = "circuit", trace: GradientTrace? = nil) {
        self.circuit = trace.map { circuit.substituting($0.bindings) } ?? circuit
        self.name = name
        traced = trace.map { (circuit, $0) }
    }
    public var typeName: String { "Circuit" }
    public var text: String { CircuitText.diagram(circuit) }
    public func member(_ name: String, context: CallContext) throws -> Value? {
        let e = circuit.estimate()
        switch name {
        case "qubits", "num_qubits": return .int(circuit.qubitCount)
        case "clbits": return .int(circuit.clbitCount)
        case "depth": return .int(e.depth)
        case "size", "gate_count": return .int(e.totalGates)
        case "name": return .string(self.name)
        case "inverse":
            return .builtin(Builtin("inverse", "c.inverse() -> Circuit", "The inverse circuit (gates reversed and inverted).") { _ in
                .object(CircuitValue(try (self.traced?.circuit ?? self.circuit).inverse(), name: self.name + "_inv", trace: self.traced?.trace))
            })
        default: return nil
        }
    }
    public var memberNames: [String] { ["qubits", "clbits", "depth", "size", "name", "inverse"] }
    public func equals(_ other: NativeObject) -> Bool { (other as? CircuitValue)?.circuit == circuit }
}

/// Measurement counts: a read-only Map from bitstring to count; missing outcomes read as 0.
public final class CountsValue: NativeObject, Indexable, Sized, Iterable, JSONConvertible, Container {
    public let counts: Counts
    init(_ counts: Counts) { self.counts = counts }
    public var typeName: String { "Counts" }
    public var length: Int { counts.distinctOutcomes }
    public var text: String {
        let rows = counts.sorted
        let shown = rows.prefix(16).map { "\($0.0): \($0.1)" }.joined(separator: ", ")
        return "{" + shown + (rows.count > 16 ? ", … \(rows.count - 16) more" : "") + "}"
    }

    /// An outcome as a bitstring: from a String, an Int (by value) or Bits.
    func key(_ v: Value) throws -> String {
        switch v {
        case .string(let s):
            guard s.count == counts.bitCount, s.allSatisfy({ $0 == "0" || $0 == "1" }) else {
                throw SynQError("E004", "KeyError", "'\(s)' is not a \(counts.bitCount)-bit outcome")
            }
            return s
        case .int(let i):
            guard i >= 0, counts.bitCount <= Counts.narrowLimit else { throw SynQError("E004", "KeyError", "\(i) is not an outcome") }
            return counts.bitstring(i)
        case .object(let o as BitsValue): return o.text
        default: throw SynQError.type("Counts are indexed by bitstrings like \"01\", not \(Format.typeName(v))")
        }
    }

    public func index(_ i: Value) throws -> Value { .int(counts.count(of: try key(i))) }
    public func equals(_ other: NativeObject) -> Bool { (other as? CountsValue)?.counts == counts }
    public func containsValue(_ v: Value) throws -> Bool { counts.count(of: try key(v)) > 0 }
    public func elements() throws -> [Value] { counts.sorted.map { .tuple([.string($0.0), .int($0.1)]) } }
    public func json() throws -> JSON { .object(JSONObject(counts.sorted.map { ($0.0, JSON.int($0.1)) })) }

    public func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "shots": return .int(counts.shots)
        case "keys": return method("keys", "counts.keys() -> List", "The outcomes seen, most frequent first.") { _ in .list(ListRef(self.counts.sorted.map { .string($0.0) })) }
        case "values": return method("values", "counts.values() -> List", "The counts, most frequent first.") { _ in .list(ListRef(self.counts.sorted.map { .int($0.1) })) }
        case "items": return method("items", "counts.items() -> List", "(outcome, count) tuples, most frequent first.") { _ in .list(ListRef(try self.elements())) }
        case "get": return method("get", "counts.get(outcome, default = 0) -> Int", "The count of an outcome.") { a in
            let n = self.counts.count(of: try self.key(try a.argument(0, "outcome")))
            return n > 0 || a.count < 2 ? .int(n) : a[1]
        }
        case "most_common": return method("most_common", "counts.most_common(k = 1) -> List", "The k most frequent (outcome, count) tuples.") { a in
            let k = a.count > 0 ? try a.int(0, "k") : 1
            return .list(ListRef(self.counts.sorted.prefix(max(0, k)).map { .tuple([.string($0.0), .int($0.1)]) }))
        }
        case "probabilities": return method("probabilities", "counts.probabilities() -> Map", "Each outcome's frequency.") { _ in
            .map(MapRef(self.counts.sorted.map { (.string($0.0), .float(Double($0.1) / Double(max(self.counts.shots, 1)))) }))
        }
        case "to_map": return method("to_map", "counts.to_map() -> Map", "The counts as an ordinary Map.") { _ in
            .map(MapRef(self.counts.sorted.map { (.string($0.0), .int($0.1)) }))
        }
        default: return nil
        }
    }
    public var memberNames: [String] { ["shots", "keys", "values", "items", "get", "most_common", "probabilities", "to_map"] }

    func method(_ name: String, _ signature: String, _ doc: String, _ body: @escaping (Arguments) throws -> Value) -> Value {
        .builtin(Builtin(name, signature, doc, body))
    }
}

/// A state vector as a value (a copy, so later gates do not change it).
public final class StateValue: NativeObject, Indexable, Sized {
    /// Owned by this value alone: a circuit's final state as simulated, or a copy of the live one.
    public let vector: StateVector
    public var qubitCount: Int { vector.qubitCount }
    init(_ vector: StateVector) { self.vector = vector }
    public var amplitudes: [Complex] { vector.array }
    public var typeName: String { "State" }
    public var length: Int { vector.dimension }
    public var text: String { StateText.ket(amplitudes, qubits: qubitCount) }

    public func index(_ i: Value) throws -> Value {
        switch i {
        case .int(let k): return .complex(vector[try Indexing.normalise(k, vector.dimension)])
        case .string(let s):
            guard s.count == qubitCount, let k = Int(s, radix: 2) else { throw SynQError("E004", "KeyError", "'\(s)' is not a \(qubitCount)-qubit basis state") }
            return .complex(vector[k])
        default: throw SynQError.type("a State is indexed by an Int or a bitstring")
        }
    }

    public func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "qubits": return .int(qubitCount)
        case "amplitudes": return .list(ListRef(amplitudes.map { .complex($0) }))
        case "probabilities":
            return .builtin(Builtin("probabilities", "state.probabilities() -> List", "|amplitude|² for every basis state.") { _ in
                numbersToList(self.amplitudes.map { $0.normSquared })
            })
        case "fidelity":
            return .builtin(Builtin("fidelity", "state.fidelity(other) -> Float", "|<self|other>|², the overlap with another State of the same size.") { a in
                guard case .object(let o as StateValue) = try a.argument(0, "other"), o.qubitCount == self.qubitCount else {
                    throw SynQError.type("fidelity needs a State of \(self.qubitCount) qubits")
                }
                let overlap = (0..<self.vector.dimension).reduce(Complex.zero) { $0 + self.vector[$1].conjugate * o.vector[$1] }
                return .float(overlap.normSquared)
            })
        default: return nil
        }
    }
    public var memberNames: [String] { ["qubits", "amplitudes", "probabilities", "fidelity"] }
}

/// A weighted sum of Pauli strings.
public final class ObservableValue: NativeObject {
    public let observable: Observable
    init(_ o: Observable) { observable = o }
    public var typeName: String { "Observable" }
    public var text: String {
        if observable.terms.isEmpty { return "0" }
        return observable.terms.map { t in
            let c = t.coefficient
            let coefficient = c.im == 0 ? (c.re == 1 ? "" : Format.float(c.re) + " * ") : "(" + Format.complex(c) + ") * "
            let label = t.paulis.keys.sorted().map { "\(t.paulis[$0]!)(\($0))" }.joined(separator: " * ")
            return coefficient + (label.isEmpty ? "I" : label)
        }.joined(separator: " + ")
    }
    public func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "terms": return .int(observable.terms.count)
        case "qubits": return .int(observable.qubitCount)
        case "matrix":
            return .builtin(Builtin("matrix", "obs.matrix(qubits = obs.qubits) -> List",
                                    "The dense matrix as a List of rows (qubit 0 is bit 0 of the row index), for linalg.eig.") { a in
                let n = a.count > 0 ? try a.int(0, "qubits") : self.observable.qubitCount
                guard n >= self.observable.qubitCount, n <= 12 else {
                    throw SynQError.value("matrix needs between \(self.observable.qubitCount) and 12 qubits, not \(n)")
                }
                let dim = 1 << n
                let m = self.observable.matrix(qubits: n)
                return .list(ListRef((0..<dim).map { r in
                    .list(ListRef((0..<dim).map { c in m[r * dim + c].im == 0 ? .float(m[r * dim + c].re) : .complex(m[r * dim + c]) }))
                }))
            })
        default: return nil
        }
    }
    public var memberNames: [String] { ["terms", "qubits", "matrix"] }
}

/// The resource estimate of a circuit.
public final class EstimateValue: NativeObject {
    public let estimate: ResourceEstimate
    init(_ e: ResourceEstimate) { estimate = e }
    public var typeName: String { "Estimate" }
    public var rows: [(String, String)] {
        var r: [(String, String)] = [("qubits", "\(estimate.qubits)"), ("classical bits", "\(estimate.clbits)"),
                                     ("gates", "\(estimate.totalGates)"), ("depth", "\(estimate.depth)"),
                                     ("two-qubit gates", "\(estimate.twoQubitGates)"), ("two-qubit depth", "\(estimate.twoQubitDepth)"),
                                     ("T-count", "\(estimate.tCount)"), ("measurements", "\(estimate.measurements)")]
        r += estimate.gateCounts.map { ("  " + $0.0, "\($0.1)") }
        let bytes = estimate.stateVectorBytes
        let memory = bytes < 1_048_576 ? "\(Int(bytes)) bytes" : bytes < 1_073_741_824 ? "\(Int(bytes) >> 20) MiB" : "\(Format.float(bytes / 1_073_741_824)) GiB"
        r.append(("state vector memory", memory))
        return r
    }
    public var text: String {
        let width = rows.map { $0.0.count }.max() ?? 0
        return rows.map { $0.0.padding(width) + "  " + $0.1 }.joined(separator: "\n")
    }
    public func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "qubits": return .int(estimate.qubits)
        case "depth": return .int(estimate.depth)
        case "two_qubit_depth": return .int(estimate.twoQubitDepth)
        case "gates": return .int(estimate.totalGates)
        case "t_count": return .int(estimate.tCount)
        case "two_qubit_gates": return .int(estimate.twoQubitGates)
        case "counts": return .map(MapRef(estimate.gateCounts.map { (.string($0.0), .int($0.1)) }))
        default: return nil
        }
    }
    public var memberNames: [String] { ["qubits", "depth", "two_qubit_depth", "gates", "t_count", "two_qubit_gates", "counts"] }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
