/// Runs circuits: a final state, or counts over many shots.
public enum Engine: String, CaseIterable, Sendable {
    case auto, statevector, stabilizer, density
}

/// Counts of outcomes over classical bits; the key's bit j is clbit j.
public struct Counts: Equatable, Sendable {
    public var bitCount: Int
    public var shots: Int
    public var counts: [Int: Int]

    public init(bitCount: Int, shots: Int, counts: [Int: Int]) {
        self.bitCount = bitCount; self.shots = shots; self.counts = counts
    }

    /// Bitstring with bit 0 rightmost.
    public func bitstring(_ outcome: Int) -> String {
        String((0..<bitCount).reversed().map { outcome & (1 << $0) != 0 ? "1" : "0" })
    }

    /// Outcomes sorted by count (descending), ties by outcome.
    public var sorted: [(String, Int)] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { (bitstring($0.key), $0.value) }
    }
}

public struct Simulator {
    public var seed: UInt64?
    public var cancellation: CancellationFlag?

    public init(seed: UInt64? = nil, cancellation: CancellationFlag? = nil) {
        self.seed = seed
        self.cancellation = cancellation
    }

    /// The state after every gate, reset and measurement (measurements collapse at random).
    public func finalState(_ circuit: Circuit, bindings: [String: Double] = [:], dropMeasurements: Bool = true) throws -> StateVector {
        let state = try StateVector(qubits: circuit.qubitCount)
        var random = seed.map { SeededRandom(seed: $0) } ?? .fromEntropy()
        var bits = [Bool](repeating: false, count: circuit.clbitCount)
        for inst in circuit.instructions {
            try cancellation?.check()
            if dropMeasurements, case .measure = inst { continue }
            try execute(inst, on: state, bits: &bits, random: &random, bindings: bindings)
        }
        return state
    }

    func execute(_ inst: Instruction, on state: StateVector, bits: inout [Bool], random: inout SeededRandom,
                 bindings: [String: Double]) throws {
        switch inst {
        case .gate(let op): try state.apply(op, bindings: bindings)
        case .measure(let q, let c): bits[c] = state.measure(q, random: &random)
        case .reset(let q): state.reset(q, random: &random)
        case .barrier: break
        case .conditional(let clbits, let value, let op):
            var v = 0
            for (j, c) in clbits.enumerated() where bits[c] { v |= 1 << j }
            if v == value { try state.apply(op, bindings: bindings) }
        }
    }

    /// Runs `shots` times. Measurements at the end are sampled from one final state; a circuit
    /// with mid-circuit measurement, reset or feedback is simulated shot by shot from the point
    /// where it stops being unitary. A circuit without measurements measures every qubit.
    public func run(_ circuit: Circuit, shots: Int, bindings: [String: Double] = [:]) throws -> Counts {
        var random = seed.map { SeededRandom(seed: $0) } ?? .fromEntropy()
        var circuit = circuit
        if !circuit.hasMeasurements {
            let offset = circuit.clbitCount
            circuit.addClbits("meas", circuit.qubitCount)
            for q in 0..<circuit.qubitCount { circuit.append(.measure(qubit: q, clbit: offset + q)) }
        }
        let insts = circuit.instructions
        // the unitary prefix runs once
        var prefixEnd = 0
        while prefixEnd < insts.count {
            if case .gate = insts[prefixEnd] { prefixEnd += 1 } else if case .barrier = insts[prefixEnd] { prefixEnd += 1 } else { break }
        }
        // terminal measurements: nothing but measurements and barriers after the prefix
        var terminal: [(Int, Int)] = []
        var isTerminal = true
        var measuredQubits = Set<Int>()
        for inst in insts[prefixEnd...] {
            switch inst {
            case .measure(let q, let c):
                if measuredQubits.contains(q) { isTerminal = false }
                measuredQubits.insert(q)
                terminal.append((q, c))
            case .barrier: continue
            default: isTerminal = false
            }
        }
        let state = try StateVector(qubits: circuit.qubitCount)
        var bits = [Bool](repeating: false, count: circuit.clbitCount)
        for inst in insts[..<prefixEnd] {
            try cancellation?.check()
            try execute(inst, on: state, bits: &bits, random: &random, bindings: bindings)
        }
        if isTerminal {
            let byQubit = state.sample(terminal.map { $0.0 }, shots: shots, random: &random)
            var counts: [Int: Int] = [:]
            for (outcome, n) in byQubit {
                var key = 0
                for (j, (_, c)) in terminal.enumerated() where outcome & (1 << j) != 0 { key |= 1 << c }
                counts[key, default: 0] += n
            }
            return Counts(bitCount: circuit.clbitCount, shots: shots, counts: counts)
        }
        var counts: [Int: Int] = [:]
        let scratch = try StateVector(qubits: circuit.qubitCount)
        for _ in 0..<shots {
            try cancellation?.check()
            scratch.amplitudes.update(from: state.amplitudes, count: 2 * state.dimension)
            var shotBits = bits
            for inst in insts[prefixEnd...] {
                try execute(inst, on: scratch, bits: &shotBits, random: &random, bindings: bindings)
            }
            var key = 0
            for (c, b) in shotBits.enumerated() where b { key |= 1 << c }
            counts[key, default: 0] += 1
        }
        return Counts(bitCount: circuit.clbitCount, shots: shots, counts: counts)
    }
}
