import Glibc

/// The number type of a state's amplitudes: `Double` by default, `Float` for single precision.
public protocol StateScalar: BinaryFloatingPoint, SIMDScalar {}
extension Double: StateScalar {}
extension Float: StateScalar {}

/// Complex double by default; single precision halves the bytes every gate pass moves, at the
/// cost of about 1e-7 relative error per gate instead of 1e-16.
public enum Precision: String, CaseIterable, Sendable {
    case double, single

    var bytesPerAmplitude: Int { self == .double ? 16 : 8 }
}

/// A state's amplitudes, interleaved (re, im), in the precision it was made with.
enum Amplitudes {
    case double(UnsafeMutablePointer<Double>)
    case single(UnsafeMutablePointer<Float>)
}

/// A state of n qubits as 2^n complex numbers in one aligned block. Amplitude index bit j is
/// qubit j (little-endian, qubit 0 rightmost in bitstrings). Every method hands the typed
/// amplitudes to `StateVectorKernels`, compiled once per precision.
/// States of 2 MiB and more are mapped straight from the kernel in huge pages: the pages arrive
/// zeroed (no second zeroing pass) and 512 times fewer page faults are taken.
public final class StateVector {
    public let qubitCount: Int
    public let dimension: Int
    public let precision: Precision
    let storage: Amplitudes
    let raw: UnsafeMutableRawPointer

    static let hugePage = 2 << 20

    /// |0...0>. Throws a clear error when the state would not fit the limit or the free memory.
    public init(qubits: Int, precision: Precision = .double) throws {
        let perAmplitude = precision.bytesPerAmplitude
        try MemoryBudget.check(qubits: qubits, bytesPerAmplitude: perAmplitude, what: "a state vector")
        qubitCount = qubits
        dimension = 1 << qubits
        self.precision = precision
        let bytes = dimension * perAmplitude
        if bytes >= StateVector.hugePage {
            let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let mapped, mapped != MAP_FAILED else {
                throw SimulationError("SIM002", "could not allocate \(MemoryBudget.formatBytes(qubits, perAmplitude)) for \(qubits) qubits")
            }
            madvise(mapped, bytes, MADV_HUGEPAGE)
            raw = mapped
        } else {
            var block: UnsafeMutableRawPointer? = nil
            guard posix_memalign(&block, 64, bytes) == 0, let block else {
                throw SimulationError("SIM002", "could not allocate \(MemoryBudget.formatBytes(qubits, perAmplitude)) for \(qubits) qubits")
            }
            memset(block, 0, bytes)
            raw = block
        }
        switch precision {
        case .double: storage = .double(raw.bindMemory(to: Double.self, capacity: 2 * dimension))
        case .single: storage = .single(raw.bindMemory(to: Float.self, capacity: 2 * dimension))
        }
        self[0] = .one
    }

    deinit {
        if bytes >= StateVector.hugePage { munmap(raw, bytes) } else { free(raw) }
    }

    public var bytes: Int { dimension * precision.bytesPerAmplitude }

    /// The amplitudes of a double-precision state, for code that reads them directly.
    public var amplitudes: UnsafeMutablePointer<Double> {
        guard case .double(let a) = storage else { preconditionFailure("amplitudes of a single-precision state") }
        return a
    }

    private var doubleKernels: StateVectorKernels<Double>? {
        if case .double(let a) = storage { return StateVectorKernels(state: a, qubits: qubitCount) }
        return nil
    }

    private var singleKernels: StateVectorKernels<Float>? {
        if case .single(let a) = storage { return StateVectorKernels(state: a, qubits: qubitCount) }
        return nil
    }

    public subscript(index: Int) -> Complex {
        get {
            switch storage {
            case .double(let a): return Complex(a[2 * index], a[2 * index + 1])
            case .single(let a): return Complex(Double(a[2 * index]), Double(a[2 * index + 1]))
            }
        }
        set {
            switch storage {
            case .double(let a): a[2 * index] = newValue.re; a[2 * index + 1] = newValue.im
            case .single(let a): a[2 * index] = Float(newValue.re); a[2 * index + 1] = Float(newValue.im)
            }
        }
    }

