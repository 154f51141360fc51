import Glibc
import QuantumKit

/// Builtins for variational work: gradients, minimisation and model Hamiltonians.
enum VariationalLibrary {
    /// The gradient method a keyword names (`method:` of grad, `grad:` of minimize).
    static func method(_ a: Arguments, keyword: String = "method") throws -> GradientMethod {
        guard let v = a.keyword(keyword) else { return .auto }
        guard let m = GradientMethod(rawValue: Format.str(v)) else {
            throw SynQError.value("unknown gradient method '\(Format.str(v))'",
                                  help: "methods: " + GradientMethod.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        return m
    }

    /// The point a gradient is taken at: a number, or a List of numbers.
    static func point(_ v: Value, _ name: String) throws -> (x: [Double], scalar: Bool) {
        if let x = Operators.floatValue(v) { return ([x], true) }
        if case .list(let l) = v {
            return (try l.items.map { item in
                guard let x = Operators.floatValue(item) else { throw SynQError.type("'\(name)' must hold numbers, not \(Format.typeName(item))") }
                return x
            }, false)
        }
        throw SynQError.type("'\(name)' must be a number or a List of numbers, not \(Format.typeName(v))")
    }

    static func say(_ notes: [String], _ context: Session) {
        for note in notes { context.output.write("note: \(note)\n", toStandardError: true) }
    }

    static func gradientFunction(_ name: String, _ a: Arguments, returning shape: @escaping (Differentiation.Result, Bool) -> Value) throws -> Value {
        let f = try a.argument(0, "f")
        let m = try method(a)
        return .builtin(Builtin(name, "\(name)(x)", "The derivative of \(Format.str(f)) at x (a number or a List of numbers).") { b in
            guard b.count == 1 else {
                throw SynQError("T005", "TypeError", "\(name)(f)(x) takes one argument, x, not \(b.count)", help: "pass several inputs as one List: \(name)(f)([a, b])")
            }
            let (x, scalar) = try point(try b.argument(0, "x"), "x")
            let r = try Differentiation.valueAndGradient(f, at: x, scalar: scalar, method: m, session: b.context)
            say(r.notes, b.context)
            return shape(r, scalar)
        })
    }

    static func gradientValue(_ r: Differentiation.Result, _ scalar: Bool) -> Value {
        scalar ? .float(r.gradient[0]) : numbersToList(r.gradient)
    }

    static let builtins: [Builtin] = [
        Builtin("grad", "grad(f, method: \"auto\") -> Function",
                "The gradient of f, a function of a number or a List of numbers that returns a Float. grad(f)(x) is a Float or a List like x. Expectations are differentiated exactly: \"adjoint\" on the state vector (one backward pass for every parameter), \"parameter-shift\" for noisy or sampled expect; \"auto\" picks. Arithmetic and the math functions are differentiated as they run; a function that cannot be traced falls back to central finite differences, with a note.") { a in
            try gradientFunction("grad", a, returning: gradientValue)
        },
        Builtin("value_and_grad", "value_and_grad(f, method: \"auto\") -> Function",
                "Like grad, but the function returns (f(x), gradient), from one evaluation.") { a in
            try gradientFunction("value_and_grad", a) { r, scalar in .tuple([.float(r.value), gradientValue(r, scalar)]) }
        },
        Builtin("minimize", "minimize(f, x0, method: \"bfgs\", steps: 200, lr: nil, tol: 1e-6, grad: \"auto\", plot: true) -> OptimizeResult",
                "Minimises f from x0 (a number or a List of numbers). Methods: \"adam\", \"gd\" and \"bfgs\" use exact gradients (see grad); \"spsa\", \"nelder-mead\" and \"cobyla\" (linear models in a shrinking trust region) use values only. lr is the step size (adam 0.1, gd 0.1; spsa calibrates its own from the gradient's size at x0) or the initial simplex or trust radius (0.5). In a notebook a convergence plot and a progress line update in place while it runs; an interrupt stops it and returns the best point so far.") { a in
            try Minimize.run(a)
        },
        Builtin("ising", "ising(n, j: 1.0, h: 1.0, periodic: false) -> Observable",
                "The transverse-field Ising chain −J Σ Z_i Z_(i+1) − h Σ X_i on n qubits.") { a in
            let n = try a.int(0, "n")
            guard n >= 1 else { throw SynQError.value("ising needs at least one qubit") }
            return .object(ObservableValue(Hamiltonians.ising(n, j: try a.optionalFloat("j") ?? 1, h: try a.optionalFloat("h") ?? 1,
                                                              periodic: try a.bool("periodic", default: false))))
        },
        Builtin("heisenberg", "heisenberg(n, j: 1.0, periodic: false) -> Observable",
                "The Heisenberg chain J Σ (X_i X_(i+1) + Y_i Y_(i+1) + Z_i Z_(i+1)) on n qubits.") { a in
            let n = try a.int(0, "n")
            guard n >= 2 else { throw SynQError.value("heisenberg needs at least two qubits") }
            return .object(ObservableValue(Hamiltonians.heisenberg(n, j: try a.optionalFloat("j") ?? 1, periodic: try a.bool("periodic", default: false))))
        },
        Builtin("maxcut", "maxcut(edges) -> Observable",
                "The cut size of a graph given as a List of edges (i, j) or (i, j, weight): Σ w (1 − Z_i Z_j) / 2. Its expectation is the expected weight of the edges a measured bitstring cuts, so maximise it (minimise its negative).") { a in
            let edges = try a.list(0, "edges").map { e -> (Int, Int, Double) in
                let parts: [Value]
                switch e {
                case .tuple(let t): parts = t
                case .list(let l): parts = l.items
                default: throw SynQError.type("an edge is (i, j) or (i, j, weight), not \(Format.typeName(e))")
                }
                guard parts.count == 2 || parts.count == 3, case .int(let i) = parts[0], case .int(let j) = parts[1], i >= 0, j >= 0, i != j else {
                    throw SynQError.value("an edge is (i, j) or (i, j, weight) with two different qubit indices, not \(Format.repr(e))")
                }
                let w = parts.count == 3 ? Operators.floatValue(parts[2]) : 1
                guard let w else { throw SynQError.type("an edge's weight must be a number") }
                return (i, j, w)
            }
            return .object(ObservableValue(Hamiltonians.maxcut(edges)))
        },
        Builtin("h2", "h2() -> Observable",
                "The H2 molecule in STO-3G at 0.735 Å on two qubits (parity mapping, two-qubit reduction; Qiskit's published coefficients). Its lowest eigenvalue is the electronic ground energy, −1.857275 Ha; add h2_nuclear_repulsion (0.719969 Ha) for the total, −1.137306 Ha.") { _ in
            .object(ObservableValue(Hamiltonians.h2))
        },
    ]
}
