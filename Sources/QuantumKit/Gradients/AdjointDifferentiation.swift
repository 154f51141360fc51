/// The value of <ψ(θ)|O|ψ(θ)> and its partial derivatives by each symbolic circuit parameter.
public struct ExpectationGradient: Sendable {
    public var value: Double
    public var partials: [String: Double]
    /// Gates whose angles had no exact rule and were differentiated by central finite differences.
    public var finiteDifferenceGates: [String] = []

    public init(value: Double, partials: [String: Double]) {
        self.value = value
        self.partials = partials
    }
}

/// Adjoint differentiation: one forward pass to the final state ψ, then one backward pass that
/// carries ψ and λ = O ψ back through the circuit gate by gate. At each parameterised gate U,
/// dE/dθ = 2 Re <λ| dU/dθ |ψ_before>, so every parameter costs one read of both vectors
/// instead of a fresh simulation. Memory: two state vectors.
public enum AdjointDifferentiation {
    /// Whether the circuit is unitary up to measurements at the end (which `expect` drops) and
    /// every angle has an exact derivative.
    public static func supports(_ circuit: Circuit) -> Bool {
        var seenMeasurement = false
        for inst in circuit.instructions {
            switch inst {
            case .gate(let op):
                if seenMeasurement { return false }
                if op.params.contains(where: { !$0.isNumeric }) && !op.hasExactDerivative { return false }
            case .barrier: continue
            case .measure: seenMeasurement = true
            case .reset, .conditional: return false
            }
        }
        return true
    }

    public static func gradient(_ circuit: Circuit, _ observable: Observable, bindings: [String: Double],
                                cancellation: CancellationFlag? = nil) throws -> ExpectationGradient {
        guard supports(circuit) else {
            throw SimulationError("SIM050", "adjoint differentiation needs a circuit of gates only (measurements at the end are allowed) whose angles have exact derivatives")
        }
        let operations = circuit.instructions.compactMap { inst -> Operation? in
            if case .gate(let op) = inst { return op }
            return nil
        }
        let psi = try Simulator(cancellation: cancellation).finalState(circuit, bindings: bindings)
        let lambda = try observable.applied(to: psi)
        var result = ExpectationGradient(value: psi.innerProduct(lambda).re, partials: [:])
        for name in circuit.parameterNames { result.partials[name] = 0 }
        guard let firstParameterised = operations.firstIndex(where: { $0.params.contains { !$0.isNumeric } }) else {
            return result
        }

        var constantRun: [Instruction] = []
        func undoConstantRun() throws {
            guard !constantRun.isEmpty else { return }
            for case .blocks(let kernels) in try Simulator.compile(constantRun[...], bindings: bindings) {
                for kernel in kernels {
                    psi.run(kernel)
                    lambda.run(kernel)
                }
            }
            constantRun = []
        }
        for index in stride(from: operations.count - 1, through: firstParameterised, by: -1) {
            try cancellation?.check()
            let op = operations[index]
            var inverse = op
            inverse.inverted.toggle()
            let symbolic = op.params.indices.filter { !op.params[$0].isNumeric }
            if symbolic.isEmpty {
                constantRun.append(.gate(inverse))
                continue
            }
            try undoConstantRun()
            let undo = try inverse.matrixGate(bindings)
            let dim = 1 << op.kind.qubitCount
            // dU/dθ ψ_before = (dU U†) ψ_after, so each derivative acts on ψ before it is undone
            let derivatives = try symbolic.compactMap { k -> (Int, MatrixGate)? in
                guard let d = try op.targetDerivative(bindings, parameter: k) else { return nil }
                return (k, MatrixGate(targets: op.targets, matrix: multiply(d, undo.matrix, dim),
                                      controlMask: undo.controlMask, controlValue: undo.controlValue))
            }
            for (j, (k, derivative)) in derivatives.enumerated() {
                let last = j == derivatives.count - 1
                let dAngle = 2 * (last ? psi.adjointStep(lambda: lambda, derivative: derivative, undo: undo) : lambda.overlap(derivative, psi))
                for (name, coefficient) in op.params[k].terms { result.partials[name, default: 0] += coefficient * dAngle }
            }
            if derivatives.isEmpty {
                psi.apply(undo)
                lambda.apply(undo)
            }
        }
        return result
    }
}

