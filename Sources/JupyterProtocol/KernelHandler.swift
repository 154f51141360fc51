import Support

/// What a language implements to become a Jupyter kernel. The server owns the sockets, the
/// threads, busy/idle, execution counts, history and comms; the handler only answers.
public protocol KernelHandler: AnyObject {
    /// implementation, implementation_version, language_info, banner, help_links, ...
    var kernelInfo: JSONObject { get }
    /// Runs a cell on the shell thread, sending outputs through the context.
    func execute(_ request: ExecuteRequest, context: ExecutionContext) -> ExecuteOutcome
    /// The value of a user expression after a cell (an execute_reply's user_expressions entry).
    func evaluate(expression: String) -> JSONObject
    func complete(code: String, cursor: Int) -> JSONObject
    func inspect(code: String, cursor: Int, detail: Int) -> JSONObject
    func isComplete(code: String) -> JSONObject
    /// Called from the control thread or a signal handler: must only set flags.
    func interrupt()
    /// Answers a debug_request (a Debug Adapter Protocol request) on the control thread, so it
    /// is answered while a cell runs or is stopped. `events` publishes debug_event messages
    /// (from any thread, at any later time).
    func debug(_ request: JSONObject, events: @escaping @Sendable (JSONObject) -> Void) -> JSONObject
}

extension KernelHandler {
    /// Kernels without a debugger refuse every debug request.
    public func debug(_ request: JSONObject, events: @escaping @Sendable (JSONObject) -> Void) -> JSONObject {
        ["type": "response", "request_seq": request["seq"] ?? 0, "success": false, "command": request["command"] ?? "",
         "message": "this kernel has no debugger"]
    }
}

public struct ExecuteRequest: Sendable {
    public var code: String
    public var silent: Bool
    public var storeHistory: Bool
    public var userExpressions: [(String, String)]
    public var allowStdin: Bool
    public var stopOnError: Bool
}

public enum ExecuteOutcome {
    /// `result` is the execute_result's data and metadata; `payload` goes into the reply (the pager).
    case ok(result: (data: JSONObject, metadata: JSONObject)?, payload: [JSON])
    case error(ename: String, evalue: String, traceback: [String])
}

/// What a running cell may do: send outputs, ask for input.
public final class ExecutionContext {
    public let executionCount: Int
    public let request: ExecuteRequest
    let parent: Message
    unowned let server: KernelServer

    init(executionCount: Int, request: ExecuteRequest, parent: Message, server: KernelServer) {
        self.executionCount = executionCount
        self.request = request
        self.parent = parent
        self.server = server
    }

    public func stream(_ name: String, _ text: String) {
        guard !request.silent, !text.isEmpty else { return }
        server.iopub.stream(name, text, parent: parent)
    }

    public func display(data: JSONObject, metadata: JSONObject = [:], displayID: String? = nil, update: Bool = false) {
        guard !request.silent else { return }
        var content: JSONObject = ["data": .object(data), "metadata": .object(metadata)]
        if let displayID { content["transient"] = .object(["display_id": .string(displayID)]) }
        server.publish(update ? "update_display_data" : "display_data", content, parent: parent)
    }

    public func clearOutput(wait: Bool) {
        guard !request.silent else { return }
        server.publish("clear_output", ["wait": .bool(wait)], parent: parent)
    }

    /// Asks the front end for a line of input on the stdin channel.
    public func input(prompt: String, password: Bool = false) throws -> String {
        guard request.allowStdin else { throw InputError.notAllowed }
        return try server.requestInput(prompt: prompt, password: password, parent: parent)
    }
}

public enum InputError: Error, CustomStringConvertible {
    case notAllowed, interrupted, failed(String)
    public var description: String {
        switch self {
        case .notAllowed: return "this front end does not accept input (allow_stdin is false)"
        case .interrupted: return "interrupted while waiting for input"
        case .failed(let why): return "input failed: \(why)"
        }
    }
}
