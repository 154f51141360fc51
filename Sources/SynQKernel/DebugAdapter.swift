import Glibc
import Support
import Synchronization
import SynQLanguage

/// The Debug Adapter Protocol as JupyterLab's debugger speaks it (debug_request on the control
/// channel, debug_event on IOPub), answered by the interpreter's own Debugger: no outside
/// adapter process. Cells are named by the path JupyterLab computes itself: the prefix, the
/// Murmur2 hash of the cell's code with `hashSeed`, and the suffix.
final class DebugAdapter: @unchecked Sendable {
    static let hashSeed: UInt32 = 0xC70F_6907
    static let threadID = 1
    let session: Session
    let filePrefix = "/tmp/synq_\(getpid())/"
    let fileSuffix = ".synq"
    private let sequence = Mutex<Int>(0)
    private var events: (@Sendable (JSONObject) -> Void)?

    init(session: Session) { self.session = session }

    var debugger: Debugger? { session.activeDebugger }

    /// The path of a cell's code, as JupyterLab derives it.
    func path(for code: String) -> String { "\(filePrefix)\(DebugAdapter.murmur2(Array(code.utf8), seed: DebugAdapter.hashSeed))\(fileSuffix)" }

    /// MurmurHash2 (32-bit), as JupyterLab's debugger hashes a cell's UTF-8 bytes.
    static func murmur2(_ bytes: [UInt8], seed: UInt32) -> UInt32 {
        let m: UInt32 = 0x5BD1_E995
        var h = seed ^ UInt32(truncatingIfNeeded: bytes.count)
        var i = 0
        while bytes.count - i >= 4 {
            var k = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
            k = k &* m
            k ^= k >> 24
            k = k &* m
            h = (h &* m) ^ k
            i += 4
        }
        let rest = bytes.count - i
        if rest >= 3 { h ^= UInt32(bytes[i + 2]) << 16 }
        if rest >= 2 { h ^= UInt32(bytes[i + 1]) << 8 }
        if rest >= 1 {
            h ^= UInt32(bytes[i])
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }

    // MARK: - messages

    func nextSequence() -> Int { sequence.withLock { $0 += 1; return $0 } }

    func send(event: String, _ body: JSONObject) {
        events?(["type": "event", "seq": .int(nextSequence()), "event": .string(event), "body": .object(body)])
    }

    /// Program output while debugging also goes to the debugger's console.
    func output(_ text: String, category: String) {
        guard debugger != nil else { return }
        send(event: "output", ["category": .string(category), "output": .string(text)])
    }

    struct Failure: Error { let message: String }

    func handle(_ request: JSONObject, events: @escaping @Sendable (JSONObject) -> Void) -> JSONObject {
        let command = request["command"]?.string ?? ""
        let arguments = request["arguments"]?.object ?? [:]
        var response: JSONObject = ["type": "response", "seq": .int(nextSequence()), "request_seq": request["seq"] ?? 0,
                                    "command": .string(command), "success": true]
        do {
            response["body"] = .object(try answer(command, arguments, events: events))
        } catch {
            response["success"] = false
            response["message"] = .string((error as? Failure)?.message ?? "\(error)")
        }
        return response
    }

    func answer(_ command: String, _ arguments: JSONObject, events: @escaping @Sendable (JSONObject) -> Void) throws -> JSONObject {
        switch command {
        case "initialize":
            self.events = events
            return [
                "supportsConfigurationDoneRequest": true,
                "supportsConditionalBreakpoints": true,
                "supportsEvaluateForHovers": true,
                "exceptionBreakpointFilters": .array([.object(["filter": "raised", "label": "Errors where raised", "default": false])]),
            ]
        case "attach":
            self.events = events
            let debugger = session.startDebugging()
            debugger.onStop = { [weak self] reason, description in
                var body: JSONObject = ["reason": .string(reason.rawValue), "threadId": .int(DebugAdapter.threadID), "allThreadsStopped": true]
                if let description { body["description"] = .string(description); body["text"] = .string(description) }
                self?.send(event: "stopped", body)
            }
            debugger.onContinue = { [weak self] in
                self?.send(event: "continued", ["threadId": .int(DebugAdapter.threadID), "allThreadsContinued": true])
            }
            send(event: "thread", ["reason": "started", "threadId": .int(DebugAdapter.threadID)])
            return [:]
        case "configurationDone":
            return [:]
        case "disconnect":
            session.debugger?.detach()
            send(event: "terminated", [:])
            return [:]
        case "debugInfo":
            return debugInfo()
        case "dumpCell":
            guard let code = arguments["code"]?.string else { throw Failure(message: "dumpCell needs arguments.code") }
            let path = self.path(for: code)
            mkdir(filePrefix, 0o700)
            guard Files.write(path, Array(code.utf8)) else { throw Failure(message: "cannot write \(path)") }
            return ["sourcePath": .string(path)]
        case "source":
            guard let path = arguments["source"]?["path"]?.string, let text = Files.readText(path) else {
                throw Failure(message: "no such source")
            }
            return ["content": .string(text)]
        case "setBreakpoints":
            let debugger = session.debuggerForSetup()
            guard let path = arguments["source"]?["path"]?.string else { throw Failure(message: "setBreakpoints needs source.path") }
            let breakpoints = (arguments["breakpoints"]?.array ?? []).compactMap { b -> Debugger.Breakpoint? in
                guard let line = b["line"]?.int else { return nil }
                return Debugger.Breakpoint(line: line, condition: b["condition"]?.string)
            }
            debugger.setBreakpoints(path: path, breakpoints)
            return ["breakpoints": .array(breakpoints.map { .object(["verified": true, "line": .int($0.line), "source": .object(["path": .string(path)])]) })]
        case "setExceptionBreakpoints":
            session.debuggerForSetup().stopOnErrors(!(arguments["filters"]?.array ?? []).isEmpty)
            return [:]
        case "threads":
            return ["threads": .array([.object(["id": .int(DebugAdapter.threadID), "name": "SynQ"])])]
        case "stackTrace":
            let debugger = try attached()
            let frames = debugger.whileStopped { debugger.stack() } ?? []
            return ["stackFrames": .array(frames.map { f in
                .object(["id": .int(f.id), "name": .string(f.name), "line": .int(f.line), "column": .int(f.column),
                         "source": .object(["name": .string(String(f.path.split(separator: "/").last ?? "")), "path": .string(f.path)])])
            }), "totalFrames": .int(frames.count)]
        case "scopes":
            let debugger = try attached()
            let frame = arguments["frameId"]?.int ?? 0
            let scopes = debugger.whileStopped { debugger.scopes(frame: frame) } ?? []
            return ["scopes": .array(scopes.map { .object(["name": .string($0.name), "variablesReference": .int($0.reference), "expensive": false]) })]
        case "variables":
            let debugger = try attached()
            let reference = arguments["variablesReference"]?.int ?? 0
            let variables = debugger.whileStopped { debugger.variables(reference) } ?? []
            return ["variables": .array(variables.map(DebugAdapter.json))]
        case "evaluate":
            let debugger = try attached()
            guard let expression = arguments["expression"]?.string else { throw Failure(message: "evaluate needs arguments.expression") }
            let frame = arguments["frameId"]?.int
            guard let result = debugger.whileStopped({ Result { try debugger.evaluate(expression, frame: frame) } }) else {
                throw Failure(message: "evaluate works while the program is stopped")
            }
            let variable = try result.mapError { Failure(message: Tracebacks.message(for: $0)) }.get()
            return ["result": .string(variable.value), "type": .string(variable.type), "variablesReference": .int(variable.reference)]
        case "continue", "next", "stepIn", "stepOut":
            let debugger = try attached()
            guard debugger.isStopped else { throw Failure(message: "the program is not stopped") }
            let how: Debugger.Resume = ["continue": .continue, "next": .next, "stepIn": .stepIn, "stepOut": .stepOut][command]!
            debugger.step(how)
            return command == "continue" ? ["allThreadsContinued": true] : [:]
        case "pause":
            try attached().pause()
            return [:]
        case "inspectVariables":
            return ["variables": .array(inspectVariables().map(DebugAdapter.json))]
        case "richInspectVariables":
            guard let name = arguments["variableName"]?.string else { throw Failure(message: "richInspectVariables needs variableName") }
            let frame = arguments["frameId"]?.int
            let value = debugger.flatMap { d in d.whileStopped { d.value(named: name, frame: frame) } ?? nil } ?? session.lookup(name)
            guard let value else { throw Failure(message: "'\(name)' is not defined") }
            return ["data": .object(RichOutput.bundle(value)), "metadata": .object(RichOutput.metadata(value))]
        case "copyToGlobals":
            let debugger = try attached()
            guard let source = arguments["srcVariableName"]?.string, let target = arguments["dstVariableName"]?.string else {
                throw Failure(message: "copyToGlobals needs srcVariableName and dstVariableName")
            }
            let frame = arguments["srcFrameId"]?.int
            let copied = debugger.whileStopped { debugger.copyToGlobals(source, as: target, frame: frame) } ?? false
            if !copied { throw Failure(message: "'\(source)' is not visible in that frame") }
            return [:]
        case "modules":
            return ["modules": .array([]), "totalModules": 0]
        case "loadedSources":
            return ["sources": .array([])]
        default:
            throw Failure(message: "the SynQ debugger does not support \(command)")
        }
    }

    func attached() throws -> Debugger {
        guard let debugger else { throw Failure(message: "the debugger is not attached (send attach first)") }
        return debugger
    }

    func debugInfo() -> JSONObject {
        let debugger = self.debugger
        return [
            "isStarted": .bool(debugger != nil),
            "hashMethod": "Murmur2",
            "hashSeed": .int(Int(DebugAdapter.hashSeed)),
            "tmpFilePrefix": .string(filePrefix),
            "tmpFileSuffix": .string(fileSuffix),
            "breakpoints": .array((session.debugger?.breakpoints ?? []).map { entry in
                .object(["source": .string(entry.path), "breakpoints": .array(entry.breakpoints.map { b in
                    var item: JSONObject = ["line": .int(b.line)]
                    if let c = b.condition { item["condition"] = .string(c) }
                    return .object(item)
                })])
            }),
            "stoppedThreads": .array(debugger?.isStopped == true ? [.int(DebugAdapter.threadID)] : []),
            "richRendering": true,
            "copyToGlobals": true,
            "exceptionPaths": .array([]),
        ]
    }

    /// The session's variables for JupyterLab's variable explorer, stopped or not.
    func inspectVariables() -> [DebugVariable] {
        if let debugger, let variables = debugger.whileStopped({ debugger.globalVariables() }) { return variables }
        return session.variableBindings.map { DebugVariable(name: $0.name, $0.value) }
    }

    static func json(_ v: DebugVariable) -> JSON {
        var item: JSONObject = ["name": .string(v.name), "value": .string(v.value), "variablesReference": .int(v.reference)]
        if !v.type.isEmpty { item["type"] = .string(v.type) }
        if let e = v.evaluateName { item["evaluateName"] = .string(e) }
        return .object(item)
    }
}