extension Operation {
    /// Every angle has an exact derivative unless a fractional power applies to a gate that is
    /// not a rotation.
    var hasExactDerivative: Bool {
        power == power.rounded() || kind.isPauliRotation || kind == .p
    }
}

extension StateVector {
    /// <self|other>.
    public func innerProduct(_ other: StateVector) -> Complex {
        let a = amplitudes, b = other.amplitudes
        var re = 0.0, im = 0.0
        for i in 0..<dimension {
            let (ar, ai, br, bi) = (a[2 * i], a[2 * i + 1], b[2 * i], b[2 * i + 1])
            re += ar * br + ai * bi
            im += ar * bi - ai * br
        }
        return Complex(re, im)
    }

    /// Re <λ|M|ψ> for ψ this state, then U† applied to both, in one pass when the gate has one
    /// target above qubit 0 (see `adjointStep` on the kernels).
    func adjointStep(lambda: StateVector, derivative: MatrixGate, undo: MatrixGate) -> Double {
        if undo.targets.count == 1, undo.targets[0] > 0, case .double(let a) = storage, case .double(let b) = lambda.storage {
            let space = Subspace(fixing: MatrixGate.bitPositions(undo.controlMask) + undo.targets, to: undo.controlValue)
            return StateVectorKernels(state: a, qubits: qubitCount).adjointStep(
                space, bit: 1 << undo.targets[0], lambda: StateVectorKernels(state: b, qubits: qubitCount),
                derivative: derivative.matrix, undo: undo.matrix)
        }
        let value = lambda.overlap(derivative, self)
        apply(undo)
        lambda.apply(undo)
        return value
    }

    /// Re <self| D |psi> for a matrix D on one or two targets that acts where the gate's
    /// controls hold and is zero elsewhere (the derivative of a controlled gate). Reads both
    /// vectors once and writes neither.
    func overlap(_ gate: MatrixGate, _ psi: StateVector) -> Double {
        let l = amplitudes, p = psi.amplitudes
        let targetBits = gate.targets.map { 1 << $0 }
        let k = targetBits.count
        let offsets = (0..<(1 << k)).map { j in (0..<k).reduce(0) { j & (1 << $1) != 0 ? $0 | targetBits[$1] : $0 } }
        let controls = (0..<qubitCount).filter { gate.controlMask & (1 << $0) != 0 }
        let fixed = (gate.targets + controls).sorted()
        let low = min(fixed.first ?? qubitCount, qubitCount)
        let runs = RunIndexer(positions: fixed, value: gate.controlValue & gate.controlMask, low: low)
        let length = 1 << low
        let m = gate.matrix
        var sum = 0.0
        @inline(__always) func load(_ i: Int) -> Complex { Complex(p[2 * i], p[2 * i + 1]) }
        @inline(__always) func dot(_ i: Int, _ z: Complex) -> Double { l[2 * i] * z.re + l[2 * i + 1] * z.im }
        for run in 0..<(1 << (qubitCount - fixed.count - low)) {
            let base = runs.base(run)
            if k == 1 {
                let bit = targetBits[0]
                let (m00, m01, m10, m11) = (m[0], m[1], m[2], m[3])
                for i in base..<(base + length) {
                    let x = load(i), y = load(i + bit)
                    sum += dot(i, m00 * x + m01 * y) + dot(i + bit, m10 * x + m11 * y)
                }
                continue
            }
            for i in base..<(base + length) {
                let x = offsets.map { load(i + $0) }
                for (row, offset) in offsets.enumerated() {
                    var dPsi = Complex.zero
                    for (column, amplitude) in x.enumerated() { dPsi += m[row * offsets.count + column] * amplitude }
                    sum += dot(i + offset, dPsi)
                }
            }
        }
        return sum
    }
}
