import Glibc

/// The base gates. Controlled forms (cx, ccx, crz, cswap, ...) are a base gate plus controls.
public enum GateKind: String, CaseIterable, Sendable {
    case id, x, y, z, h, s, sdg, t, tdg, sx, sxdg, rx, ry, rz, p, u
    case swap, iswap, ecr, rxx, ryy, rzz

    public var qubitCount: Int {
        switch self {
        case .swap, .iswap, .ecr, .rxx, .ryy, .rzz: return 2
        default: return 1
        }
    }

    public var parameterCount: Int {
        switch self {
        case .rx, .ry, .rz, .p, .rxx, .ryy, .rzz: return 1
        case .u: return 3
        default: return 0
        }
    }

    /// Diagonal in the computational basis: applied by multiplying amplitudes in place.
    public var isDiagonal: Bool {
        switch self {
        case .id, .z, .s, .sdg, .t, .tdg, .rz, .p, .rzz: return true
        default: return false
        }
    }

    /// The unitary as a row-major 2^k x 2^k matrix; bit j of a row index is target j.
    public func matrix(_ params: [Double]) -> [Complex] {
        let r = 1 / 2.0.squareRoot()
        func c(_ re: Double, _ im: Double = 0) -> Complex { Complex(re, im) }
        switch self {
        case .id: return [c(1), c(0), c(0), c(1)]
        case .x: return [c(0), c(1), c(1), c(0)]
        case .y: return [c(0), c(0, -1), c(0, 1), c(0)]
        case .z: return [c(1), c(0), c(0), c(-1)]
        case .h: return [c(r), c(r), c(r), c(-r)]
        case .s: return [c(1), c(0), c(0), c(0, 1)]
        case .sdg: return [c(1), c(0), c(0), c(0, -1)]
        case .t: return [c(1), c(0), c(0), Complex(r, r)]
        case .tdg: return [c(1), c(0), c(0), Complex(r, -r)]
        case .sx: return [c(0.5, 0.5), c(0.5, -0.5), c(0.5, -0.5), c(0.5, 0.5)]
        case .sxdg: return [c(0.5, -0.5), c(0.5, 0.5), c(0.5, 0.5), c(0.5, -0.5)]
        case .rx:
            let (co, si) = (cos(params[0] / 2), sin(params[0] / 2))
            return [c(co), c(0, -si), c(0, -si), c(co)]
        case .ry:
            let (co, si) = (cos(params[0] / 2), sin(params[0] / 2))
            return [c(co), c(-si), c(si), c(co)]
        case .rz:
            return [Complex.exp(i: -params[0] / 2), c(0), c(0), Complex.exp(i: params[0] / 2)]
        case .p:
            return [c(1), c(0), c(0), Complex.exp(i: params[0])]
        case .u:
            let (theta, phi, lambda) = (params[0], params[1], params[2])
            let (co, si) = (cos(theta / 2), sin(theta / 2))
            return [c(co), -(si * Complex.exp(i: lambda)),
                    si * Complex.exp(i: phi), co * Complex.exp(i: phi + lambda)]
        case .swap:
            return [c(1), c(0), c(0), c(0),
                    c(0), c(0), c(1), c(0),
                    c(0), c(1), c(0), c(0),
                    c(0), c(0), c(0), c(1)]
        case .iswap:
            return [c(1), c(0), c(0), c(0),
                    c(0), c(0), c(0, 1), c(0),
                    c(0), c(0, 1), c(0), c(0),
                    c(0), c(0), c(0), c(1)]
        case .ecr:
            // ECR = (IX - XY)/sqrt2 with qubit 0 the control-like first operand (Qiskit's definition)
            return [c(0), c(r), c(0), c(0, r),
                    c(r), c(0), c(0, -r), c(0),
                    c(0), c(0, r), c(0), c(r),
                    c(0, -r), c(0), c(r), c(0)]
        case .rxx:
            let (co, si) = (cos(params[0] / 2), sin(params[0] / 2))
            return [c(co), c(0), c(0), c(0, -si),
                    c(0), c(co), c(0, -si), c(0),
                    c(0), c(0, -si), c(co), c(0),
                    c(0, -si), c(0), c(0), c(co)]
        case .ryy:
            let (co, si) = (cos(params[0] / 2), sin(params[0] / 2))
            return [c(co), c(0), c(0), c(0, si),
                    c(0), c(co), c(0, -si), c(0),
                    c(0), c(0, -si), c(co), c(0),
                    c(0, si), c(0), c(0), c(co)]
        case .rzz:
            let a = Complex.exp(i: -params[0] / 2), b = Complex.exp(i: params[0] / 2)
            return [a, c(0), c(0), c(0),
                    c(0), b, c(0), c(0),
                    c(0), c(0), b, c(0),
                    c(0), c(0), c(0), a]
        }
    }
}

/// What a gate name in a program means: a base gate with a number of controls.
public struct GateSpec: Sendable {
    public let name: String
    public let kind: GateKind
    public let controls: Int
    public var qubitCount: Int { kind.qubitCount + controls }
    public var parameterCount: Int { kind.parameterCount }

    /// Every name the language accepts, aliases included.
    public static let table: [String: GateSpec] = {
        var t: [String: GateSpec] = [:]
        for k in GateKind.allCases { t[k.rawValue] = GateSpec(name: k.rawValue, kind: k, controls: 0) }
        let controlled: [(String, GateKind, Int)] = [
            ("cx", .x, 1), ("cy", .y, 1), ("cz", .z, 1), ("ch", .h, 1), ("crx", .rx, 1), ("cry", .ry, 1),
            ("crz", .rz, 1), ("cp", .p, 1), ("ccx", .x, 2), ("cswap", .swap, 1), ("cu", .u, 1), ("ccz", .z, 2),
            ("csx", .sx, 1), ("cs", .s, 1), ("csdg", .sdg, 1),
        ]
        for (name, kind, n) in controlled { t[name] = GateSpec(name: name, kind: kind, controls: n) }
        let aliases = ["cnot": "cx", "toffoli": "ccx", "fredkin": "cswap", "u3": "u", "phase": "p", "cphase": "cp", "i": "id"]
        for (alias, target) in aliases { t[alias] = t[target] }
        return t
    }()

    /// The canonical name for a base gate with `controls` plain controls, if one exists.
    public static func canonicalName(kind: GateKind, controls: Int) -> String? {
        if controls == 0 { return kind.rawValue }
        let names: [String: String] = ["x1": "cx", "y1": "cy", "z1": "cz", "h1": "ch", "rx1": "crx", "ry1": "cry",
                                       "rz1": "crz", "p1": "cp", "x2": "ccx", "swap1": "cswap", "sx1": "csx",
                                       "s1": "cs", "sdg1": "csdg", "z2": "ccz"]
        return names["\(kind.rawValue)\(controls)"]
    }
}
