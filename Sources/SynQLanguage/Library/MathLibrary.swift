import Glibc
import QuantumKit

/// math: number functions, global and in the `math` module.
enum MathLibrary {
    /// A real function; with its derivative it also takes Floats traced by `grad`.
    static func real(_ name: String, _ doc: String, _ f: @escaping (Double) -> Double, complex: ((Complex) -> Complex)? = nil,
                     derivative: ((Double) -> Double)? = nil) -> Builtin {
        Builtin(name, "\(name)(x) -> Float", doc) { args in
            try args.require(1, name, "\(name)(x)")
            if let complex, case .complex(let z) = args[0] { return .complex(complex(z)) }
            if let derivative, let d = DualNumber.from(args[0]) { return d.map(f(d.value), derivative(d.value)) }
            return .float(f(try args.float(0, "x")))
        }
    }

    static func rounding(_ name: String, _ doc: String, _ rule: FloatingPointRoundingRule) -> Builtin {
        Builtin(name, "\(name)(x) -> Int", doc) { args in
            try args.require(1, name, "\(name)(x)")
            if case .int = args[0] { return args[0] }
            let x = try DualNumber.from(args[0])?.value ?? args.float(0, "x")
            if name == "round", args.count > 1 || args.keyword("digits") != nil {
                let digits = try args.int(1, "digits")
                let scale = pow(10.0, Double(digits))
                return .float((x * scale).rounded(rule) / scale)
            }
            return try CoreLibrary.toInt(.float(x.rounded(rule)))
        }
    }

    static func extreme(_ name: String, _ pick: Int) -> Builtin {
        Builtin(name, "\(name)(xs) or \(name)(a, b, ...), key: nil", "The \(name == "min" ? "smallest" : "largest") element, by key(x) when key is given.") { args in
            let items = args.count == 1 ? try args.list(0, "xs") : args.positional
            guard var best = items.first else { throw SynQError.value("\(name)() of an empty sequence") }
            let key = args.keyword("key")
            var bestKey = try key.map { try args.context.call($0, [best]) } ?? best
            for x in items.dropFirst() {
                let k = try key.map { try args.context.call($0, [x]) } ?? x
                if try Operators.compare(k, bestKey) == pick { best = x; bestKey = k }
            }
            return best
        }
    }

