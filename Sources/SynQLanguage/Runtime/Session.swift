import QuantumKit

/// Storage for a session's top-level bindings, addressed by slot.
final class GlobalStore {
    private(set) var values: UnsafeMutablePointer<Value>
    private(set) var defined: UnsafeMutablePointer<Bool>
    private var capacity = 256
    private(set) var count = 0

    init() {
        values = .allocate(capacity: capacity)
        defined = .allocate(capacity: capacity)
    }

    func add() -> Int {
        if count == capacity {
            let newCapacity = capacity * 2
            let nv = UnsafeMutablePointer<Value>.allocate(capacity: newCapacity)
            nv.moveInitialize(from: values, count: count)
            values.deallocate()
            values = nv
            let nd = UnsafeMutablePointer<Bool>.allocate(capacity: newCapacity)
            nd.moveInitialize(from: defined, count: count)
            defined.deallocate()
            defined = nd
            capacity = newCapacity
        }
        (values + count).initialize(to: .none)
        (defined + count).initialize(to: false)
        count += 1
        return count - 1
    }

    func set(_ slot: Int, _ value: Value) {
        values[slot] = value
        defined[slot] = true
    }

    func clear() {
        for i in 0..<count { values[i] = .none; defined[i] = false }
    }
}

struct GlobalInfo {
    var slot: Int
    var mutable: Bool
    var doc: String?
    var signature: String?
}

/// One interpreter session: the bindings, functions and types that persist across cells, the
/// live quantum state, and what builtins need (output, input, randomness, interrupt).
public final class Session {
    public var output: OutputSink
    /// Set by an interrupt; checked at loop back-edges, calls and between gates.
    public let interrupt = CancellationFlag()
    /// Reads a line for `input(prompt)`; nil when the front end cannot ask (a clear error then).
    public var readInput: ((String) throws -> String)?
    /// Where help() sends its text: the kernel shows it in the pager; elsewhere it prints.
    public var showHelp: ((String) -> Void)?
    public var maxRecursionDepth = 20_000
    /// The engine `run` uses when none is named (`%config engine=...`).
    public var defaultEngine: Engine = .auto
    /// The state-vector precision `run` and `expect` use on circuits (`%config precision=...`).
    public var defaultPrecision: Precision = .double

    let globals = GlobalStore()
    var globalTable: [String: GlobalInfo] = [:]
    var enumCases: [String: [EnumCase]] = [:]
    var builtins: [String: Value] = [:]
    var modules: [String: Module] = [:]
    var depth = 0
    let intSlots = IntSlotStack()
    var cellCount = 0
    /// Set while `grad` traces a function.
    var differentiating = false
    /// Known `#[experimental(feature = ...)]` names of the recovery profile.
    static let experimentalFeatures: Set<String> = ["quantum", "kernels", "measurement", "feedback", "classical_control",
                                                    "mid_circuit_measurement", "qubit_reuse", "async", "pattern_matching"]

    /// Set once a front end starts debugging (`startDebugging`).
    public internal(set) var debugger: Debugger?
    public var random = SeededRandom.fromEntropy()
    public internal(set) var seed: UInt64?
    public lazy var quantum = QuantumSession(session: self)
    /// Jobs started with `async`, and the cluster they go to.
    public let jobs = JobBook()

    public init(output: OutputSink = StandardOutput()) {
        self.output = output
        Library.install(into: self)
    }

    /// Sets the seed for random(), sampling and measurement.
    public func setSeed(_ value: UInt64?) {
        seed = value
        random = value.map { SeededRandom(seed: $0) } ?? .fromEntropy()
    }

    /// Compiles and runs one cell. Returns the value of a final expression statement that does
    /// not end with `;` (the cell's result), or nil. Throws a Diagnostic or a SynQError.
    @discardableResult
    public func execute(_ code: String, name: String? = nil) throws -> Value? {
        cellCount += 1
        let source = Source(name: name ?? "cell[\(cellCount)]", text: code)
        let program = try Parser.parse(source)
        let compiler = Compiler(session: self, source: source)
        let compiled = try compiler.compileCell(program)
        interrupt.clear()
        depth = 0
        defer { quantum.finishStatement() }
        return try compiled()
    }

    /// Parses and resolves without running (`synq check`).
    public func check(_ code: String, name: String) throws {
        let source = Source(name: name, text: code)
        let program = try Parser.parse(source)
        _ = try Compiler(session: self, source: source, dryRun: true).compileCell(program)
    }

    /// Forgets every binding and the quantum state (`%reset`).
    public func reset() {
        globals.clear()
        globalTable = [:]
        enumCases = [:]
        quantum.resetAll(releaseRegisters: true)
    }

    /// Session names with their type names, for `%who` and the variable explorer.
    public var bindings: [(name: String, value: Value)] {
        globalTable.filter { globals.defined[$0.value.slot] }
            .sorted { $0.value.slot < $1.value.slot }
            .map { ($0.key, globals.values[$0.value.slot]) }
    }

    /// The value bound to a top-level name, if any.
    public func lookup(_ name: String) -> Value? {
        if let g = globalTable[name], globals.defined[g.slot] { return globals.values[g.slot] }
        if let b = builtins[name] { return b }
        if let m = modules[name] { return .module(m) }
        return nil
    }

    func defineGlobal(_ name: String, _ value: Value, mutable: Bool = false) {
        if let g = globalTable[name] {
            globals.set(g.slot, value)
        } else {
            let slot = globals.add()
            globalTable[name] = GlobalInfo(slot: slot, mutable: mutable)
            globals.set(slot, value)
        }
    }

    // MARK: - calling values from builtins

    /// Calls any callable value with positional arguments.
    public func call(_ callee: Value, _ args: [Value], keywords: [(String, Value)] = []) throws -> Value {
        try Calls.call(callee, args, keywords, session: self)
    }
}

public typealias CallContext = Session
