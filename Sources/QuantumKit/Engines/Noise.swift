/// A noise channel on one qubit. Parameters follow Qiskit Aer's conventions, so its noisy
/// results can judge ours.
public enum NoiseChannel: Equatable, Sendable {
    /// ρ → (1-p)ρ + p·I/2: X, Y and Z each with probability p/4.
    case depolarizing(Double)
    /// Energy loss: |1> decays to |0> with probability γ.
    case amplitudeDamping(Double)
    /// X with probability p.
    case bitFlip(Double)
    /// Z with probability p.
    case phaseFlip(Double)

    public var name: String {
        switch self {
        case .depolarizing: return "depolarizing"
        case .amplitudeDamping: return "amplitude_damping"
        case .bitFlip: return "bit_flip"
        case .phaseFlip: return "phase_flip"
        }
    }

    public var parameter: Double {
        switch self {
        case .depolarizing(let p), .amplitudeDamping(let p), .bitFlip(let p), .phaseFlip(let p): return p
        }
    }

    /// Probabilities of I, X, Y and Z for a channel that applies a random Pauli; nil otherwise.
    public var pauliProbabilities: [Double]? {
        switch self {
        case .depolarizing(let p): return [1 - 3 * p / 4, p / 4, p / 4, p / 4]
        case .bitFlip(let p): return [1 - p, p, 0, 0]
        case .phaseFlip(let p): return [1 - p, 0, 0, p]
        case .amplitudeDamping: return nil
        }
    }

    /// Kraus operators, 2x2 row-major: ρ → Σ K ρ K†.
    public var kraus: [[Complex]] {
        if let probabilities = pauliProbabilities {
            return zip(NoiseModel.paulis, probabilities).filter { $0.1 > 0 }.map { kind, p in
                kind.matrix([]).map { $0 * Complex(p.squareRoot()) }
            }
        }
        guard case .amplitudeDamping(let g) = self else { return [] }
        return [[.one, .zero, .zero, Complex((1 - g).squareRoot())],
                [.zero, Complex(g.squareRoot()), .zero, .zero]]
    }
}

/// What happens to a noisy run: the channels act after every gate on every qubit the gate
/// touches (controls included), in order; each measured bit is reported flipped with
/// probability `readoutError`. Measurement, reset and barriers are noiseless.
public struct NoiseModel: Equatable, Sendable {
    public var channels: [NoiseChannel]
    public var readoutError: Double

    public static let none = NoiseModel()

    public init(channels: [NoiseChannel] = [], readoutError: Double = 0) {
        self.channels = channels
        self.readoutError = readoutError
    }

    /// Checks every probability lies in [0, 1].
    public func validated() throws -> NoiseModel {
        for c in channels where !(0...1).contains(c.parameter) {
            throw SimulationError("SIM040", "\(c.name)(\(c.parameter)): the parameter is a probability, between 0 and 1")
        }
        guard (0...1).contains(readoutError) else {
            throw SimulationError("SIM040", "readout(\(readoutError)): the parameter is a probability, between 0 and 1")
        }
        return self
    }

    public var isEmpty: Bool { channels.allSatisfy { $0.parameter == 0 } && readoutError == 0 }

    /// The channels that do something (parameter above 0), in order.
    var activeChannels: [NoiseChannel] { channels.filter { $0.parameter > 0 } }

    public var hasGateNoise: Bool { !activeChannels.isEmpty }

    /// Whether every channel applies random Paulis, so Clifford circuits stay Clifford.
    public var isPauli: Bool { channels.allSatisfy { $0.pauliProbabilities != nil } }

    /// Flips each bit of `bits` with the readout error's probability.
    func misread(_ bits: inout [Bool], measured: [Int], random: inout SeededRandom) {
        guard readoutError > 0 else { return }
        for c in measured where random.uniform() < readoutError { bits[c].toggle() }
    }

    static let paulis: [GateKind] = [.id, .x, .y, .z]

    /// Draws a Pauli (0 I, 1 X, 2 Y, 3 Z) from a Pauli channel's probabilities.
    static func drawPauli(_ probabilities: [Double], random: inout SeededRandom) -> Int {
        var u = random.uniform()
        for (k, p) in probabilities.enumerated() {
            if u < p { return k }
            u -= p
        }
        return 0
    }
}
