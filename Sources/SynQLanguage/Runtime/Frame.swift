import Glibc

struct FrameHeader {
    let size: Int
    var parent: Frame?
    var returnValue: Value
}

/// Local variable storage for one function activation; closures keep their defining frame
/// alive. The slots follow the header in the frame's single allocation.
final class Frame: ManagedBuffer<FrameHeader, Value> {
    @inline(__always)
    static func make(size: Int, parent: Frame?) -> Frame {
        let buffer = Frame.create(minimumCapacity: size) { _ in FrameHeader(size: size, parent: parent, returnValue: .none) }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.slots.initialize(repeating: .none, count: size)
        return frame
    }

    deinit {
        _ = withUnsafeMutablePointers { header, elements in elements.deinitialize(count: header.pointee.size) }
    }

    @inline(__always) var slots: UnsafeMutablePointer<Value> { withUnsafeMutablePointerToElements { $0 } }
    @inline(__always) var parent: Frame? { header.parent }

    /// Empties the frame for reuse by another call of the same function.
    @inline(__always) func recycle() {
        let s = slots
        for i in 0..<header.size { s[i] = .none }
        header.returnValue = .none
        header.parent = nil
    }
    @inline(__always) var size: Int { header.size }

    /// Set by `return` before it unwinds with `Flow.returned`.
    @inline(__always) var returnValue: Value {
        get { header.returnValue }
        set { header.returnValue = newValue }
    }

    @inline(__always) func ancestor(_ depth: Int) -> Frame {
        var f = self
        for _ in 0..<depth { f = f.parent! }
        return f
    }
}

/// How a statement finished.
enum Flow { case normal, breakLoop, continueLoop, returned }

typealias Eval = (Frame) throws -> Value
typealias Exec = (Frame) throws -> Flow

/// A compiled function body with what a call needs to bind its arguments.
final class FunctionProto {
    let name: String
    let params: [Param]
    let arity: Int
    let paramTypes: [TypeExpr?]
    let hasAnnotations: Bool
    let defaults: [Eval?]
    let returnType: TypeExpr?
    let generics: [String]
    let slotCount: Int
    /// Constants, so a call reads them without retaining anything.
    let body: Eval
    let doc: String?
    let isKernel: Bool
    /// A kernel that allocates its own qubits: calling it builds and returns a Circuit.
    let buildsCircuit: Bool
    /// The body over unboxed Ints, for functions that compute with Ints alone.
    var intFunction: IntFunction?
    /// Frames of finished calls that nothing kept, ready for the next call: a list linked
    /// through the spare frames' `parent`, which costs no array bookkeeping per call.
    private var spareFrames: Frame?
    private var spareCount = 0

    /// A frame for a call: a spare one when there is one, else a new one.
    @inline(__always) func frame(parent: Frame?) -> Frame {
        if let spare = spareFrames {
            spareFrames = spare.header.parent
            spareCount -= 1
            spare.header.parent = parent
            return spare
        }
        return Frame.make(size: slotCount, parent: parent)
    }

    /// Takes back a call's frame unless a closure still holds it.
    @inline(__always) func recycle(_ frame: inout Frame) {
        guard spareCount < 32, isKnownUniquelyReferenced(&frame) else { return }
        frame.recycle()
        frame.header.parent = spareFrames
        spareFrames = frame
        spareCount += 1
    }
    let span: Span
    let source: Source
    var hasSelf: Bool { params.first?.name == "self" }

    init(decl: FunctionDecl, isKernel: Bool, buildsCircuit: Bool, source: Source, defaults: [Eval?], slotCount: Int, body: @escaping Eval) {
        name = decl.name
        signature = decl.signature(isKernel: isKernel)
        params = decl.params
        arity = decl.params.count
        paramTypes = decl.params.map { $0.type }
        hasAnnotations = decl.params.contains { $0.type != nil }
        self.defaults = defaults
        self.slotCount = slotCount
        self.body = body
        self.buildsCircuit = buildsCircuit
        returnType = decl.returnType
        generics = decl.generics
        doc = decl.doc
        self.isKernel = isKernel
        span = decl.span
        self.source = source
    }

    let signature: String
}

/// A runtime error: a kind, a stable code, a message, where it happened and the SynQ call stack.
public struct SynQError: Error, CustomStringConvertible {
    public var kind: String
    public var code: String
    public var message: String
    public var span: Span?
    public var source: Source?
    public var help: String?
    /// Innermost first: (function name, source, span of the call site or failing line).
    public var stack: [(function: String, source: Source, span: Span)] = []
    /// Frames beyond `stackLimit` are counted, not kept.
    public var droppedFrames = 0
    static let stackLimit = 200
    /// The value thrown by `throw`, if any.
    public var thrown: Value?

