/// Gradients from evaluations of shifted circuits, for when the expectation is not read off a
/// state vector (noisy runs, sampled estimates). Each parameterised angle is moved by the
/// parameter-shift rule of its gate (two evaluations, four for a controlled rotation), exact for
/// exact evaluations. An angle with no rule (a power or inverse of `u`) falls back to central
/// finite differences, and the result names those gates.
public enum ParameterShift {
    /// Step of the central finite differences.
    public static let finiteDifferenceStep = 1e-6

    public static func gradient(_ circuit: Circuit, bindings: [String: Double],
                                evaluate: (Circuit) throws -> Double) throws -> ExpectationGradient {
        var result = ExpectationGradient(value: try evaluate(circuit), partials: [:])
        for name in circuit.parameterNames { result.partials[name] = 0 }
        for (index, inst) in circuit.instructions.enumerated() {
            let op: Operation
            switch inst {
            case .gate(let o), .conditional(_, _, let o): op = o
            default: continue
            }
            for k in op.params.indices where !op.params[k].isNumeric {
                let angle = try op.params[k].value(bindings)
                func shifted(_ delta: Double) throws -> Double {
                    var moved = op
                    moved.params[k] = Parameter(angle + delta)
                    var c = circuit
                    switch inst {
                    case .conditional(let clbits, let value, _): c.instructions[index] = .conditional(clbits: clbits, value: value, moved)
                    default: c.instructions[index] = .gate(moved)
                    }
                    return try evaluate(c)
                }
                var dAngle = 0.0
                if let rule = op.shiftRule(parameter: k) {
                    if rule.scale != 0 {
                        for term in rule.terms {
                            let delta = term.shift / rule.scale
                            dAngle += rule.scale * term.weight * (try shifted(delta) - shifted(-delta))
                        }
                    }
                } else {
                    let h = finiteDifferenceStep
                    dAngle = (try shifted(h) - shifted(-h)) / (2 * h)
                    if !result.finiteDifferenceGates.contains(op.name) { result.finiteDifferenceGates.append(op.name) }
                }
                for (name, coefficient) in op.params[k].terms { result.partials[name, default: 0] += coefficient * dAngle }
            }
        }
        return result
    }
}
