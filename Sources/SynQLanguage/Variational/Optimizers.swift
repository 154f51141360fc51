import Glibc
import QuantumKit

/// The function an optimiser minimises: its value, and its value with the gradient.
struct Objective {
    let value: ([Double]) throws -> Double
    let valueAndGradient: ([Double]) throws -> (Double, [Double])
}

/// What a run has done so far: the objective after each step, the best point evaluated, and
/// how many evaluations it took. `onStep` runs after every step (progress, interrupts).
final class OptimizationLog {
    var history: [Double] = []
    var best: (x: [Double], value: Double)?
    var evaluations = 0
    var gradientEvaluations = 0
    let onStep: (OptimizationLog) throws -> Void

    init(onStep: @escaping (OptimizationLog) throws -> Void) { self.onStep = onStep }

    func saw(_ x: [Double], _ value: Double) {
        if value.isFinite && value < (best?.value ?? .infinity) { best = (x, value) }
    }

    func step(_ value: Double) throws {
        history.append(value)
        try onStep(self)
    }

    /// The objective, counted and watched for the best point.
    func counting(_ objective: Objective) -> Objective {
        Objective(value: { x in
            let v = try objective.value(x)
            self.evaluations += 1
            self.saw(x, v)
            return v
        }, valueAndGradient: { x in
            let (v, g) = try objective.valueAndGradient(x)
            self.gradientEvaluations += 1
            self.saw(x, v)
            return (v, g)
        })
    }
}

struct OptimizerSettings {
    var steps: Int
    /// The step size (gd, adam, spsa) or the initial simplex or trust-region size (nelder-mead, cobyla).
    var learningRate: Double?
    var tolerance: Double
}

/// Why a run stopped.
struct Stop {
    var converged: Bool
    var message: String
}

/// Minimisers over R^n. Each returns why it stopped; the point is the log's best.
enum Optimizers {
    static let methods = ["adam", "gd", "spsa", "nelder-mead", "cobyla", "bfgs"]
    static let gradientMethods: Set<String> = ["adam", "gd", "bfgs"]

    static func run(_ method: String, _ f: Objective, from x0: [Double], _ s: OptimizerSettings, _ log: OptimizationLog) throws -> Stop {
        let f = log.counting(f)
        switch method {
        case "gd": return try gradientDescent(f, x0, s, log)
        case "adam": return try adam(f, x0, s, log)
        case "spsa": return try spsa(f, x0, s, log)
        case "nelder-mead": return try nelderMead(f, x0, s, log)
        case "cobyla": return try linearTrustRegion(f, x0, s, log)
        default: return try bfgs(f, x0, s, log)
        }
    }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    static func axpy(_ a: Double, _ x: [Double], _ y: [Double]) -> [Double] { zip(x, y).map { a * $0 + $1 } }

    static func gradientDescent(_ f: Objective, _ x0: [Double], _ s: OptimizerSettings, _ log: OptimizationLog) throws -> Stop {
        let lr = s.learningRate ?? 0.1
        var x = x0
        for _ in 0..<s.steps {
            let (value, g) = try f.valueAndGradient(x)
            try log.step(value)
            if norm(g) < s.tolerance { return Stop(converged: true, message: "the gradient's norm fell below \(s.tolerance)") }
            x = axpy(-lr, g, x)
        }
        _ = try f.value(x)
        return Stop(converged: false, message: "reached \(s.steps) steps")
    }

    static func adam(_ f: Objective, _ x0: [Double], _ s: OptimizerSettings, _ log: OptimizationLog) throws -> Stop {
        let lr = s.learningRate ?? 0.1, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
        var x = x0
        var m = [Double](repeating: 0, count: x.count), v = m
        for t in 1...max(1, s.steps) {
            let (value, g) = try f.valueAndGradient(x)
            try log.step(value)
            if norm(g) < s.tolerance { return Stop(converged: true, message: "the gradient's norm fell below \(s.tolerance)") }
            for i in x.indices {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let mHat = m[i] / (1 - pow(beta1, Double(t))), vHat = v[i] / (1 - pow(beta2, Double(t)))
                x[i] -= lr * mHat / (vHat.squareRoot() + epsilon)
            }
        }
        _ = try f.value(x)
        return Stop(converged: false, message: "reached \(s.steps) steps")
    }