    public init(_ code: String, _ kind: String, _ message: String, help: String? = nil) {
        self.code = code; self.kind = kind; self.message = message; self.help = help
    }

    public static func type(_ message: String, help: String? = nil) -> SynQError { SynQError("T001", "TypeError", message, help: help) }
    public static func value(_ message: String, help: String? = nil) -> SynQError { SynQError("E010", "ValueError", message, help: help) }
    public static func index(_ message: String) -> SynQError { SynQError("E003", "IndexError", message) }
    public static func interrupted() -> SynQError { SynQError("E009", "KeyboardInterrupt", "the cell was interrupted") }

    public var description: String { render() }

    /// The rendering for terminals and tracebacks: the message, the failing line with a caret,
    /// then the call stack (cell, line, function).
    public func render(color: Bool = false) -> String {
        let red = color ? "\u{1B}[1;31m" : "", bold = color ? "\u{1B}[1m" : ""
        let cyan = color ? "\u{1B}[36m" : "", dim = color ? "\u{1B}[2m" : "", reset = color ? "\u{1B}[0m" : ""
        var out = ""
        if let source, let span {
            let (line, column) = source.location(of: span.start)
            out += "\(bold)\(source.name):\(line):\(column):\(reset) "
        }
        out += "\(red)\(kind)[SYNQ-\(code)]\(reset)\(bold): \(message)\(reset)"
        if let source, let span {
            let (line, column) = source.location(of: span.start)
            let text = source.lineText(line)
            let width = max(1, min(span.end - span.start, text.unicodeScalars.count - column + 1))
            out += "\n    \(text)\n    \(String(repeating: " ", count: column - 1))\(red)^\(String(repeating: "~", count: width - 1))\(reset)"
        }
        if let help { out += "\n  \(cyan)help\(reset): \(help)" }
        if !stack.isEmpty {
            out += "\n\(dim)call stack (innermost first):\(reset)"
            var i = 0
            while i < stack.count {
                var j = i
                while j + 1 < stack.count && stack[j + 1].function == stack[i].function && stack[j + 1].span == stack[i].span
                        && stack[j + 1].source === stack[i].source { j += 1 }
                let entry = stack[i]
                let (line, column) = entry.source.location(of: entry.span.start)
                let repeats = j - i + 1 + (j == stack.count - 1 ? droppedFrames : 0)
                out += "\n  in \(entry.function) at \(entry.source.name):\(line):\(column)"
                if repeats > 1 { out += " (\(repeats) times)" }
                i = j + 1
            }
            if droppedFrames > 0 && stack.count >= 2 && !(stack[stack.count - 1].function == stack[stack.count - 2].function) {
                out += "\n  … \(droppedFrames) more frames"
            }
        }
        return out
    }
}

/// Where program output goes: the terminal for `synq run`, Jupyter messages in the kernel.
public protocol OutputSink: AnyObject {
    func write(_ text: String, toStandardError: Bool)
    /// `display(x)` and progress displays; `id` lets a later call update the same display.
    func display(_ value: Value, id: String?, update: Bool)
    func clearOutput(wait: Bool)
    /// Whether a display can be replaced in place (a notebook), so live progress is worth showing.
    var updatesInPlace: Bool { get }
}

public extension OutputSink {
    func display(_ value: Value, id: String?, update: Bool) { write(Format.str(value) + "\n", toStandardError: false) }
    func clearOutput(wait: Bool) {}
    var updatesInPlace: Bool { false }
}

/// An output sink that writes to the process's stdout and stderr.
public final class StandardOutput: OutputSink {
    public init() {}
    public func write(_ text: String, toStandardError: Bool) {
        if toStandardError {
            fputs(text, stderr)
        } else {
            fputs(text, stdout)
        }
    }
}

/// An output sink that keeps everything (tests, the golden suite).
public final class CapturedOutput: OutputSink {
    public var text = ""
    public var errorText = ""
    public var displays: [Value] = []
    public init() {}
    public func write(_ text: String, toStandardError: Bool) {
        if toStandardError { errorText += text } else { self.text += text }
    }
    public func display(_ value: Value, id: String?, update: Bool) {
        displays.append(value)
        text += Format.str(value) + "\n"
    }
}
