import Glibc
import JupyterProtocol
import QuantumKit
import Support
import SynQLanguage

/// SynQ's answers to the Jupyter requests: cells run through one persistent Session.
public final class SynQHandler: KernelHandler {
    let session: Session
    let output = CellOutput()
    lazy var magics = Magics(handler: self)
    lazy var debugAdapter = DebugAdapter(session: session)

    public init() {
        session = Session(output: output)
        session.showHelp = { [output] text in output.pager.append(text) }
        session.readInput = { [output] prompt in
            guard let context = output.context else { throw SynQError("E011", "IOError", "input() is not available here") }
            do { return try context.input(prompt: prompt) } catch let e as InputError {
                if case .interrupted = e { throw SynQError.interrupted() }
                throw SynQError("E011", "IOError", "input() is not available: \(e.description)")
            }
        }
        configureCluster()
    }

    /// SYNQ_CLUSTER (and SYNQ_CLUSTER_TOKEN) point a new kernel at a cluster without a magic;
    /// Jupyter's JPY_SESSION_NAME (the notebook's path) goes into every job's metadata.
    func configureCluster() {
        if let notebook = getenv("JPY_SESSION_NAME").map({ String(cString: $0) }), !notebook.isEmpty {
            session.jobs.metadata = [("synq_notebook", notebook)]
        }
        guard let url = getenv("SYNQ_CLUSTER").map({ String(cString: $0) }), !url.isEmpty else { return }
        do {
            try session.jobs.configure(url: url, token: getenv("SYNQ_CLUSTER_TOKEN").map { String(cString: $0) })
        } catch {
            output.write("SYNQ_CLUSTER=\(url) is not usable (\(error)); jobs run on this machine\n", toStandardError: true)
        }
    }

    public var kernelInfo: JSONObject { KernelInfo.reply }

    public func interrupt() { session.interrupt.cancel() }

    public func debug(_ request: JSONObject, events: @escaping @Sendable (JSONObject) -> Void) -> JSONObject {
        debugAdapter.handle(request, events: events)
    }

    public func execute(_ request: ExecuteRequest, context: ExecutionContext) -> ExecuteOutcome {
        output.context = context
        output.pager = []
        defer { output.context = nil }
        session.debugger?.cellPath = debugAdapter.debugger.map { _ in debugAdapter.path(for: request.code) }
        output.debugAdapter = debugAdapter.debugger.map { _ in debugAdapter }
        do {
            let value = try magics.run(request.code, cellName: "cell[\(context.executionCount)]")
            let payload: [JSON] = output.pager.isEmpty ? [] : [.object([
                "source": .string("page"), "data": .object(["text/plain": .string(output.pager.joined(separator: "\n\n"))]), "start": .int(0),
            ])]
            if let value, !request.silent {
                if case .none = value { return .ok(result: nil, payload: payload) }
                return .ok(result: (RichOutput.bundle(value), RichOutput.metadata(value)), payload: payload)
            }
            return .ok(result: nil, payload: payload)
        } catch {
            return Tracebacks.outcome(for: error)
        }
    }

    public func evaluate(expression: String) -> JSONObject {
        do {
            let value = try session.execute(expression, name: "user_expression") ?? .none
            return ["status": .string("ok"), "data": .object(RichOutput.bundle(value)), "metadata": .object(RichOutput.metadata(value))]
        } catch {
            if case .error(let ename, let evalue, let traceback) = Tracebacks.outcome(for: error) {
                return ["status": .string("error"), "ename": .string(ename), "evalue": .string(evalue), "traceback": .array(traceback.map { .string($0) })]
            }
            return ["status": .string("error")]
        }
    }

    public func complete(code: String, cursor: Int) -> JSONObject {
        let (matches, start, end) = magics.complete(code, cursor: cursor) ?? session.complete(code, cursor: cursor)
        return ["status": .string("ok"), "matches": .array(matches.map { .string($0) }),
                "cursor_start": .int(start), "cursor_end": .int(end), "metadata": .object([:])]
    }

    public func inspect(code: String, cursor: Int, detail: Int) -> JSONObject {
        guard let text = session.inspect(code, cursor: cursor, detail: detail) else {
            return ["status": .string("ok"), "found": .bool(false), "data": .object([:]), "metadata": .object([:])]
        }
        return ["status": .string("ok"), "found": .bool(true), "data": .object(["text/plain": .string(text)]), "metadata": .object([:])]
    }

    public func isComplete(code: String) -> JSONObject {
        if code.hasPrefix("%%") { return ["status": .string("complete")] }
        switch Parser.isComplete(Parser.blankingMagicLines(code)) {
        case .complete: return ["status": .string("complete")]
        case .incomplete(let indent): return ["status": .string("incomplete"), "indent": .string(indent)]
        case .invalid: return ["status": .string("invalid")]
        }
    }
}

/// Routes the session's output to the cell that is running.
final class CellOutput: OutputSink {
    var context: ExecutionContext?
    var pager: [String] = []
    /// Set while a debugger is attached: output also goes to its console.
    var debugAdapter: DebugAdapter?

    func write(_ text: String, toStandardError: Bool) {
        context?.stream(toStandardError ? "stderr" : "stdout", text)
        debugAdapter?.output(text, category: toStandardError ? "stderr" : "stdout")
    }

    func display(_ value: Value, id: String?, update: Bool) {
        context?.display(data: RichOutput.bundle(value), metadata: RichOutput.metadata(value), displayID: id, update: update)
    }

    func clearOutput(wait: Bool) { context?.clearOutput(wait: wait) }
    var updatesInPlace: Bool { true }
}

extension StringProtocol {
    func trimmingPrefixSpaces() -> SubSequence { drop { $0 == " " || $0 == "\t" } }
}
