/// Optimisation passes that keep the unitary exactly (global phase included): identities are
/// dropped, adjacent inverse pairs cancel, and consecutive rotations about the same axis merge.
public enum Optimizer {
    public static func optimize(_ circuit: Circuit) -> Circuit {
        var current = circuit
        while true {
            let next = pass(current)
            if next.instructions.count == current.instructions.count && next.instructions == current.instructions { return next }
            current = next
        }
    }

    static let selfInverse: Set<GateKind> = [.id, .x, .y, .z, .h, .swap]
    static let inversePairs: [GateKind: GateKind] = [.s: .sdg, .sdg: .s, .t: .tdg, .tdg: .t, .sx: .sxdg, .sxdg: .sx]
    static let rotations: Set<GateKind> = [.rx, .ry, .rz, .p, .rxx, .ryy, .rzz]

    static func isIdentity(_ op: Operation) -> Bool {
        if op.kind == .id { return true }
        guard rotations.contains(op.kind), op.power == 1, let p = op.params.first, p.isNumeric else { return false }
        let period = op.kind == .p ? 2 * Double.pi : 4 * Double.pi
        let r = p.constant.truncatingRemainder(dividingBy: period)
        return abs(r) < 1e-12 || abs(abs(r) - period) < 1e-12
    }

    /// The single operation equal to `a` followed by `b`, or nil when they do not combine;
    /// `.some(nil)` means they cancel.
    static func combine(_ a: Operation, _ b: Operation) -> Operation?? {
        guard a.targets == b.targets, a.controls == b.controls, a.controlStates == b.controlStates,
              a.power == 1, b.power == 1 else { return nil }
        if a.kind == b.kind && a.params == b.params && a.inverted != b.inverted { return .some(nil) }
        if a.kind == b.kind && a.inverted == b.inverted && selfInverse.contains(a.kind) { return .some(nil) }
        if !a.inverted && !b.inverted, inversePairs[a.kind] == b.kind { return .some(nil) }
        if a.kind == b.kind, rotations.contains(a.kind) {
            let pa = a.inverted ? -a.params[0] : a.params[0]
            let pb = b.inverted ? -b.params[0] : b.params[0]
            var merged = a
            merged.inverted = false
            merged.params = [pa + pb]
            return isIdentity(merged) ? .some(nil) : .some(merged)
        }
        return nil
    }

    static func pass(_ circuit: Circuit) -> Circuit {
        var out: [Instruction?] = []
        var last = [Int?](repeating: nil, count: circuit.qubitCount)
        for inst in circuit.instructions {
            let qubits = inst.qubits
            if case .gate(let op) = inst {
                if isIdentity(op) { continue }
                let previous = qubits.map { last[$0] }
                if let j = previous.first ?? nil, previous.allSatisfy({ $0 == j }), case .gate(let before)? = out[j],
                   Set(before.qubits) == Set(qubits), let result = combine(before, op) {
                    if let merged = result {
                        out[j] = .gate(merged)
                    } else {
                        out[j] = nil
                        for q in qubits { last[q] = nil }
                        // earlier instructions on these qubits are not reconsidered in this pass
                        for (k, o) in out.enumerated().reversed() where o != nil {
                            for q in o!.qubits where qubits.contains(q) && last[q] == nil { last[q] = k }
                        }
                    }
                    continue
                }
            }
            out.append(inst)
            for q in qubits { last[q] = out.count - 1 }
        }
        var result = circuit
        result.instructions = out.compactMap { $0 }
        return result
    }
}
