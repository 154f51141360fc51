import QuantumKit

/// One noise channel or readout error, as `run(c, noise: ...)` takes it (alone or in a List).
public final class NoiseValue: NativeObject {
    public let model: NoiseModel
    init(_ model: NoiseModel) { self.model = model }
    public var typeName: String { "Noise" }
    public var text: String {
        let parts = model.channels.map { "\($0.name)(\(Format.float($0.parameter)))" }
            + (model.readoutError > 0 ? ["readout(\(Format.float(model.readoutError)))"] : [])
        return parts.joined(separator: " + ")
    }
}

/// A mixed state: the density matrix of a noisy circuit.
public final class DensityValue: NativeObject {
    public let rho: DensityMatrix
    init(_ rho: DensityMatrix) { self.rho = rho }
    public var typeName: String { "DensityMatrix" }
    public var qubitCount: Int { rho.qubitCount }
    public var probabilities: [Double] { rho.probabilities() }
    public var text: String {
        var lines = ["DensityMatrix(\(qubitCount) qubits, purity \(Format.float((rho.purity * 1e6).rounded() / 1e6)))"]
        guard qubitCount <= 3 else { return lines[0] }
        for r in 0..<rho.dimension {
            lines.append((0..<rho.dimension).map { DensityValue.entryText(rho[r, $0]) }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    /// An entry to 4 decimals, as a real number when it has no imaginary part.
    static func entryText(_ z: Complex) -> String {
        let re = (z.re * 1e4).rounded() / 1e4 + 0, im = (z.im * 1e4).rounded() / 1e4 + 0
        return im == 0 ? Format.float(re) : Format.complex(Complex(re, im))
    }

    public func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "qubits": return .int(qubitCount)
        case "purity": return .float(rho.purity)
        case "probabilities":
            return .builtin(Builtin("probabilities", "rho.probabilities() -> List", "The diagonal: the probability of every basis state.") { _ in
                numbersToList(self.probabilities)
            })
        case "entry":
            return .builtin(Builtin("entry", "rho.entry(row, column) -> Complex", "One entry ρ[row][column].") { a in
                let r = try Indexing.normalise(try a.int(0, "row"), self.rho.dimension)
                let c = try Indexing.normalise(try a.int(1, "column"), self.rho.dimension)
                return .complex(self.rho[r, c])
            })
        default: return nil
        }
    }
    public var memberNames: [String] { ["qubits", "purity", "probabilities", "entry"] }
}

enum NoiseLibrary {
    /// The `noise:` argument: one Noise value or a List of them, combined in order.
    static func noise(_ a: Arguments) throws -> NoiseModel {
        guard let v = a.keyword("noise") else { return .none }
        var model = NoiseModel()
        func add(_ v: Value) throws {
            switch v {
            case .object(let n as NoiseValue):
                model.channels += n.model.channels
                let (p, q) = (model.readoutError, n.model.readoutError)
                model.readoutError = p * (1 - q) + q * (1 - p)
            case .list(let l): try l.items.forEach(add)
            case .none: break
            default:
                throw SynQError.type("noise: takes depolarizing(p), amplitude_damping(g), bit_flip(p), phase_flip(p), readout(p) or a List of them, not \(Format.typeName(v))")
            }
        }
        try add(v)
        return try model.validated()
    }

    static func channel(_ name: String, _ parameter: String, _ doc: String, _ make: @escaping (Double) -> NoiseModel) -> Builtin {
        Builtin(name, "\(name)(\(parameter)) -> Noise", doc) { a in
            .object(NoiseValue(try make(try a.float(0, parameter)).validated()))
        }
    }

    static let builtins: [Builtin] = [
        channel("depolarizing", "p", "After every gate, each qubit it touches is replaced by the maximally mixed state with probability p (X, Y, Z each with p/4). Pass it to run, expect or density as noise: ...") {
            NoiseModel(channels: [.depolarizing($0)])
        },
        channel("amplitude_damping", "g", "After every gate, each qubit it touches relaxes from |1> to |0> with probability g (energy loss, T1).") {
            NoiseModel(channels: [.amplitudeDamping($0)])
        },
        channel("bit_flip", "p", "After every gate, X on each qubit it touches with probability p.") {
            NoiseModel(channels: [.bitFlip($0)])
        },
        channel("phase_flip", "p", "After every gate, Z on each qubit it touches with probability p (dephasing).") {
            NoiseModel(channels: [.phaseFlip($0)])
        },
        channel("readout", "p", "Each measured bit is reported flipped with probability p.") {
            NoiseModel(readoutError: $0)
        },
        Builtin("density", "density(c, noise: nil) -> DensityMatrix",
                "The mixed state of a circuit after its gates, their noise and its resets (measurements dropped), as a density matrix: 16 x 4^n bytes, so up to about 13 qubits.") { a in
            let c = try QuantumLibrary.circuit(try a.argument(0, "c"))
            let simulator = Simulator(cancellation: a.context.interrupt, noise: try noise(a))
            return .object(DensityValue(try simulator.densityMatrix(c)))
        },
    ]
}
