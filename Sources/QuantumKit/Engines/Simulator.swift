/// Runs circuits: a final state, or counts over many shots.
public enum Engine: String, CaseIterable, Sendable {
    case auto, statevector, stabilizer, density
}

/// Counts of outcomes over classical bits. Outcomes of up to 62 bits are keyed by their value
/// (bit j is clbit j); longer ones (from the stabilizer engine) by their bitstring.
public struct Counts: Equatable, Sendable {
    public var bitCount: Int
    public var shots: Int
    public var counts: [Int: Int]
    public var wideCounts: [String: Int] = [:]

    public static let narrowLimit = 62

    public init(bitCount: Int, shots: Int, counts: [Int: Int]) {
        self.bitCount = bitCount; self.shots = shots; self.counts = counts
    }

    public init(bitCount: Int, shots: Int, wideCounts: [String: Int]) {
        self.bitCount = bitCount; self.shots = shots; self.counts = [:]; self.wideCounts = wideCounts
    }

    /// Bitstring with bit 0 rightmost.
    public func bitstring(_ outcome: Int) -> String {
        String((0..<bitCount).reversed().map { outcome & (1 << $0) != 0 ? "1" : "0" })
    }

    /// How often an outcome (a bitstring, bit 0 rightmost) was seen.
    public func count(of bits: String) -> Int {
        if bitCount > Counts.narrowLimit { return wideCounts[bits] ?? 0 }
        guard let value = Int(bits, radix: 2) else { return 0 }
        return counts[value] ?? 0
    }

    public var distinctOutcomes: Int { counts.count + wideCounts.count }

    /// Outcomes sorted by count (descending), ties by outcome.
    public var sorted: [(String, Int)] {
        let rows = counts.map { (bitstring($0.key), $0.value) } + wideCounts.map { ($0.key, $0.value) }
        return rows.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }
}

extension Circuit {
    /// How a run can be split: the unitary prefix (gates and barriers) runs once; when nothing
    /// but measurements of distinct qubits follows, those (qubit, clbit) pairs are returned and
    /// every shot can be sampled from one final state. Otherwise the rest runs shot by shot.
    func samplingPlan() -> (prefixEnd: Int, terminal: [(Int, Int)]?) {
        var prefixEnd = 0
        loop: while prefixEnd < instructions.count {
            switch instructions[prefixEnd] {
            case .gate, .barrier: prefixEnd += 1
            default: break loop
            }
        }
        var terminal: [(Int, Int)] = []
        var measured = Set<Int>()
        for inst in instructions[prefixEnd...] {
            switch inst {
            case .measure(let q, let c):
                guard measured.insert(q).inserted else { return (prefixEnd, nil) }
                terminal.append((q, c))
            case .barrier: continue
            default: return (prefixEnd, nil)
            }
        }
        return (prefixEnd, terminal)
    }
}

public struct Simulator {
    public var seed: UInt64?
    public var cancellation: CancellationFlag?
    public var engine: Engine
    public var noise: NoiseModel
    /// The amplitudes' precision on the state vector (the density matrix is always double).
    public var precision: Precision
    /// Told (shots done, shots) before each shot of a run simulated shot by shot.
    public var progress: ((Int, Int) -> Void)?

    public init(seed: UInt64? = nil, cancellation: CancellationFlag? = nil, engine: Engine = .auto, noise: NoiseModel = .none,
                precision: Precision = .double) {
        self.seed = seed
        self.cancellation = cancellation
        self.engine = engine
        self.noise = noise
        self.precision = precision
    }

    /// The engine a run uses. `auto` takes the stabilizer engine for Clifford circuits (with
    /// Pauli noise at most), the density matrix for gate noise on up to `DensityMatrix.autoLimit`
    /// qubits, and the state vector (with trajectories when noisy) for the rest.
    public func engine(for circuit: Circuit) throws -> Engine {
        switch engine {
        case .auto:
            if circuit.isClifford && noise.isPauli { return .stabilizer }
            if noise.hasGateNoise && circuit.qubitCount <= DensityMatrix.autoLimit { return .density }
            return .statevector
        case .stabilizer:
            guard circuit.isClifford else {
                throw SimulationError("SIM031", "the stabilizer engine runs Clifford circuits only (h, s, sdg, sx, sxdg, x, y, z, cx, cy, cz, swap)")
            }
            guard noise.isPauli else {
                throw SimulationError("SIM032", "the stabilizer engine takes Pauli noise only (depolarizing, bit_flip, phase_flip, readout), not amplitude_damping")
            }
            return .stabilizer
        case .density, .statevector: return engine
        }
    }

    /// The state after every gate, reset and measurement (measurements collapse at random).
    /// The state has the simulator's precision.
    public func finalState(_ circuit: Circuit, bindings: [String: Double] = [:], dropMeasurements: Bool = true) throws -> StateVector {
        let state = try StateVector(qubits: circuit.qubitCount, precision: precision)
        var random = seed.map { SeededRandom(seed: $0) } ?? .fromEntropy()
        var bits = [Bool](repeating: false, count: circuit.clbitCount)
        let kept = circuit.instructions.filter { if dropMeasurements, case .measure = $0 { return false }; return true }
        try execute(try Simulator.compile(kept[...], bindings: bindings), on: state) {
            try execute($0, on: state, bits: &bits, random: &random, bindings: bindings)
        }
        if circuit.globalPhase != 0 { state.multiply(by: Complex.exp(i: circuit.globalPhase)) }
        return state
    }

