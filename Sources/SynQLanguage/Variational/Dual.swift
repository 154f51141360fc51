import Glibc
import QuantumKit

/// How `grad` differentiates the expectations it meets.
enum GradientMethod: String, CaseIterable {
    case auto, adjoint
    case parameterShift = "parameter-shift"
    case finiteDifference = "finite-difference"
}

/// One evaluation of a function under `grad`: its inputs, each named by a circuit symbol so a
/// kernel traced with them records which gate angles depend on which input.
final class GradientTrace {
    let inputs: [Double]
    let method: GradientMethod
    /// Said to the user once the gradient is done (a fallback to finite differences).
    var notes: [String] = []

    init(inputs: [Double], method: GradientMethod) {
        self.inputs = inputs
        self.method = method
    }

    static let symbolPrefix = "∂"
    func symbol(_ i: Int) -> String { "\(GradientTrace.symbolPrefix)\(i)" }
    func input(of symbol: String) -> Int? { Int(symbol.dropFirst(GradientTrace.symbolPrefix.count)) }
    var bindings: [String: Double] {
        Dictionary(uniqueKeysWithValues: inputs.indices.map { (symbol($0), inputs[$0]) })
    }

    func variable(_ i: Int) -> DualNumber {
        var partials = [Double](repeating: 0, count: inputs.count)
        partials[i] = 1
        return DualNumber(inputs[i], partials, self)
    }

    func note(_ text: String) { if !notes.contains(text) { notes.append(text) } }
}

/// A Float that carries its partial derivatives by the inputs of a `grad` trace (forward-mode
/// differentiation). Arithmetic, the math functions and gate angles carry them on; `expect`
/// adds a circuit's exact gradient. Anything else sees an error, and `grad` falls back to
/// finite differences and says so.
final class DualNumber: NativeObject, TruthValued {
    let value: Double
    let partials: [Double]
    let trace: GradientTrace

    init(_ value: Double, _ partials: [Double], _ trace: GradientTrace) {
        self.value = value
        self.partials = partials
        self.trace = trace
    }

    var typeName: String { "Float" }
    var text: String { Format.float(value) }
    var truth: Bool { value != 0 }
    func equals(_ other: NativeObject) -> Bool { (other as? DualNumber)?.value == value }

    /// The angle as a circuit parameter: linear in the trace's symbols, exact at this point.
    var parameter: Parameter {
        var p = Parameter(value)
        for (i, d) in partials.enumerated() where d != 0 {
            p.terms.append((trace.symbol(i), d))
            p.constant -= d * trace.inputs[i]
        }
        return p
    }

    /// f(x) with f'(x) by the chain rule.
    func map(_ f: Double, _ derivative: Double) -> Value {
        .object(DualNumber(f, partials.map { derivative * $0 }, trace))
    }

    static func from(_ v: Value) -> DualNumber? {
        if case .object(let d as DualNumber) = v { return d }
        return nil
    }

    /// Arithmetic when at least one side is a DualNumber and the other a real number.
    static func binary(_ op: String, _ a: Value, _ b: Value) throws -> Value? {
        let da = from(a), db = from(b)
        guard let trace = da?.trace ?? db?.trace else { return nil }
        guard da == nil || db == nil || da!.trace === db!.trace else {
            throw SynQError.value("values from two different grad evaluations cannot be combined")
        }
        func split(_ v: Value, _ d: DualNumber?) -> (Double, [Double])? {
            if let d { return (d.value, d.partials) }
            return Operators.floatValue(v).map { ($0, []) }
        }
        guard let (x, dx) = split(a, da), let (y, dy) = split(b, db) else { return nil }
        func combine(_ value: Double, _ wx: Double, _ wy: Double) -> Value {
            var p = [Double](repeating: 0, count: trace.inputs.count)
            for i in dx.indices { p[i] += wx * dx[i] }
            for i in dy.indices { p[i] += wy * dy[i] }
            return .object(DualNumber(value, p, trace))
        }
        switch op {
        case "+": return combine(x + y, 1, 1)
        case "-": return combine(x - y, 1, -1)
        case "*": return combine(x * y, y, x)
        case "/":
            if y == 0 { throw Operators.zeroDivision("/") }
            return combine(x / y, 1 / y, -x / (y * y))
        case "**":
            let value = pow(x, y)
            let wy = dy.isEmpty ? 0 : value * log(x)
            return combine(value, y * pow(x, y - 1), wy)
        default: return nil
        }
    }
}
