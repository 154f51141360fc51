import Support
import Synchronization

/// What the compiler records at a statement compiled for debugging: where it is and which
/// local names (frame depth and slot) are visible there.
final class DebugSite {
    let path: String
    let line: Int
    let column: Int
    let locals: [(name: String, depth: Int, slot: Int)]

    init(path: String, line: Int, column: Int, locals: [(name: String, depth: Int, slot: Int)]) {
        self.path = path
        self.line = line
        self.column = column
        self.locals = locals
    }
}

/// The interpreter's debugger: breakpoints (with conditions), stepping, pausing and stopping on
/// errors. Code compiled while a debugger is attached calls `willRun` before each statement and
/// `enter`/`leave` around each call; code compiled without one runs exactly as before.
///
/// Two threads meet here. The thread running the cell stops in `willRun` and then only takes
/// commands from a mailbox; the thread answering the front end (Jupyter's control channel) asks
/// through `whileStopped`, which runs its question on the stopped thread, so interpreter state
/// is only ever touched by the thread that owns it.
public final class Debugger: @unchecked Sendable {
    public enum StopReason: String, Sendable { case breakpoint, step, pause, exception }
    public enum Resume: Sendable { case `continue`, next, stepIn, stepOut }

    public struct Breakpoint: Sendable {
        public var line: Int
        public var condition: String?
        public init(line: Int, condition: String? = nil) { self.line = line; self.condition = condition }
    }

    public struct StackEntry: Sendable {
        public let id: Int
        public let name: String
        public let path: String
        public let line: Int
        public let column: Int
    }

    enum StepMode { case run, stepIn, stepOver(depth: Int), stepOut(depth: Int) }
    enum Command { case resume(StepMode), perform(() -> Void) }

    /// A SynQ call in progress (or the cell itself) as the debugger sees it.
    final class ActiveCall {
        let name: String
        let path: String
        var site: DebugSite?
        var frame: Frame?
        init(name: String, path: String) { self.name = name; self.path = path }
    }

    unowned let session: Session
    private let attached = Atomic<Bool>(false)
    private let pauseRequested = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let breakpointTable = Mutex<[String: [Int: Breakpoint]]>([:])
    private let exceptionStops = Atomic<Bool>(false)
    private let mailbox = Mailbox<Command>()
    var stepMode: StepMode = .run
    var calls: [ActiveCall] = []
    var exceptionReported = false
    /// Values handed out as variable references while stopped (reference = index + 1).
    var references: [VariableNode] = []

    /// The path breakpoints use for the code being compiled: the kernel sets it to the cell's
    /// path before running a cell.
    public var cellPath: String?
    /// Called on the stopped thread when it stops (with a description for exceptions) and when it resumes.
    public var onStop: ((StopReason, String?) -> Void)?
    public var onContinue: (() -> Void)?

    init(session: Session) { self.session = session }

    // MARK: - the front end's side (any thread)

    public var isAttached: Bool { attached.load(ordering: .relaxed) }
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    public func attach() { attached.store(true, ordering: .relaxed) }

    /// Ends the debugging session: breakpoints are forgotten and a stopped cell runs on.
    public func detach() {
        attached.store(false, ordering: .relaxed)
        breakpointTable.withLock { $0 = [:] }
        exceptionStops.store(false, ordering: .relaxed)
        if isStopped { mailbox.put(.resume(.run)) }
    }

    public func setBreakpoints(path: String, _ breakpoints: [Breakpoint]) {
        breakpointTable.withLock { table in
            table[path] = breakpoints.isEmpty ? nil : Dictionary(breakpoints.map { ($0.line, $0) }, uniquingKeysWith: { $1 })
        }
    }

    public var breakpoints: [(path: String, breakpoints: [Breakpoint])] {
        breakpointTable.withLock { table in table.keys.sorted().map { ($0, table[$0]!.values.sorted { $0.line < $1.line }) } }
    }

    /// Stop where an error is raised (DAP's exception breakpoints).
    public func stopOnErrors(_ on: Bool) { exceptionStops.store(on, ordering: .relaxed) }

    public func pause() { pauseRequested.store(true, ordering: .relaxed) }

