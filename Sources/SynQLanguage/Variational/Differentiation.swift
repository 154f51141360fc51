import QuantumKit

/// Gradients of SynQ functions. The function runs once on traced inputs (`DualNumber`s): the
/// classical arithmetic carries derivatives forward, a kernel traced with them records its
/// angles as symbols, and `expect` returns the exact gradient of each circuit's expectation
/// (adjoint on the state vector; the parameter-shift rule with noise or shots). A function
/// that cannot be traced is differentiated by central finite differences, with a note saying so.
enum Differentiation {
    struct Result {
        var value: Double
        var gradient: [Double]
        var notes: [String]
    }

    static let finiteDifferenceStep = 1e-6

    static func valueAndGradient(_ f: Value, at x: [Double], scalar: Bool, method: GradientMethod, session: Session) throws -> Result {
        if method == .finiteDifference {
            return try finiteDifferences(f, at: x, scalar: scalar, session: session, notes: [])
        }
        guard !session.differentiating else {
            throw SynQError.value("grad of a function that itself takes a gradient is not supported")
        }
        let trace = GradientTrace(inputs: x, method: method)
        let inputs: Value = scalar ? .object(trace.variable(0)) : .list(ListRef(x.indices.map { .object(trace.variable($0)) }))
        session.differentiating = true
        let traced: Value
        do {
            defer { session.differentiating = false }
            traced = try session.call(f, [inputs])
        } catch {
            if session.interrupt.isCancelled || method != .auto { throw error }
            let reason = (error as? SynQError)?.message ?? "\(error)"
            _ = try evaluate(f, at: x, scalar: scalar, session: session)
            return try finiteDifferences(f, at: x, scalar: scalar, session: session,
                                         notes: ["the function could not be traced (\(reason)), so its gradient comes from central finite differences"])
        }
        if let d = DualNumber.from(traced) { return Result(value: d.value, gradient: d.partials, notes: trace.notes) }
        guard let value = Operators.floatValue(traced) else {
            throw SynQError.type("grad needs a function that returns a Float, not \(Format.typeName(traced))")
        }
        return Result(value: value, gradient: [Double](repeating: 0, count: x.count), notes: trace.notes)
    }

    /// f at plain numbers.
    static func evaluate(_ f: Value, at x: [Double], scalar: Bool, session: Session) throws -> Double {
        let input: Value = scalar ? .float(x[0]) : numbersToList(x)
        let result = try session.call(f, [input])
        guard let value = Operators.floatValue(result) else {
            throw SynQError.type("the function must return a Float, not \(Format.typeName(result))")
        }
        return value
    }

    static func finiteDifferences(_ f: Value, at x: [Double], scalar: Bool, session: Session, notes: [String]) throws -> Result {
        let h = finiteDifferenceStep
        var gradient = [Double](repeating: 0, count: x.count)
        for i in x.indices {
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            gradient[i] = (try evaluate(f, at: plus, scalar: scalar, session: session)
                           - evaluate(f, at: minus, scalar: scalar, session: session)) / (2 * h)
        }
        return Result(value: try evaluate(f, at: x, scalar: scalar, session: session), gradient: gradient, notes: notes)
    }

    /// `expect` on a circuit a kernel built under grad: the value with its exact gradient.
    static func expectation(_ circuit: Circuit, _ trace: GradientTrace, _ observable: Observable, noise: NoiseModel,
                            shots: Int?, seed: UInt64?, cancellation: CancellationFlag) throws -> Value {
        let bindings = trace.bindings
        let exact = !noise.hasGateNoise && shots == nil
        var method = trace.method
        if method == .auto { method = exact && AdjointDifferentiation.supports(circuit) ? .adjoint : .parameterShift }
        let gradient: ExpectationGradient
        if method == .adjoint {
            guard exact else {
                throw SynQError.value("adjoint differentiation needs exact expectations", help: "with noise or shots use grad(f, method: \"parameter-shift\")")
            }
            gradient = try AdjointDifferentiation.gradient(circuit, observable, bindings: bindings, cancellation: cancellation)
        } else {
            let simulator = Simulator(seed: seed, cancellation: cancellation, noise: noise)
            gradient = try ParameterShift.gradient(circuit, bindings: bindings) { c in
                if noise.hasGateNoise { return try simulator.densityMatrix(c, bindings: bindings).expectation(observable) }
                if let shots {
                    return try SampledExpectation.estimate(c, observable, shots: shots, seed: seed, cancellation: cancellation, bindings: bindings)
                }
                return observable.expectation(try simulator.finalState(c, bindings: bindings))
            }
            if !gradient.finiteDifferenceGates.isEmpty {
                trace.note("no shift rule for \(gradient.finiteDifferenceGates.joined(separator: ", ")) with its power: those angles were differentiated by central finite differences")
            }
        }
        var partials = [Double](repeating: 0, count: trace.inputs.count)
        for (name, d) in gradient.partials {
            if let i = trace.input(of: name) { partials[i] += d }
        }
        return .object(DualNumber(gradient.value, partials, trace))
    }
}
