import JupyterProtocol
import QuantumKit
import SynQLanguage

/// Errors as Jupyter shows them: ename, evalue and a coloured traceback with the failing line,
/// a caret and the SynQ call stack.
enum Tracebacks {
    static func outcome(for error: Error) -> ExecuteOutcome {
        switch error {
        case let d as Diagnostic:
            return .error(ename: family(d.code), evalue: "[SYNQ-\(d.code)] \(d.message)", traceback: d.render(color: true).split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        case let e as SynQError:
            return .error(ename: e.kind, evalue: "[SYNQ-\(e.code)] \(e.message)", traceback: e.render(color: true).split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        case let e as MagicError:
            return .error(ename: "MagicError", evalue: "[SYNQ-K001] \(e.message)", traceback: ["\u{1B}[1;31mMagicError[SYNQ-K001]\u{1B}[0m: \(e.message)"])
        default:
            return .error(ename: "InternalError", evalue: "\(error)", traceback: ["InternalError: \(error)"])
        }
    }

    /// "ename: evalue", for a one-line answer (the debugger's evaluate).
    static func message(for error: Error) -> String {
        guard case .error(let ename, let evalue, _) = outcome(for: error) else { return "\(error)" }
        return "\(ename): \(evalue)"
    }

    static func family(_ code: String) -> String {
        switch code.first {
        case "P": return "SyntaxError"
        case "R": return "NameError"
        case "T": return "TypeError"
        case "S": return "GateError"
        case "Q": return "QubitError"
        default: return "Error"
        }
    }
}