    /// One step of a compiled run: fused gate blocks with their kernels chosen, or an
    /// instruction that is not a plain gate.
    enum Step {
        case blocks([KernelChoice])
        case instruction(Instruction)
    }

    /// Parameters bound and each run of plain gates fused (barriers do not stop fusion). Each
    /// operation becomes the vector gates `lower` gives (by default, its own matrix gate).
    static func compile(_ instructions: ArraySlice<Instruction>, bindings: [String: Double],
                        lower: (MatrixGate) -> [MatrixGate] = { [$0] }) throws -> [Step] {
        var steps: [Step] = []
        var run: [MatrixGate] = []
        func endRun() {
            var kernels: [KernelChoice] = []
            for part in PhaseGroup.split(run) {
                switch part {
                case .gates(let gates): kernels += GateFusion.fuse(gates).map { $0.gate.kernel }
                case .group(let group): kernels.append(.phaseGroup(group))
                }
            }
            if !kernels.isEmpty { steps.append(.blocks(CacheBlocking.group(kernels))) }
            run = []
        }
        for inst in instructions {
            switch inst {
            case .gate(let op): run += lower(try op.matrixGate(bindings))
            case .barrier: continue
            default:
                endRun()
                steps.append(.instruction(inst))
            }
        }
        endRun()
        return steps
    }

    /// Runs compiled steps: gate blocks on `vector`, other instructions through `instruction`.
    func execute(_ steps: [Step], on vector: StateVector, instruction: (Instruction) throws -> Void) throws {
        for step in steps {
            switch step {
            case .blocks(let blocks):
                for kernel in blocks {
                    try cancellation?.check()
                    vector.run(kernel)
                }
            case .instruction(let inst):
                try cancellation?.check()
                try instruction(inst)
            }
        }
    }

