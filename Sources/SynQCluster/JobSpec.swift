import QuantumKit
import Support

/// What a job asks for: one or more tasks, each a run (counts) or an expectation value. Its JSON
/// form is stable: the kernel writes it, `synq worker` reads it on a cluster node.
public struct JobSpec: Equatable, Sendable {
    public static let formatVersion = 1
    public var tasks: [JobTask]

    public init(tasks: [JobTask]) { self.tasks = tasks }

    public var json: JSON {
        .object(["synq_job": .int(JobSpec.formatVersion), "tasks": .array(tasks.map(\.json))])
    }

    public init(json: JSON) throws {
        guard json["synq_job"]?.int == JobSpec.formatVersion else {
            throw ClusterError.spec("not a SynQ job spec of version \(JobSpec.formatVersion)")
        }
        guard let tasks = json["tasks"]?.array else { throw ClusterError.spec("the job spec has no tasks") }
        self.tasks = try tasks.map(JobTask.init(json:))
    }
}

/// One unit of work. Executing it is the same code path as the synchronous `run` and `expect`,
/// so a job returns exactly what the same call would return in the session.
public enum JobTask: Equatable, Sendable {
    case run(RunTask)
    case expect(ExpectTask)

    public var circuit: Circuit {
        switch self {
        case .run(let t): return t.circuit
        case .expect(let t): return t.circuit
        }
    }

    public func execute(cancellation: CancellationFlag?) throws -> TaskResult {
        switch self {
        case .run(let t): return .counts(try t.execute(cancellation: cancellation))
        case .expect(let t): return .value(try t.execute(cancellation: cancellation))
        }
    }

    var json: JSON {
        var o: JSONObject
        let (seed, noise, precision): (UInt64?, NoiseModel, Precision)
        switch self {
        case .run(let t):
            o = ["kind": "run", "circuit": CircuitCoding.encode(t.circuit), "shots": .int(t.shots)]
            (seed, noise, precision) = (t.seed, t.noise, t.precision)
            o["engine"] = .string(t.engine.rawValue)
        case .expect(let t):
            o = ["kind": "expect", "circuit": CircuitCoding.encode(t.circuit), "observable": CircuitCoding.encode(t.observable)]
            if let shots = t.shots { o["shots"] = .int(shots) }
            (seed, noise, precision) = (t.seed, t.noise, t.precision)
        }
        if let seed { o["seed"] = .int(Int(bitPattern: UInt(seed))) }
        o["noise"] = CircuitCoding.encode(noise)
        o["precision"] = .string(precision.rawValue)
        return .object(o)
    }

    init(json: JSON) throws {
        let circuit = try CircuitCoding.circuit(json["circuit"] ?? .null)
        let seed = json["seed"]?.int.map { UInt64(UInt(bitPattern: $0)) }
        let noise = try CircuitCoding.noise(json["noise"] ?? .null)
        guard let precision = Precision(rawValue: json["precision"]?.string ?? "double") else {
            throw ClusterError.spec("unknown precision \(json["precision"]?.string ?? "")")
        }
        switch json["kind"]?.string {
        case "run":
            guard let shots = json["shots"]?.int, let engine = Engine(rawValue: json["engine"]?.string ?? "auto") else {
                throw ClusterError.spec("a run task needs shots and a known engine")
            }
            self = .run(RunTask(circuit: circuit, shots: shots, seed: seed, engine: engine, noise: noise, precision: precision))
        case "expect":
            let observable = try CircuitCoding.observable(json["observable"] ?? .null)
            self = .expect(ExpectTask(circuit: circuit, observable: observable, shots: json["shots"]?.int, seed: seed,
                                      noise: noise, precision: precision))
        default:
            throw ClusterError.spec("unknown task kind \(json["kind"]?.string ?? "(none)")")
        }
    }
}

public struct RunTask: Equatable, Sendable {
    public var circuit: Circuit
    public var shots: Int
    public var seed: UInt64?
    public var engine: Engine
    public var noise: NoiseModel
    public var precision: Precision

    public init(circuit: Circuit, shots: Int, seed: UInt64?, engine: Engine = .auto, noise: NoiseModel = .none, precision: Precision = .double) {
        self.circuit = circuit; self.shots = shots; self.seed = seed; self.engine = engine; self.noise = noise; self.precision = precision
    }

    public func execute(cancellation: CancellationFlag?, progress: ((Int, Int) -> Void)? = nil) throws -> Counts {
        var simulator = Simulator(seed: seed, cancellation: cancellation, engine: engine, noise: noise, precision: precision)
        simulator.progress = progress
        return try simulator.run(circuit, shots: shots)
    }
}

public struct ExpectTask: Equatable, Sendable {
    public var circuit: Circuit
    public var observable: Observable
    public var shots: Int?
    public var seed: UInt64?
    public var noise: NoiseModel
    public var precision: Precision

    public init(circuit: Circuit, observable: Observable, shots: Int?, seed: UInt64?, noise: NoiseModel = .none, precision: Precision = .double) {
        self.circuit = circuit; self.observable = observable; self.shots = shots; self.seed = seed; self.noise = noise; self.precision = precision
    }

    /// Exact on the density matrix with gate noise, estimated from samples with shots, else exact
    /// on the final state vector.
    public func execute(cancellation: CancellationFlag?) throws -> Double {
        if noise.hasGateNoise {
            return try Simulator(cancellation: cancellation, noise: noise).densityMatrix(circuit).expectation(observable)
        }
        if let shots {
            return try SampledExpectation.estimate(circuit, observable, shots: shots, seed: seed, cancellation: cancellation)
        }
        let state = try Simulator(cancellation: cancellation, precision: precision).finalState(circuit)
        return observable.expectation(state)
    }
}

/// What one task returned.
public enum TaskResult: Equatable, Sendable {
    case counts(Counts)
    case value(Double)

    public var json: JSON {
        switch self {
        case .counts(let c): return .object(["counts": CircuitCoding.encode(c)])
        case .value(let v): return .object(["value": .double(v)])
        }
    }

    public init(json: JSON) throws {
        if let counts = json["counts"] { self = .counts(try CircuitCoding.counts(counts)); return }
        if let value = json["value"]?.double { self = .value(value); return }
        throw ClusterError.spec("a task result is neither counts nor a value")
    }
}
