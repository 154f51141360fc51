import Glibc

extension GateKind {
    /// The rotations exp(-iθG/2) with G² = 1.
    var isPauliRotation: Bool {
        switch self {
        case .rx, .ry, .rz, .rxx, .ryy, .rzz: return true
        default: return false
        }
    }

    /// dU/dθ_k, row-major like `matrix`.
    func derivative(_ params: [Double], _ k: Int) -> [Complex] {
        switch self {
        case .rx, .ry, .rz, .rxx, .ryy, .rzz:
            // dU/dθ = -i/2 G U(θ), and U(θ + π) = -i G U(θ)
            return matrix([params[0] + .pi]).map { 0.5 * $0 }
        case .p:
            return [.zero, .zero, .zero, Complex.i * Complex.exp(i: params[0])]
        case .u:
            let (theta, phi, lambda) = (params[0], params[1], params[2])
            let (co, si) = (cos(theta / 2), sin(theta / 2))
            let ePhi = Complex.exp(i: phi), eLambda = Complex.exp(i: lambda), eBoth = Complex.exp(i: phi + lambda)
            switch k {
            case 0: return [Complex(-si / 2), -(co / 2 * eLambda), co / 2 * ePhi, -si / 2 * eBoth]
            case 1: return [.zero, .zero, si * (Complex.i * ePhi), co * (Complex.i * eBoth)]
            default: return [.zero, -(si * (Complex.i * eLambda)), .zero, co * (Complex.i * eBoth)]
            }
        default:
            return [Complex](repeating: .zero, count: 1 << (2 * qubitCount))
        }
    }
}

extension Operation {
    /// d/dθ_k of the target matrix (inverse and power applied), where θ_k is the k-th angle as
    /// written. Nil when there is no exact form: a fractional power of a gate that is not a
    /// rotation.
    func targetDerivative(_ bindings: [String: Double], parameter k: Int) throws -> [Complex]? {
        var angles = try params.map { try $0.value(bindings) }
        let dim = 1 << kind.qubitCount
        var d: [Complex]
        if power != power.rounded() {
            guard kind.isPauliRotation || kind == .p else { return nil }
            angles[0] *= power
            d = kind.derivative(angles, k).map { power * $0 }
        } else {
            let m = kind.matrix(angles)
            let n = Int(power)
            // d(M^n) = Σ_a M^a dM M^(n-1-a); a negative power is a power of M†, with d(M†) = (dM)†
            let base = n < 0 ? dagger(m, dim) : m
            let dBase = n < 0 ? dagger(kind.derivative(angles, k), dim) : kind.derivative(angles, k)
            d = [Complex](repeating: .zero, count: dim * dim)
            var left = identity(dim)
            for a in 0..<abs(n) {
                var right = identity(dim)
                for _ in 0..<(abs(n) - 1 - a) { right = multiply(right, base, dim) }
                let term = multiply(multiply(left, dBase, dim), right, dim)
                for i in d.indices { d[i] += term[i] }
                left = multiply(left, base, dim)
            }
        }
        return inverted ? dagger(d, dim) : d
    }

    /// The parameter-shift rule for angle k: the angle as written moves by shift / scale, and
    /// dE/dθ_k = scale · Σ weight · (E(+shift) − E(−shift)). Nil when no rule applies (a power of
    /// `u` other than ±1).
    func shiftRule(parameter k: Int) -> (scale: Double, terms: [(shift: Double, weight: Double)])? {
        let twoTerm: [(shift: Double, weight: Double)] = [(.pi / 2, 0.5)]
        // A controlled rotation's generator has eigenvalues 0 and ±1/2: two frequencies, four terms
        let fourTerm: [(shift: Double, weight: Double)] = [(.pi / 2, (2.0.squareRoot() + 1) / (4 * 2.0.squareRoot())),
                                                          (3 * .pi / 2, -(2.0.squareRoot() - 1) / (4 * 2.0.squareRoot()))]
        let scale = power * (inverted ? -1 : 1)
        switch kind {
        case .rx, .ry, .rz, .rxx, .ryy, .rzz:
            return (scale, controls.isEmpty ? twoTerm : fourTerm)
        case .p:
            return (scale, twoTerm)
        case .u:
            // u(θ, φ, λ)† = u(−θ, −λ, −φ): the same rules with the sign turned
            guard abs(power) == 1 else { return nil }
            return (scale, k == 0 && !controls.isEmpty ? fourTerm : twoTerm)
        default:
            return nil
        }
    }
}