    func execute(_ inst: Instruction, on state: StateVector, bits: inout [Bool], random: inout SeededRandom,
                 bindings: [String: Double]) throws {
        switch inst {
        case .gate(let op): try state.apply(op, bindings: bindings)
        case .measure(let q, let c): bits[c] = state.measure(q, random: &random)
        case .reset(let q): state.reset(q, random: &random)
        case .barrier: break
        case .conditional(let clbits, let value, let op):
            if Instruction.conditionHolds(clbits: clbits, value: value, bits: bits) { try state.apply(op, bindings: bindings) }
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
        let chosen = try engine(for: circuit)
        if chosen == .stabilizer { return try runStabilizer(circuit, shots: shots, random: &random) }
        guard circuit.clbitCount <= Counts.narrowLimit else {
            throw SimulationError("SIM003", "the \(chosen.rawValue) engine counts outcomes of at most \(Counts.narrowLimit) bits, not \(circuit.clbitCount)")
        }
        if chosen == .density { return try runDensity(circuit, shots: shots, random: &random, bindings: bindings) }
        if noise.hasGateNoise { return try runTrajectories(circuit, shots: shots, random: &random, bindings: bindings) }
        return try runStateVector(circuit, shots: shots, random: &random, bindings: bindings)
    }

    /// Counts on the state vector: the unitary prefix runs once; terminal measurements are
    /// sampled from it, anything else runs shot by shot on a copy.
    func runStateVector(_ circuit: Circuit, shots: Int, random: inout SeededRandom, bindings: [String: Double]) throws -> Counts {
        let insts = circuit.instructions
        let (prefixEnd, terminalMeasurements) = circuit.samplingPlan()
        let state = try StateVector(qubits: circuit.qubitCount, precision: precision)
        var bits = [Bool](repeating: false, count: circuit.clbitCount)
        try execute(try Simulator.compile(insts[..<prefixEnd], bindings: bindings), on: state) {
            try execute($0, on: state, bits: &bits, random: &random, bindings: bindings)
        }
        if let terminal = terminalMeasurements {
            let byQubit = state.sample(terminal.map { $0.0 }, shots: shots, random: &random)
            return counts(circuit, terminal: terminal, byQubit, random: &random)
        }
        var counts: [Int: Int] = [:]
        let scratch = try StateVector(qubits: circuit.qubitCount, precision: precision)
        let rest = try Simulator.compile(insts[prefixEnd...], bindings: bindings)
        let measured = circuit.measuredClbits
        for shot in 0..<shots {
            try cancellation?.check()
            progress?(shot, shots)
            scratch.copyAmplitudes(from: state)
            var shotBits = bits
            try execute(rest, on: scratch) {
                try execute($0, on: scratch, bits: &shotBits, random: &random, bindings: bindings)
            }
            noise.misread(&shotBits, measured: measured, random: &random)
            counts[Simulator.key(shotBits), default: 0] += 1
        }
        return Counts(bitCount: circuit.clbitCount, shots: shots, counts: counts)
    }

    /// Outcomes of the terminal measurements (bit j of an outcome is terminal[j]'s qubit) as
    /// counts over the circuit's clbits, each shot misread as the noise model says.
    func counts(_ circuit: Circuit, terminal: [(Int, Int)], _ byQubit: [Int: Int], random: inout SeededRandom) -> Counts {
        var counts: [Int: Int] = [:]
        let clbits = terminal.map { $0.1 }
        // in outcome order, so a seeded run draws its readout errors the same way every time
        for (outcome, n) in byQubit.sorted(by: { $0.key < $1.key }) {
            var bits = [Bool](repeating: false, count: circuit.clbitCount)
            for (j, (_, c)) in terminal.enumerated() where outcome & (1 << j) != 0 { bits[c] = true }
            if noise.readoutError == 0 {
                counts[Simulator.key(bits), default: 0] += n
                continue
            }
            for _ in 0..<n {
                var shot = bits
                noise.misread(&shot, measured: clbits, random: &random)
                counts[Simulator.key(shot), default: 0] += 1
            }
        }
        return Counts(bitCount: circuit.clbitCount, shots: byQubit.values.reduce(0, +), counts: counts)
    }

    /// Bits as a counts key: bit c is clbit c.
    static func key(_ bits: [Bool]) -> Int {
        var key = 0
        for (c, b) in bits.enumerated() where b { key |= 1 << c }
        return key
    }

    /// A Clifford circuit on the tableau: sampled from the final state when all measurements
    /// come last and there is no gate noise, else simulated shot by shot with random Paulis
    /// drawn after each gate.
    func runStabilizer(_ circuit: Circuit, shots: Int, random: inout SeededRandom) throws -> Counts {
        let tableau = StabilizerTableau(qubits: circuit.qubitCount)
        let insts = circuit.instructions
        let (prefixEnd, terminalMeasurements) = noise.hasGateNoise ? (0, nil) : circuit.samplingPlan()
        let measured = circuit.measuredClbits
        let pauliDraws = noise.activeChannels.map { $0.pauliProbabilities! }
        for inst in insts[..<prefixEnd] {
            try cancellation?.check()
            if case .gate(let op) = inst { try tableau.apply(op) }
        }
        let wide = circuit.clbitCount > Counts.narrowLimit
        var narrow: [Int: Int] = [:]
        var wideCounts: [String: Int] = [:]
        func record(_ bits: [Bool], times: Int = 1) {
            var bits = bits
            noise.misread(&bits, measured: measured, random: &random)
            if wide {
                wideCounts[String(decoding: bits.reversed().map { $0 ? UInt8(ascii: "1") : UInt8(ascii: "0") }, as: UTF8.self), default: 0] += times
            } else {
                narrow[Simulator.key(bits), default: 0] += times
            }
        }
        if let terminal = terminalMeasurements {
            // Without readout error a shot is its packed sample, so equal samples are tallied
            // first and each distinct outcome is unpacked once (a GHZ state has two).
            let samples = tableau.sample(terminal.map { $0.0 }, shots: shots, random: &random)
            var tally: [([UInt64], Int)] = []
            if noise.readoutError == 0 {
                var index: [[UInt64]: Int] = [:]
                for sample in samples {
                    if let i = index[sample] { tally[i].1 += 1 } else { index[sample] = tally.count; tally.append((sample, 1)) }
                }
            } else {
                tally = samples.map { ($0, 1) }
            }
            for (sample, times) in tally {
                var bits = [Bool](repeating: false, count: circuit.clbitCount)
                for (j, (_, c)) in terminal.enumerated() { bits[c] = (sample[j / 64] >> UInt64(j % 64)) & 1 != 0 }
                record(bits, times: times)
            }
        } else {
            for shot in 0..<shots {
                try cancellation?.check()
                progress?(shot, shots)
                let t = tableau.copy()
                var bits = [Bool](repeating: false, count: circuit.clbitCount)
                func noisy(_ op: Operation) throws {
                    try t.apply(op)
                    for q in op.qubits {
                        for probabilities in pauliDraws {
                            let pauli = NoiseModel.drawPauli(probabilities, random: &random)
                            if pauli != 0 { try t.apply(Operation(NoiseModel.paulis[pauli], [q])) }
                        }
                    }
                }
                for inst in insts[prefixEnd...] {
                    switch inst {
                    case .gate(let op): try noisy(op)
                    case .measure(let q, let c): bits[c] = t.measure(q, random: &random)
                    case .reset(let q): t.reset(q, random: &random)
                    case .barrier: break
                    case .conditional(let clbits, let value, let op):
                        if Instruction.conditionHolds(clbits: clbits, value: value, bits: bits) { try noisy(op) }
                    }
                }
                record(bits)
            }
        }
        return wide ? Counts(bitCount: circuit.clbitCount, shots: shots, wideCounts: wideCounts)
                    : Counts(bitCount: circuit.clbitCount, shots: shots, counts: narrow)
    }
}
