import Glibc

/// A complex double. Arithmetic is written out on the parts (faster than a generic complex type).
public struct Complex: Equatable, Hashable, Sendable {
    public var re: Double
    public var im: Double
    @inlinable public init(_ re: Double, _ im: Double = 0) { self.re = re; self.im = im }

    public static let zero = Complex(0, 0)
    public static let one = Complex(1, 0)
    public static let i = Complex(0, 1)

    @inlinable public static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    @inlinable public static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    @inlinable public static func * (a: Complex, b: Complex) -> Complex {
        Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    @inlinable public static func * (a: Double, b: Complex) -> Complex { Complex(a * b.re, a * b.im) }
    @inlinable public static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
    @inlinable public static prefix func - (a: Complex) -> Complex { Complex(-a.re, -a.im) }
    @inlinable public static func += (a: inout Complex, b: Complex) { a = a + b }

    @inlinable public var conjugate: Complex { Complex(re, -im) }
    @inlinable public var normSquared: Double { re * re + im * im }
    public var magnitude: Double { hypot(re, im) }
    public var phase: Double { atan2(im, re) }

    /// e^(i theta)
    public static func exp(i theta: Double) -> Complex { Complex(cos(theta), sin(theta)) }

    public static func exp(_ z: Complex) -> Complex {
        let m = Glibc.exp(z.re)
        return Complex(m * cos(z.im), m * sin(z.im))
    }

    public static func log(_ z: Complex) -> Complex { Complex(Glibc.log(z.magnitude), z.phase) }

    public static func pow(_ a: Complex, _ b: Complex) -> Complex {
        if a == .zero { return b == .zero ? .one : .zero }
        return exp(b * log(a))
    }

    public static func sqrt(_ z: Complex) -> Complex {
        let m = z.magnitude
        let re = Glibc.sqrt((m + z.re) / 2)
        let im = Glibc.sqrt((m - z.re) / 2)
        return Complex(re, z.im < 0 ? -im : im)
    }

    public func isClose(_ other: Complex, tolerance: Double = 1e-12) -> Bool {
        abs(re - other.re) <= tolerance && abs(im - other.im) <= tolerance
    }
}
