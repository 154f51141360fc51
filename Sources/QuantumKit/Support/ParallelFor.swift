import Dispatch
import Glibc
import Support

/// Static-chunk parallel loops over a state, used above a size threshold where threads pay off.
public enum ParallelFor {
    /// Threads to use; `1` keeps everything on the calling thread.
    nonisolated(unsafe) public static var threads: Int = defaultThreads()
    /// Below this many loop items a single thread is faster.
    public static let threshold = 1 << 14

    /// SYNQ_THREADS when set, else one per processor.
    static func defaultThreads() -> Int {
        if let text = getenv("SYNQ_THREADS"), let n = Int(String(cString: text)), n >= 1 { return n }
        var cpus = 0
        for line in (Files.readText("/proc/cpuinfo") ?? "").split(separator: "\n") where line.hasPrefix("processor") {
            cpus += 1
        }
        return max(1, cpus)
    }

    /// Whether a loop of `count` items, each covering `itemSize` amplitudes, is worth threads.
    @inline(__always) static func splits(_ count: Int, itemSize: Int, threads t: Int) -> Bool {
        t > 1 && count * itemSize >= threshold && count >= t
    }

    /// Runs `body(start, end)` over `0..<count` in as many chunks as threads; `itemSize` is the
    /// amplitudes one item covers, so the threshold counts work, not items.
    @inline(__always)
    public static func run(_ count: Int, itemSize: Int = 1, _ body: (Int, Int) -> Void) {
        let t = threads
        guard splits(count, itemSize: itemSize, threads: t) else {
            body(0, count)
            return
        }
        let chunk = (count + t - 1) / t
        DispatchQueue.concurrentPerform(iterations: t) { k in
            let start = k * chunk
            let end = min(count, start + chunk)
            if start < end { body(start, end) }
        }
    }

    /// A parallel sum of `body(start, end)` over chunks (`itemSize` as for `run`).
    public static func sum(_ count: Int, itemSize: Int = 1, _ body: (Int, Int) -> Double) -> Double {
        let t = threads
        guard splits(count, itemSize: itemSize, threads: t) else { return body(0, count) }
        let chunk = (count + t - 1) / t
        var partial = [Double](repeating: 0, count: t)
        partial.withUnsafeMutableBufferPointer { parts in
            let base = parts.baseAddress!
            DispatchQueue.concurrentPerform(iterations: t) { k in
                let start = k * chunk
                let end = min(count, start + chunk)
                base[k] = start < end ? body(start, end) : 0
            }
        }
        return partial.reduce(0, +)
    }
}
