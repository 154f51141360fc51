import CZeroMQ
import Glibc
import Support
import Synchronization

/// The kernel process's server: binds the five channels from a connection file and runs one
/// owner thread per socket. Shell requests (and stdin) are served on the calling thread, which
/// should have a large stack; control, heartbeat and IOPub have their own threads.
public final class KernelServer {
    public let handler: KernelHandler
    let info: ConnectionInfo
    let codec: WireCodec
    public let session = Message.newID()
    let shell: ZMQSocket, control: ZMQSocket, stdinSocket: ZMQSocket, heartbeat: ZMQSocket, iopubSocket: ZMQSocket
    let iopub: IOPubChannel
    public let history: HistoryStore
    private var executionCount = 0
    private let interruptRequested = Atomic<Bool>(false)
    private let shuttingDown = Atomic<Bool>(false)
    static let maxMessageSize: Int64 = 64 << 20

    public init(connectionFile: String, handler: KernelHandler, historyPath: String = HistoryStore.defaultPath()) throws {
        guard let bytes = Files.read(connectionFile) else { throw ConfigurationError("cannot read the connection file \(connectionFile)") }
        info = try ConnectionInfo(json: try JSON.parse(bytes))
        codec = WireCodec(key: info.key)
        self.handler = handler
        shell = try ZMQSocket(.router)
        control = try ZMQSocket(.router)
        stdinSocket = try ZMQSocket(.router)
        heartbeat = try ZMQSocket(.rep)
        iopubSocket = try ZMQSocket(.xpub)
        for s in [shell, control, stdinSocket] {
            s.setOption(ZMQ_MAXMSGSIZE, KernelServer.maxMessageSize)
            s.setOption(ZMQ_ROUTER_HANDOVER, Int32(1))
        }
        iopubSocket.setOption(ZMQ_SNDHWM, Int32(0))
        // Manual mode: a new subscriber receives nothing until the IOPub thread has taken its
        // subscription and welcomed it, so iopub_welcome is always its first message.
        iopubSocket.setOption(ZMQ_XPUB_MANUAL, Int32(1))
        try shell.bind(info.endpoint(info.shellPort))
        try control.bind(info.endpoint(info.controlPort))
        try stdinSocket.bind(info.endpoint(info.stdinPort))
        try heartbeat.bind(info.endpoint(info.hbPort))
        try iopubSocket.bind(info.endpoint(info.iopubPort))
        iopub = IOPubChannel(socket: iopubSocket, codec: codec, session: session)
        history = HistoryStore(path: historyPath)
    }

    /// Serves until shutdown. Call it on a thread with a large stack: cells run here.
    public func run() -> Never {
        Threads.start { [iopub] in iopub.run() }
        Threads.start { [heartbeat] in
            while let frames = try? heartbeat.receive() { try? heartbeat.send(frames) }
        }
        Threads.start { [self] in serveControl() }
        publish("status", ["execution_state": .string("starting")], parent: nil)
        while true {
            guard let frames = try? shell.receive() else { continue }
            guard let message = decode(frames, channel: "shell") else { continue }
            dispatchShell(message)
        }
    }

    /// Sets the interrupt flag and tells the handler (safe from a signal handler: both are atomic stores).
    public func requestInterrupt() {
        interruptRequested.store(true, ordering: .relaxed)
        handler.interrupt()
    }

    func decode(_ frames: [[UInt8]], channel: String) -> Message? {
        do {
            return try codec.decode(frames)
        } catch {
            log("dropped a \(channel) message: \(error)")
            return nil
        }
    }

    func send(_ socket: ZMQSocket, _ message: Message) {
        do { try socket.send(codec.encode(message)) } catch { log("send failed: \(error)") }
    }

    func publish(_ type: String, _ content: JSONObject, parent: Message?) {
        iopub.publish(Message.make(type, content, parent: parent, session: session, identities: [Array(type.utf8)]))
    }