    static let builtins: [Builtin] = [
        Builtin("idiv", "idiv(a, b) -> Int", "Integer division rounded toward negative infinity (Python's a // b).") { args in
            let (a, b) = (try args.int(0, "a"), try args.int(1, "b"))
            guard b != 0 else { throw Operators.zeroDivision("/") }
            return .int(floorDiv(a, b))
        },
        Builtin("divmod", "divmod(a, b) -> (Int, Int)", "(idiv(a, b), a % b).") { args in
            let (a, b) = (try args.int(0, "a"), try args.int(1, "b"))
            guard b != 0 else { throw Operators.zeroDivision("/") }
            return .tuple([.int(floorDiv(a, b)), try Operators.remainder(.int(a), .int(b))])
        },
        Builtin("abs", "abs(x)", "The absolute value; the magnitude of a Complex.") { args in
            try args.require(1, "abs", "abs(x)")
            switch args[0] {
            case .int(let i):
                guard i != .min else { throw Operators.overflow("abs", i, 0) }
                return .int(abs(i))
            case .complex(let z): return .float(z.magnitude)
            case .object(let o as DualNumber): return o.map(abs(o.value), o.value < 0 ? -1 : 1)
            default: return .float(abs(try args.float(0, "x")))
            }
        },
        Builtin("sqrt", "sqrt(x) -> Float", "The square root. A negative Float is an error; pass a Complex for a complex root.") { args in
            try args.require(1, "sqrt", "sqrt(x)")
            if case .complex(let z) = args[0] { return .complex(Complex.sqrt(z)) }
            if let d = DualNumber.from(args[0]), d.value > 0 { return d.map(d.value.squareRoot(), 0.5 / d.value.squareRoot()) }
            let x = try args.float(0, "x")
            guard x >= 0 else { throw SynQError.value("sqrt of a negative number \(Format.float(x))", help: "use sqrt(complex(x)) for a complex root") }
            return .float(x.squareRoot())
        },
        real("exp", "e raised to x.", Glibc.exp, complex: Complex.exp, derivative: Glibc.exp),
        Builtin("log", "log(x, base = e) -> Float", "The natural logarithm, or the logarithm in a given base.") { args in
            try args.require(1, "log", "log(x)")
            if case .complex(let z) = args[0] { return .complex(Complex.log(z)) }
            if args.count == 1, let d = DualNumber.from(args[0]), d.value > 0 { return d.map(Glibc.log(d.value), 1 / d.value) }
            let x = try args.float(0, "x")
            guard x > 0 else { throw SynQError.value("log of a non-positive number \(Format.float(x))") }
            if args.count > 1 { return .float(Glibc.log(x) / Glibc.log(try args.float(1, "base"))) }
            return .float(Glibc.log(x))
        },
        real("log2", "The base-2 logarithm.", Glibc.log2, derivative: { 1 / ($0 * M_LN2) }),
        real("log10", "The base-10 logarithm.", Glibc.log10, derivative: { 1 / ($0 * M_LN10) }),
        real("sin", "The sine (radians).", Glibc.sin, derivative: Glibc.cos),
        real("cos", "The cosine (radians).", Glibc.cos, derivative: { -Glibc.sin($0) }),
        real("tan", "The tangent (radians).", Glibc.tan, derivative: { 1 / (Glibc.cos($0) * Glibc.cos($0)) }),
        real("asin", "The arc sine, in radians.", Glibc.asin, derivative: { 1 / (1 - $0 * $0).squareRoot() }),
        real("acos", "The arc cosine, in radians.", Glibc.acos, derivative: { -1 / (1 - $0 * $0).squareRoot() }),
        real("atan", "The arc tangent, in radians.", Glibc.atan, derivative: { 1 / (1 + $0 * $0) }),
        Builtin("atan2", "atan2(y, x) -> Float", "The angle of the point (x, y), in (-π, π].") { args in
            .float(Glibc.atan2(try args.float(0, "y"), try args.float(1, "x")))
        },
        real("sinh", "The hyperbolic sine.", Glibc.sinh, derivative: Glibc.cosh),
        real("cosh", "The hyperbolic cosine.", Glibc.cosh, derivative: Glibc.sinh),
        real("tanh", "The hyperbolic tangent.", Glibc.tanh, derivative: { 1 - Glibc.tanh($0) * Glibc.tanh($0) }),
        rounding("floor", "The largest Int not above x.", .down),
        rounding("ceil", "The smallest Int not below x.", .up),
        rounding("round", "x rounded to the nearest Int (ties to even, as in Python); round(x, digits) keeps that many decimals and returns a Float.", .toNearestOrEven),
        rounding("trunc", "x with its fraction dropped, as an Int.", .towardZero),
        extreme("min", -1),
        extreme("max", 1),
        Builtin("sum", "sum(xs, start = 0)", "The sum of the elements (Ints stay Ints; overflow is an error).") { args in
            var total = args.count > 1 ? args[1] : .int(0)
            for x in try args.list(0, "xs") { total = try Operators.add(total, x) }
            return total
        },
        Builtin("prod", "prod(xs)", "The product of the elements.") { args in
            var total = Value.int(1)
            for x in try args.list(0, "xs") { total = try Operators.multiply(total, x) }
            return total
        },
        Builtin("clamp", "clamp(x, lo, hi)", "x limited to the interval [lo, hi].") { args in
            try args.require(3, "clamp", "clamp(x, lo, hi)")
            if try Operators.compare(args[0], args[1]) < 0 { return args[1] }
            if try Operators.compare(args[0], args[2]) > 0 { return args[2] }
            return args[0]
        },
        Builtin("gcd", "gcd(a, b) -> Int", "The greatest common divisor.") { args in
            .int(gcd(try args.int(0, "a"), try args.int(1, "b")))
        },
        Builtin("lcm", "lcm(a, b) -> Int", "The least common multiple.") { args in
            let (a, b) = (try args.int(0, "a"), try args.int(1, "b"))
            if a == 0 || b == 0 { return .int(0) }
            let (r, o) = abs(a / gcd(a, b)).multipliedReportingOverflow(by: abs(b))
            if o { throw Operators.overflow("lcm", a, b) }
            return .int(r)
        },
        Builtin("factorial", "factorial(n) -> Int", "n! (an error past 20!, which is the largest that fits in an Int).") { args in
            let n = try args.int(0, "n")
            guard n >= 0 else { throw SynQError.value("factorial of a negative number") }
            var r = 1
            for k in stride(from: 2, through: n, by: 1) {
                let (p, o) = r.multipliedReportingOverflow(by: k)
                if o { throw SynQError("E005", "OverflowError", "factorial(\(n)) does not fit in an Int") }
                r = p
            }
            return .int(r)
        },
        Builtin("comb", "comb(n, k) -> Int", "The number of ways to choose k of n items.") { args in
            let (n, k) = (try args.int(0, "n"), try args.int(1, "k"))
            guard k >= 0 && k <= n else { return .int(0) }
            var r = 1
            for i in 0..<min(k, n - k) {
                let (p, o) = r.multipliedReportingOverflow(by: n - i)
                if o { throw SynQError("E005", "OverflowError", "comb(\(n), \(k)) does not fit in an Int") }
                r = p / (i + 1)
            }
            return .int(r)
        },
        Builtin("re", "re(z) -> Float", "The real part.") { args in .float(try complexArg(args).re) },
        Builtin("im", "im(z) -> Float", "The imaginary part.") { args in .float(try complexArg(args).im) },
        Builtin("conj", "conj(z) -> Complex", "The complex conjugate.") { args in .complex(try complexArg(args).conjugate) },
        Builtin("arg", "arg(z) -> Float", "The phase angle of z, in (-π, π].") { args in .float(try complexArg(args).phase) },
    ]

    static func complexArg(_ args: Arguments) throws -> Complex {
        try args.require(1, "z", "f(z)")
        guard let z = Operators.complexValue(args[0]) else { throw SynQError.type("expected a number, not \(Format.typeName(args[0]))") }
        return z
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (abs(a), abs(b))
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    static var module: Module {
        var members: [String: Value] = [:]
        for b in builtins { members[b.name] = .builtin(b) }
        members["pi"] = .float(.pi); members["tau"] = .float(2 * .pi); members["e"] = .float(M_E)
        members["inf"] = .float(.infinity); members["nan"] = .float(.nan)
        return Module(name: "math", doc: "Number functions and constants (also available as globals).", members: members)
    }
}
