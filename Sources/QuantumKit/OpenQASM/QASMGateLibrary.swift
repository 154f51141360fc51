import Glibc

/// The gates of OpenQASM's standard include files, as SynQ applies them. Names follow Qiskit's
/// readers: `u3` is OpenQASM's `U` with no extra global phase, `u2(φ, λ)` is `U(π/2, φ, λ)`,
/// `cu(θ, φ, λ, γ)` is a controlled `U` with the phase γ on the control.
enum QASMGateLibrary {
    /// Gates every program has, include or not.
    static let builtins: Set<String> = ["U", "CX", "gphase"]

    /// qelib1.inc as Qiskit ships it (the original file plus sx, sxdg, p, cp, csx, cu, rxx, rzz,
    /// rccx, rc3x, c3x, c3sqrtx, c4x).
    static let qelib1: Set<String> = [
        "u3", "u2", "u1", "cx", "id", "u0", "u", "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz",
        "sx", "sxdg", "cz", "cy", "swap", "ch", "ccx", "cswap", "crx", "cry", "crz", "cu1", "cp", "cu3", "csx", "cu",
        "rxx", "rzz", "rccx", "rc3x", "c3x", "c3sqrtx", "c4x",
    ]

    /// stdgates.inc of OpenQASM 3.
    static let stdgates: Set<String> = [
        "p", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx", "ry", "rz", "cx", "cy", "cz", "cp", "crx", "cry",
        "crz", "ch", "swap", "ccx", "cswap", "cu", "CX", "phase", "cphase", "id", "u1", "u2", "u3",
    ]

    static func names(include file: String) -> Set<String>? {
        switch file {
        case "qelib1.inc": return qelib1
        case "stdgates.inc": return stdgates
        default: return nil
        }
    }

    /// Parameters and qubits of each library gate.
    static let shapes: [String: (parameters: Int, qubits: Int)] = [
        "U": (3, 1), "CX": (0, 2), "gphase": (1, 0), "u3": (3, 1), "u": (3, 1), "u2": (2, 1), "u1": (1, 1), "u0": (1, 1),
        "p": (1, 1), "phase": (1, 1), "id": (0, 1), "x": (0, 1), "y": (0, 1), "z": (0, 1), "h": (0, 1), "s": (0, 1),
        "sdg": (0, 1), "t": (0, 1), "tdg": (0, 1), "sx": (0, 1), "sxdg": (0, 1), "rx": (1, 1), "ry": (1, 1), "rz": (1, 1),
        "cx": (0, 2), "cy": (0, 2), "cz": (0, 2), "ch": (0, 2), "swap": (0, 2), "crx": (1, 2), "cry": (1, 2), "crz": (1, 2),
        "cp": (1, 2), "cphase": (1, 2), "cu1": (1, 2), "cu3": (3, 2), "cu": (4, 2), "csx": (0, 2), "rxx": (1, 2), "rzz": (1, 2),
        "ccx": (0, 3), "cswap": (0, 3), "rccx": (0, 3), "c3x": (0, 4), "c3sqrtx": (0, 4), "rc3x": (0, 4), "c4x": (0, 5),
    ]

    /// The operations a library gate stands for; nil for the relative-phase Toffolis, which
    /// are expanded from `definitions`.
    static func operations(_ name: String, _ p: [Parameter], _ q: [Int]) -> [Operation]? {
        func op(_ kind: GateKind, controls: Int = 0, _ params: [Parameter] = []) -> [Operation] {
            [Operation(kind, Array(q[controls...]), params: params, controls: Array(q[..<controls]))]
        }
        switch name {
        case "U", "u3", "u": return op(.u, p)
        case "u2": return op(.u, [Parameter(Double.pi / 2), p[0], p[1]])
        case "u1", "p", "phase": return op(.p, p)
        case "u0", "id": return op(.id)
        case "CX", "cx": return op(.x, controls: 1)
        case "cy": return op(.y, controls: 1)
        case "cz": return op(.z, controls: 1)
        case "ch": return op(.h, controls: 1)
        case "crx": return op(.rx, controls: 1, p)
        case "cry": return op(.ry, controls: 1, p)
        case "crz": return op(.rz, controls: 1, p)
        case "cp", "cphase", "cu1": return op(.p, controls: 1, p)
        case "cu3": return op(.u, controls: 1, p)
        case "cu": return [Operation(.p, [q[0]], params: [p[3]])] + op(.u, controls: 1, Array(p[..<3]))
        case "csx": return op(.sx, controls: 1)
        case "ccx": return op(.x, controls: 2)
        case "cswap": return op(.swap, controls: 1)
        case "c3x": return op(.x, controls: 3)
        case "c3sqrtx": return op(.sx, controls: 3)
        case "c4x": return op(.x, controls: 4)
        case "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "swap", "rxx", "rzz":
            return op(GateKind(rawValue: name)!, p)
        default: return nil
        }
    }

    /// qelib1.inc's relative-phase Toffolis, in its own words.
    static let definitions = """
    gate rccx a, b, c { u2(0, pi) c; u1(pi/4) c; cx b, c; u1(-pi/4) c; cx a, c; u1(pi/4) c; cx b, c; u1(-pi/4) c; u2(0, pi) c; }
    gate rc3x a, b, c, d { u2(0, pi) d; u1(pi/4) d; cx c, d; u1(-pi/4) d; u2(0, pi) d; cx a, d; u1(pi/4) d; cx b, d;
      u1(-pi/4) d; cx a, d; u1(pi/4) d; cx b, d; u1(-pi/4) d; u2(0, pi) d; u1(pi/4) d; cx c, d; u1(-pi/4) d; u2(0, pi) d; }
    """
}