    func reply(_ socket: ZMQSocket, _ type: String, _ content: JSONObject, to request: Message, metadata: JSONObject = [:]) {
        send(socket, Message.make(type, content, parent: request, session: session, metadata: metadata))
    }

    // MARK: - shell

    func dispatchShell(_ request: Message) {
        publish("status", ["execution_state": .string("busy")], parent: request)
        defer {
            iopub.flush()
            publish("status", ["execution_state": .string("idle")], parent: request)
        }
        let content = request.content
        switch request.type {
        case "execute_request":
            execute(request)
        case "kernel_info_request":
            reply(shell, "kernel_info_reply", kernelInfoReply(), to: request)
        case "complete_request":
            reply(shell, "complete_reply", handler.complete(code: content["code"]?.string ?? "", cursor: content["cursor_pos"]?.int ?? 0), to: request)
        case "inspect_request":
            reply(shell, "inspect_reply", handler.inspect(code: content["code"]?.string ?? "", cursor: content["cursor_pos"]?.int ?? 0,
                                                         detail: content["detail_level"]?.int ?? 0), to: request)
        case "is_complete_request":
            reply(shell, "is_complete_reply", handler.isComplete(code: content["code"]?.string ?? ""), to: request)
        case "history_request":
            reply(shell, "history_reply", history.reply(content), to: request)
        case "comm_info_request":
            reply(shell, "comm_info_reply", ["status": .string("ok"), "comms": .object([:])], to: request)
        case "comm_open":
            // no comm targets are registered: close it, as the protocol asks
            let id = content["comm_id"] ?? .string("")
            publish("comm_close", ["comm_id": id, "data": .object([:])], parent: request)
        case "comm_msg", "comm_close":
            break
        case "shutdown_request":
            shutdown(request, on: shell)
        default:
            log("unsupported shell message type \(request.type)")
        }
    }

    func kernelInfoReply() -> JSONObject {
        var content = handler.kernelInfo
        content["status"] = .string("ok")
        content["protocol_version"] = .string(Message.protocolVersion)
        return content
    }

    /// Runs an execute_request and replies. When the cell fails with stop_on_error, the requests
    /// already waiting are taken before the reply goes out (so none the client sends after
    /// seeing the reply is caught) and aborted after it.
    func execute(_ request: Message) {
        let c = request.content
        guard case .string(let code)? = c["code"] else {
            reply(shell, "execute_reply", ["status": .string("error"), "ename": .string("BadRequest"),
                                           "evalue": .string("execute_request without code"), "traceback": .array([]),
                                           "execution_count": .int(executionCount)], to: request)
            return
        }
        let silent = c["silent"]?.bool ?? false
        let store = (c["store_history"]?.bool ?? !silent) && !silent
        let expressions = (c["user_expressions"]?.object?.pairs ?? []).compactMap { k, v in v.string.map { (k, $0) } }
        let req = ExecuteRequest(code: code, silent: silent, storeHistory: store, userExpressions: expressions,
                                 allowStdin: c["allow_stdin"]?.bool ?? false, stopOnError: c["stop_on_error"]?.bool ?? true)
        if store { executionCount += 1 }
        let count = executionCount
        if !silent { publish("execute_input", ["code": .string(code), "execution_count": .int(count)], parent: request) }
        interruptRequested.store(false, ordering: .relaxed)
        let context = ExecutionContext(executionCount: count, request: req, parent: request, server: self)
        let outcome = handler.execute(req, context: context)
        iopub.flush()
        var replyContent: JSONObject = ["execution_count": .int(count)]
        var ok = true
        var resultText: String? = nil
        switch outcome {
        case .ok(let result, let payload):
            if let result, !silent {
                publish("execute_result", ["execution_count": .int(count), "data": .object(result.data),
                                           "metadata": .object(result.metadata)], parent: request)
                resultText = result.data["text/plain"]?.string
            }
            replyContent["status"] = .string("ok")
            replyContent["payload"] = .array(payload)
            var values = JSONObject()
            for (name, expression) in expressions { values[name] = .object(handler.evaluate(expression: expression)) }
            replyContent["user_expressions"] = .object(values)
        case .error(let ename, let evalue, let traceback):
            ok = false
            if !silent {
                publish("error", ["ename": .string(ename), "evalue": .string(evalue), "traceback": .array(traceback.map { .string($0) })], parent: request)
            }
            replyContent["status"] = .string("error")
            replyContent["ename"] = .string(ename)
            replyContent["evalue"] = .string(evalue)
            replyContent["traceback"] = .array(traceback.map { .string($0) })
        }
        if store { history.append(line: count, input: code, output: resultText) }
        iopub.flush()
        var waiting: [Message] = []
        if !ok && req.stopOnError {
            while let frames = try? shell.receive(timeoutMs: 0) {
                if let message = decode(frames, channel: "shell") { waiting.append(message) }
            }
        }
        reply(shell, "execute_reply", replyContent, to: request, metadata: ["status": replyContent["status"]!])
        abort(waiting)
    }

