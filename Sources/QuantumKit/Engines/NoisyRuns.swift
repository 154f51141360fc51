/// Noisy runs: exactly on the density matrix, or by trajectories on the state vector.
extension Simulator {
    /// The vector gates of one noisy gate on a density matrix: ρ → UρU†, then each channel of
    /// the noise model on each qubit the gate touches.
    func densityGates(_ gate: MatrixGate, on rho: DensityMatrix) -> [MatrixGate] {
        var gates = rho.superoperator(gate)
        for q in MatrixGate.bitPositions(gate.qubitMask) {
            for channel in noise.activeChannels {
                gates.append(rho.superoperator(kraus: channel.kraus, on: q))
            }
        }
        return gates
    }

    /// The mixed state after every gate, its noise and every reset (measurements dropped, as
    /// for `finalState`).
    public func densityMatrix(_ circuit: Circuit, bindings: [String: Double] = [:]) throws -> DensityMatrix {
        let rho = try DensityMatrix(qubits: circuit.qubitCount)
        let kept = circuit.instructions.filter { if case .measure = $0 { return false }; return true }
        var bits = [Bool](repeating: false, count: circuit.clbitCount)
        var random = seed.map { SeededRandom(seed: $0) } ?? .fromEntropy()
        try execute(try Simulator.compile(kept[...], bindings: bindings) { densityGates($0, on: rho) }, on: rho.storage) {
            try execute($0, on: rho, bits: &bits, random: &random, bindings: bindings)
        }
        return rho
    }

    func execute(_ inst: Instruction, on rho: DensityMatrix, bits: inout [Bool], random: inout SeededRandom,
                 bindings: [String: Double]) throws {
        switch inst {
        case .gate(let op): for g in densityGates(try op.matrixGate(bindings), on: rho) { rho.storage.apply(g) }
        case .measure(let q, let c): bits[c] = rho.measure(q, random: &random)
        case .reset(let q): rho.reset(q)
        case .barrier: break
        case .conditional(let clbits, let value, let op):
            if Instruction.conditionHolds(clbits: clbits, value: value, bits: bits) {
                try execute(.gate(op), on: rho, bits: &bits, random: &random, bindings: bindings)
            }
        }
    }

    /// Counts from the density matrix: the gates and their noise run once; terminal
    /// measurements are sampled from the diagonal, anything else runs shot by shot on a copy.
    func runDensity(_ circuit: Circuit, shots: Int, random: inout SeededRandom, bindings: [String: Double]) throws -> Counts {
        let rho = try DensityMatrix(qubits: circuit.qubitCount)
        let insts = circuit.instructions
        let (prefixEnd, terminalMeasurements) = circuit.samplingPlan()
        var bits = [Bool](repeating: false, count: circuit.clbitCount)
        func steps(_ part: ArraySlice<Instruction>) throws -> [Step] {
            try Simulator.compile(part, bindings: bindings) { densityGates($0, on: rho) }
        }
        try execute(try steps(insts[..<prefixEnd]), on: rho.storage) {
            try execute($0, on: rho, bits: &bits, random: &random, bindings: bindings)
        }
        if let terminal = terminalMeasurements {
            return counts(circuit, terminal: terminal, rho.sample(terminal.map { $0.0 }, shots: shots, random: &random), random: &random)
        }
        let rest = try steps(insts[prefixEnd...])
        let measured = circuit.measuredClbits
        var counts: [Int: Int] = [:]
        for shot in 0..<shots {
            try cancellation?.check()
            progress?(shot, shots)
            let scratch = try rho.copy()
            var shotBits = bits
            try execute(rest, on: scratch.storage) {
                try execute($0, on: scratch, bits: &shotBits, random: &random, bindings: bindings)
            }
            noise.misread(&shotBits, measured: measured, random: &random)
            counts[Simulator.key(shotBits), default: 0] += 1
        }
        return Counts(bitCount: circuit.clbitCount, shots: shots, counts: counts)
    }

