import Synchronization

/// A flag that long computations poll so that an interrupt stops them between gates.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func clear() { flag.store(false, ordering: .relaxed) }

    /// Throws `Cancelled` when the flag is set.
    @inline(__always) public func check() throws {
        if flag.load(ordering: .relaxed) { throw Cancelled() }
    }
}

public struct Cancelled: Error, Sendable {}

/// An error raised by a simulation: a stable code and a message for the user.
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    public let code: String
    public let message: String
    public init(_ code: String, _ message: String) { self.code = code; self.message = message }
    public var description: String { message }
}
