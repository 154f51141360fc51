import QuantumKit

/// The recovery profile's probability listing: `basis |11> probability = 0.5`, highest qubit
/// first, one line per basis state with non-zero probability.
public enum ProbabilityReport {
    public static func lines(_ session: Session) -> String {
        guard let state = try? session.quantum.currentState() else { return "" }
        var out = ""
        for (i, p) in state.probabilities().enumerated() where p > 1e-12 {
            out += "basis |\(StateText.bits(i, state.qubitCount))> probability = \(Format.float((p * 1e12).rounded() / 1e12))\n"
        }
        return out
    }
}