    /// Runs `body` on the stopped thread and returns its result; nil when nothing is stopped.
    public func whileStopped<T>(_ body: @escaping () -> T) -> T? {
        guard isStopped else { return nil }
        let answer = Mailbox<T>()
        mailbox.put(.perform { answer.put(body()) })
        while isStopped {
            if let value = answer.take(waiting: 0.05) { return value }
        }
        return nil
    }

    // MARK: - the running thread's side

    func enter(_ name: String, path: String) { calls.append(ActiveCall(name: name, path: path)) }
    func leave() { calls.removeLast() }

    func willRun(_ site: DebugSite, _ frame: Frame) throws {
        guard isAttached, let call = calls.last else { return }
        call.site = site
        call.frame = frame
        exceptionReported = false
        var reason: StopReason? = nil
        if pauseRequested.exchange(false, ordering: .relaxed) {
            reason = .pause
        } else {
            switch stepMode {
            case .run: break
            case .stepIn: reason = .step
            case .stepOver(let depth): if calls.count <= depth { reason = .step }
            case .stepOut(let depth): if calls.count < depth { reason = .step }
            }
        }
        if reason == nil, let breakpoint = breakpointTable.withLock({ $0[site.path]?[site.line] }) {
            if let condition = breakpoint.condition, !condition.trimmingCharacters().isEmpty {
                if Operators.isTruthy((try? evaluate(condition, in: calls.count - 1)) ?? .bool(false)) { reason = .breakpoint }
            } else {
                reason = .breakpoint
            }
        }
        if let reason { try stop(reason, description: nil) }
    }

    /// An error raised in a statement: stops there once (at the innermost statement) when the
    /// front end asked to stop on errors.
    func raised(_ error: Error) -> Error {
        guard error is SynQError, isAttached, exceptionStops.load(ordering: .relaxed), !exceptionReported else { return error }
        exceptionReported = true
        let text: String
        switch error {
        case let e as SynQError: text = "\(e.kind): \(e.message)"
        case let d as Diagnostic: text = d.message
        default: text = "\(error)"
        }
        do { try stop(.exception, description: text) } catch { return error }
        return error
    }

    /// Waits for the front end: answers its questions until it says how to go on. An interrupt
    /// ends the wait with the interrupted error.
    func stop(_ reason: StopReason, description: String?) throws {
        stepMode = .run
        references = []
        stopped.store(true, ordering: .relaxed)
        defer {
            stopped.store(false, ordering: .relaxed)
            references = []
            onContinue?()
        }
        onStop?(reason, description)
        while true {
            if session.interrupt.isCancelled { throw SynQError.interrupted() }
            guard isAttached else { return }
            guard let command = mailbox.take(waiting: 0.05) else { continue }
            switch command {
            case .perform(let body): body()
            case .resume(let mode):
                stepMode = mode
                return
            }
        }
    }

    /// Resumes a stopped thread; how far it runs depends on the current call depth.
    public func step(_ how: Resume) {
        guard isStopped else { return }
        let depth = calls.count
        switch how {
        case .continue: mailbox.put(.resume(.run))
        case .next: mailbox.put(.resume(.stepOver(depth: depth)))
        case .stepIn: mailbox.put(.resume(.stepIn))
        case .stepOut: mailbox.put(.resume(.stepOut(depth: depth)))
        }
    }
}

extension Session {
    /// The session's debugger, created (not attached) on first use: breakpoints may be set
    /// before a front end attaches.
    public func debuggerForSetup() -> Debugger {
        if debugger == nil { debugger = Debugger(session: self) }
        return debugger!
    }

    /// Attaches the debugger. Code compiled from now on can stop.
    public func startDebugging() -> Debugger {
        let debugger = debuggerForSetup()
        debugger.attach()
        return debugger
    }

    /// The debugger if one is attached (the one the compiler adds hooks for).
    public var activeDebugger: Debugger? { debugger.flatMap { $0.isAttached ? $0 : nil } }

    /// Bindings that are values, not functions, types or modules: what a variables view lists.
    public var variableBindings: [(name: String, value: Value)] { bindings.filter { !Debugger.isDefinition($0.value) } }
}
