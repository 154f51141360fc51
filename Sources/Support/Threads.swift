import Glibc

/// Threads with a chosen stack size. The interpreter runs on a large stack so deep SynQ
/// recursion ends in a SynQ error (the recursion limit) rather than a stack overflow.
public enum Threads {
    /// The stack for threads that run SynQ code.
    public static let largeStack = 1 << 30

    final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread and returns at once.
    @discardableResult
    public static func start(stackSize: Int = 1 << 23, _ body: @escaping () -> Void) -> pthread_t {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, stackSize)
        defer { pthread_attr_destroy(&attributes) }
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let result = pthread_create(&thread, &attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(result == 0, "could not start a thread: \(result)")
        return thread
    }

    /// Runs `body` on a new thread and waits for it to finish.
    public static func run(stackSize: Int, _ body: @escaping () -> Void) {
        pthread_join(start(stackSize: stackSize, body), nil)
    }
}