    /// Calls `body` with |amplitude i|² as a function of i, choosing the precision once rather
    /// than at every index.
    @inline(__always)
    func withProbability<T>(_ body: ((Int) -> Double) -> T) -> T {
        switch storage {
        case .double(let a): return body { a[2 * $0] * a[2 * $0] + a[2 * $0 + 1] * a[2 * $0 + 1] }
        case .single(let a):
            return body {
                let re = Double(a[2 * $0]), im = Double(a[2 * $0 + 1])
                return re * re + im * im
            }
        }
    }

    public func copy() throws -> StateVector {
        let s = try StateVector(qubits: qubitCount, precision: precision)
        s.copyAmplitudes(from: self)
        return s
    }

    /// Overwrites this state with `other` (of the same size and precision).
    public func copyAmplitudes(from other: StateVector) {
        raw.copyMemory(from: other.raw, byteCount: bytes)
    }

    public var array: [Complex] { (0..<dimension).map { self[$0] } }

    public func setZero() {
        memset(raw, 0, bytes)
        self[0] = .one
    }

    /// Multiplies every amplitude by `factor` (a global phase).
    public func multiply(by factor: Complex) {
        doubleKernels?.multiply(by: factor)
        singleKernels?.multiply(by: factor)
    }

    // MARK: - gates

    /// Applies one gate operation.
    public func apply(_ op: Operation, bindings: [String: Double] = [:]) throws {
        apply(try op.matrixGate(bindings))
    }

    /// Applies a matrix gate with the kernel its shape calls for (see `MatrixGate.kernel`).
    public func apply(_ gate: MatrixGate) { run(gate.kernel) }

    /// Runs a kernel already chosen, so a compiled circuit picks each block's kernel once.
    func run(_ kernel: KernelChoice) {
        doubleKernels?.run(kernel)
        singleKernels?.run(kernel)
    }

    // MARK: - observation

    /// Probability that `qubit` reads 1.
    public func probabilityOfOne(_ qubit: Int) -> Double {
        doubleKernels?.probabilityOfOne(qubit) ?? singleKernels!.probabilityOfOne(qubit)
    }

    /// Measures one qubit: draws the outcome, collapses and renormalises.
    public func measure(_ qubit: Int, random: inout SeededRandom) -> Bool {
        let p1 = probabilityOfOne(qubit)
        let outcome = random.uniform() < p1
        collapse(qubit, to: outcome, probability: outcome ? p1 : 1 - p1)
        return outcome
    }

    /// Projects `qubit` onto `value` and renormalises.
    public func collapse(_ qubit: Int, to value: Bool, probability: Double) {
        let bit = 1 << qubit
        project(mask: bit, keep: value ? bit : 0, scale: probability > 0 ? 1 / probability.squareRoot() : 0)
    }

    /// Keeps the amplitudes whose bits under `mask` equal `keep`, times `scale`; zeroes the rest.
    func project(mask: Int, keep: Int, scale: Double) {
        doubleKernels?.project(mask: mask, keep: keep, scale: scale)
        singleKernels?.project(mask: mask, keep: keep, scale: scale)
    }

    /// Resets a qubit to |0> (measure, then flip if it read 1).
    public func reset(_ qubit: Int, random: inout SeededRandom) {
        if measure(qubit, random: &random) {
            apply(MatrixGate(targets: [qubit], matrix: GateKind.x.matrix([])))
        }
    }

    public func probabilities() -> [Double] { withProbability { (0..<dimension).map($0) } }

    /// Probabilities of the outcomes of `qubits` (bit j of the outcome is qubits[j]).
    public func marginal(_ qubits: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: 1 << qubits.count)
        withProbability { probability in
            for i in 0..<dimension {
                let p = probability(i)
                if p != 0 { out[Sampling.outcome(of: i, qubits)] += p }
            }
        }
        return out
    }

    /// Σ |amplitude|².
    public var norm: Double { doubleKernels?.normSquared() ?? singleKernels!.normSquared() }

    /// Draws `shots` outcomes of `qubits` without collapsing, in one pass over the amplitudes.
    /// Returns counts by outcome (bit j is qubits[j]).
    public func sample(_ qubits: [Int], shots: Int, random: inout SeededRandom) -> [Int: Int] {
        let total = norm
        let byIndex = withProbability { Sampling.draw(count: dimension, total: total, shots: shots, random: &random, weight: $0) }
        return Sampling.outcomes(byIndex, of: qubits)
    }
}
