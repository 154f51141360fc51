/// A gate angle: a number, or a linear expression in named circuit parameters
/// (`2 * theta + 0.1`), so variational circuits can be rebound and differentiated.
public struct Parameter: Equatable, Sendable, CustomStringConvertible {
    public var constant: Double
    /// Coefficient per symbol, in first-use order.
    public var terms: [(String, Double)]

    public init(_ value: Double) { constant = value; terms = [] }
    public init(symbol: String, coefficient: Double = 1, constant: Double = 0) {
        self.constant = constant
        self.terms = [(symbol, coefficient)]
    }

    public var isNumeric: Bool { terms.isEmpty }

    /// The value with symbols bound; an unbound symbol is an error.
    public func value(_ bindings: [String: Double] = [:]) throws -> Double {
        var v = constant
        for (name, coefficient) in terms {
            guard let x = bindings[name] else { throw SimulationError("SIM010", "circuit parameter '\(name)' has no value") }
            v += coefficient * x
        }
        return v
    }

    /// The symbols that `bindings` names replaced by their values; the rest stay symbolic.
    public func substituting(_ bindings: [String: Double]) -> Parameter {
        var p = Parameter(constant)
        for (name, coefficient) in terms {
            if let x = bindings[name] { p.constant += coefficient * x } else { p.terms.append((name, coefficient)) }
        }
        return p
    }

    public static func == (a: Parameter, b: Parameter) -> Bool {
        a.constant == b.constant && a.terms.count == b.terms.count
            && zip(a.terms, b.terms).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public static func + (a: Parameter, b: Parameter) -> Parameter {
        var r = a
        r.constant += b.constant
        for (name, c) in b.terms {
            if let i = r.terms.firstIndex(where: { $0.0 == name }) { r.terms[i].1 += c } else { r.terms.append((name, c)) }
        }
        r.terms.removeAll { $0.1 == 0 }
        return r
    }

    public static func * (k: Double, a: Parameter) -> Parameter {
        var r = a
        r.constant *= k
        r.terms = r.terms.map { ($0.0, $0.1 * k) }
        return r
    }

    public static prefix func - (a: Parameter) -> Parameter { -1 * a }

    public var description: String {
        var parts: [String] = []
        for (name, c) in terms { parts.append(c == 1 ? name : c == -1 ? "-\(name)" : "\(c)*\(name)") }
        if constant != 0 || parts.isEmpty { parts.append("\(constant)") }
        return parts.joined(separator: " + ")
    }
}