    /// Simultaneous perturbation: two evaluations per step whatever the dimension, with Spall's
    /// gain sequences a/(k+1+A)^0.602 and c/(k+1)^0.101. Without lr, a is calibrated from the
    /// gradient's size at x0 so the first steps move each coordinate by about 2π/10.
    static func spsa(_ f: Objective, _ x0: [Double], _ s: OptimizerSettings, _ log: OptimizationLog) throws -> Stop {
        let c = 0.2, stability = 0.1 * Double(s.steps)
        var random = SeededRandom(seed: 0x5b5a)
        var a = s.learningRate ?? 0
        if s.learningRate == nil {
            var magnitude = 0.0
            for _ in 0..<5 {
                let delta = x0.map { _ in random.uniform() < 0.5 ? -1.0 : 1.0 }
                magnitude += abs(try f.value(axpy(c, delta, x0)) - f.value(axpy(-c, delta, x0))) / (2 * c) / 5
            }
            a = 2 * .pi / 10 / max(magnitude, 1e-8) * pow(stability + 1, 0.602)
        }
        var x = x0
        for k in 0..<s.steps {
            let ak = a / pow(Double(k + 1) + stability, 0.602), ck = c / pow(Double(k + 1), 0.101)
            let delta = x.map { _ in random.uniform() < 0.5 ? -1.0 : 1.0 }
            let plus = try f.value(axpy(ck, delta, x)), minus = try f.value(axpy(-ck, delta, x))
            for i in x.indices { x[i] -= ak * (plus - minus) / (2 * ck * delta[i]) }
            try log.step(0.5 * (plus + minus))
        }
        _ = try f.value(x)
        return Stop(converged: false, message: "ran \(s.steps) steps")
    }