    /// Answers each waiting execute_request with an error reply instead of running it; other
    /// requests are served as usual.
    func abort(_ waiting: [Message]) {
        for message in waiting {
            guard message.type == "execute_request" else { dispatchShell(message); continue }
            publish("status", ["execution_state": .string("busy")], parent: message)
            reply(shell, "execute_reply", ["status": .string("error"), "ename": .string("ExecutionAborted"),
                                           "evalue": .string("not run because an earlier cell failed"),
                                           "traceback": .array([]), "execution_count": .int(executionCount)],
                  to: message, metadata: ["status": .string("error")])
            publish("status", ["execution_state": .string("idle")], parent: message)
        }
    }

    // MARK: - stdin

    func requestInput(prompt: String, password: Bool, parent: Message) throws -> String {
        iopub.flush()
        let request = Message.make("input_request", ["prompt": .string(prompt), "password": .bool(password)],
                                   parent: parent, session: session, identities: parent.identities)
        send(stdinSocket, request)
        while true {
            if interruptRequested.load(ordering: .relaxed) { throw InputError.interrupted }
            guard let frames = try stdinSocket.receive(timeoutMs: 50) else { continue }
            guard let reply = decode(frames, channel: "stdin") else { continue }
            if reply.type == "input_reply" { return reply.content["value"]?.string ?? "" }
        }
    }

    // MARK: - control

    func serveControl() {
        while true {
            guard let frames = try? control.receive() else { continue }
            guard let request = decode(frames, channel: "control") else { continue }
            switch request.type {
            case "kernel_info_request":
                reply(control, "kernel_info_reply", kernelInfoReply(), to: request)
            case "interrupt_request":
                requestInterrupt()
                reply(control, "interrupt_reply", ["status": .string("ok")], to: request)
            case "shutdown_request":
                shutdown(request, on: control)
            case "debug_request":
                // JupyterLab waits for the reply and for idle on IOPub before it sends the next one
                publish("status", ["execution_state": "busy"], parent: request)
                let response = handler.debug(request.content) { [weak self] event in
                    self?.publish("debug_event", event, parent: request)
                }
                reply(control, "debug_reply", response, to: request)
                publish("status", ["execution_state": "idle"], parent: request)
            default:
                log("unsupported control message type \(request.type)")
            }
        }
    }

    func shutdown(_ request: Message, on socket: ZMQSocket) {
        let restart = request.content["restart"]?.bool ?? false
        reply(socket, "shutdown_reply", ["status": .string("ok"), "restart": .bool(restart)], to: request)
        guard !shuttingDown.exchange(true, ordering: .relaxed) else { return }
        requestInterrupt()
        publish("status", ["execution_state": .string("idle")], parent: request)
        iopub.drain(timeout: 1)
        usleep(50_000)
        exit(0)
    }
}
