import Glibc

/// A queue one thread waits on while others put into it (a debugger stopped in a cell takes
/// the commands the control thread sends it).
public final class Mailbox<Item>: @unchecked Sendable {
    private var items: [Item] = []
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()

    public init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    public func put(_ item: Item) {
        pthread_mutex_lock(&mutex)
        items.append(item)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    /// The oldest item, waiting at most `seconds` for one; nil when none came.
    public func take(waiting seconds: Double) -> Item? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if items.isEmpty {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let nanoseconds = Int(now.tv_nsec) + Int(seconds * 1e9)
            var deadline = timespec(tv_sec: now.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
            while items.isEmpty {
                if pthread_cond_timedwait(&condition, &mutex, &deadline) == ETIMEDOUT { break }
            }
        }
        return items.isEmpty ? nil : items.removeFirst()
    }
}