    static func nelderMead(_ f: Objective, _ x0: [Double], _ s: OptimizerSettings, _ log: OptimizationLog) throws -> Stop {
        let n = x0.count, size = s.learningRate ?? 0.5
        var simplex = [x0] + (0..<n).map { i in var p = x0; p[i] += size; return p }
        var values = try simplex.map(f.value)
        for _ in 0..<s.steps {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            try log.step(values[0])
            let diameter = simplex.dropFirst().map { p in zip(p, simplex[0]).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
            if values[n] - values[0] <= s.tolerance && diameter <= s.tolerance.squareRoot() {
                return Stop(converged: true, message: "the simplex shrank below the tolerance")
            }
            var centroid = [Double](repeating: 0, count: n)
            for p in simplex.dropLast() { for i in 0..<n { centroid[i] += p[i] / Double(n) } }
            func toward(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = toward(-1), fr = try f.value(reflected)
            if fr < values[0] {
                let expanded = toward(-2), fe = try f.value(expanded)
                (simplex[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr)
            } else if fr < values[n - 1] {
                (simplex[n], values[n]) = (reflected, fr)
            } else {
                let contracted = fr < values[n] ? toward(-0.5) : toward(0.5)
                let fc = try f.value(contracted)
                if fc < min(fr, values[n]) {
                    (simplex[n], values[n]) = (contracted, fc)
                } else {
                    for j in 1...n {
                        simplex[j] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[j][$0] - simplex[0][$0]) }
                        values[j] = try f.value(simplex[j])
                    }
                }
            }
        }
        return Stop(converged: false, message: "reached \(s.steps) steps")
    }

    /// Powell's COBYLA idea without constraints: a linear model interpolating n + 1 points, a
    /// step of the trust radius ρ down its slope, and ρ halved when steps stop paying, until ρ
    /// falls below the tolerance.
    static func linearTrustRegion(_ f: Objective, _ x0: [Double], _ s: OptimizerSettings, _ log: OptimizationLog) throws -> Stop {
        let n = x0.count
        var rho = s.learningRate ?? 0.5
        let rhoEnd = max(s.tolerance, 1e-10)
        func simplex(around x: [Double]) -> [[Double]] { [x] + (0..<n).map { i in var p = x; p[i] += rho; return p } }
        var points = simplex(around: x0)
        var values = try points.map(f.value)
        for _ in 0..<s.steps {
            let b = values.indices.min { values[$0] < values[$1] }!
            try log.step(values[b])
            if rho < rhoEnd { return Stop(converged: true, message: "the trust radius fell below \(rhoEnd)") }
            let others = values.indices.filter { $0 != b }
            let rows = others.map { i in zip(points[i], points[b]).map { $0 - $1 } }
            let rhs = others.map { values[$0] - values[b] }
            guard let slope = solve(rows, rhs), norm(slope) > 0 else {
                points = simplex(around: points[b])
                values = [values[b]] + (try points.dropFirst().map(f.value))
                continue
            }
            let candidate = axpy(-rho / norm(slope), slope, points[b])
            let value = try f.value(candidate)
            let predicted = rho * norm(slope)
            let far = others.max { distance(points[$0], points[b]) < distance(points[$1], points[b]) }!
            if values[b] - value > 0.1 * predicted {
                (points[far], values[far]) = (candidate, value)
            } else if distance(points[far], points[b]) > 2 * rho {
                (points[far], values[far]) = (candidate, value)
            } else {
                rho *= 0.5
                let best = value < values[b] ? (candidate, value) : (points[b], values[b])
                points = simplex(around: best.0)
                values = [best.1] + (try points.dropFirst().map(f.value))
            }
        }
        return Stop(converged: false, message: "reached \(s.steps) steps")
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double { norm(zip(a, b).map { $0 - $1 }) }

    /// Gaussian elimination with partial pivoting; nil for a (nearly) singular system.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = zip(a, b).map { $0 + [$1] }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            guard abs(m[pivot][col]) > 1e-14 else { return nil }
            m.swapAt(col, pivot)
            for row in 0..<n where row != col {
                let factor = m[row][col] / m[col][col]
                for k in col...n { m[row][k] -= factor * m[col][k] }
            }
        }
        return (0..<n).map { m[$0][n] / m[$0][$0] }
    }

    /// Quasi-Newton: an inverse-Hessian estimate from gradient differences, with a backtracking
    /// line search (Armijo condition).
    static func bfgs(_ f: Objective, _ x0: [Double], _ s: OptimizerSettings, _ log: OptimizationLog) throws -> Stop {
        let n = x0.count
        var x = x0
        var (value, g) = try f.valueAndGradient(x)
        var h = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for _ in 0..<s.steps {
            try log.step(value)
            if norm(g) < s.tolerance { return Stop(converged: true, message: "the gradient's norm fell below \(s.tolerance)") }
            var p = h.map { row in -dot(row, g) }
            if dot(p, g) >= 0 {
                h = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
                p = g.map { -$0 }
            }
            var alpha = 1.0
            var next = axpy(alpha, p, x)
            var (nextValue, nextG) = try f.valueAndGradient(next)
            var tries = 0
            while nextValue > value + 1e-4 * alpha * dot(g, p) && tries < 30 {
                alpha *= 0.5
                next = axpy(alpha, p, x)
                (nextValue, nextG) = try f.valueAndGradient(next)
                tries += 1
            }
            if nextValue > value { return Stop(converged: true, message: "the line search found no lower point") }
            let step = zip(next, x).map { $0 - $1 }, change = zip(nextG, g).map { $0 - $1 }
            let curvature = dot(step, change)
            if curvature > 1e-12 {
                // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
                let rho = 1 / curvature
                let hy = h.map { dot($0, change) }
                let yhy = dot(change, hy)
                for i in 0..<n {
                    for j in 0..<n {
                        h[i][j] += -rho * (step[i] * hy[j] + hy[i] * step[j]) + (rho * rho * yhy + rho) * step[i] * step[j]
                    }
                }
            }
            (x, value, g) = (next, nextValue, nextG)
        }
        return Stop(converged: false, message: "reached \(s.steps) steps")
    }
}