    /// Counts by trajectories: each shot runs the whole circuit on the state vector, with one
    /// Kraus operator of each channel drawn after each gate. Pauli errors are drawn up front and
    /// fused with the gates; other channels draw from the qubit's reduced state, so they need
    /// the gates before them applied.
    func runTrajectories(_ circuit: Circuit, shots: Int, random: inout SeededRandom, bindings: [String: Double]) throws -> Counts {
        let gates: [MatrixGate?] = try circuit.instructions.map {
            switch $0 {
            case .gate(let op), .conditional(_, _, let op): return try op.matrixGate(bindings)
            default: return nil
            }
        }
        let paulis = NoiseModel.paulis.map { $0.matrix([]) }
        let channels = noise.activeChannels.map { (kraus: $0.kraus, pauli: $0.pauliProbabilities) }
        let state = try StateVector(qubits: circuit.qubitCount, precision: precision)
        let measured = circuit.measuredClbits
        var counts: [Int: Int] = [:]
        for shot in 0..<shots {
            progress?(shot, shots)
            state.setZero()
            var bits = [Bool](repeating: false, count: circuit.clbitCount)
            var pending: [MatrixGate] = []
            func flush() throws {
                for block in GateFusion.fuse(pending) {
                    try cancellation?.check()
                    state.apply(block.gate)
                }
                pending = []
            }
            func noisy(_ gate: MatrixGate) throws {
                pending.append(gate)
                for q in MatrixGate.bitPositions(gate.qubitMask) {
                    for channel in channels {
                        if let probabilities = channel.pauli {
                            let k = NoiseModel.drawPauli(probabilities, random: &random)
                            if k != 0 { pending.append(MatrixGate(targets: [q], matrix: paulis[k])) }
                        } else {
                            try flush()
                            state.applyRandomKraus(channel.kraus, on: q, random: &random)
                        }
                    }
                }
            }
            for (index, inst) in circuit.instructions.enumerated() {
                switch inst {
                case .gate: try noisy(gates[index]!)
                case .measure(let q, let c):
                    try flush()
                    bits[c] = state.measure(q, random: &random)
                case .reset(let q):
                    try flush()
                    state.reset(q, random: &random)
                case .barrier: break
                case .conditional(let clbits, let value, _):
                    if Instruction.conditionHolds(clbits: clbits, value: value, bits: bits) { try noisy(gates[index]!) }
                }
            }
            try flush()
            noise.misread(&bits, measured: measured, random: &random)
            counts[Simulator.key(bits), default: 0] += 1
        }
        return Counts(bitCount: circuit.clbitCount, shots: shots, counts: counts)
    }
}

extension StateVector {
    /// The 2x2 reduced density matrix of one qubit, row-major.
    func reducedDensity(_ qubit: Int) -> [Complex] {
        let bit = 1 << qubit
        var p0 = 0.0, p1 = 0.0, cross = Complex.zero
        for i in 0..<dimension where i & bit == 0 {
            let a0 = self[i], a1 = self[i | bit]
            p0 += a0.normSquared
            p1 += a1.normSquared
            cross += a0 * a1.conjugate
        }
        return [Complex(p0), cross, cross.conjugate, Complex(p1)]
    }

    /// One trajectory step of a channel: draws Kraus operator K with probability ‖Kψ‖² and
    /// applies K/‖Kψ‖.
    func applyRandomKraus(_ kraus: [[Complex]], on qubit: Int, random: inout SeededRandom) {
        let rho = reducedDensity(qubit)
        var u = random.uniform()
        var chosen = kraus.count - 1
        var weight = 0.0
        for (k, m) in kraus.enumerated() {
            // Tr(K ρ K†) = Σ_r Σ_ab K[r][a] ρ[a][b] conj(K[r][b])
            var p = 0.0
            for r in 0..<2 { for a in 0..<2 { for b in 0..<2 {
                p += (m[r * 2 + a] * rho[a * 2 + b] * m[r * 2 + b].conjugate).re
            } } }
            weight = p
            if u < p { chosen = k; break }
            u -= p
        }
        let scale = weight > 0 ? 1 / weight.squareRoot() : 0
        apply(MatrixGate(targets: [qubit], matrix: kraus[chosen].map { Complex(scale) * $0 }))
    }
}
