import Glibc

/// A progress line for long work in a notebook: shown once the work has taken `delay` seconds,
/// replaced in place at most every `interval`, and given its final text at the end. Outside a
/// notebook it shows nothing.
final class LiveProgress {
    static let interval = 0.25
    nonisolated(unsafe) private static var count = 0

    private let output: OutputSink
    let id: String
    private let delay: Double
    private let start = LiveProgress.now()
    private var last = -Double.infinity
    private(set) var shown = false

    init(_ output: OutputSink, kind: String, delay: Double) {
        self.output = output
        LiveProgress.count += 1
        id = "\(kind)-\(LiveProgress.count)"
        self.delay = delay
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    var elapsed: Double { LiveProgress.now() - start }

    /// Whether an update now would be shown (so callers can skip building its text).
    var due: Bool {
        output.updatesInPlace && elapsed >= delay && LiveProgress.now() - last >= LiveProgress.interval
    }

    func update(_ text: String) {
        output.display(.object(ProgressLine(text)), id: id, update: shown)
        shown = true
        last = LiveProgress.now()
    }

    /// The final text, when the line was shown at all.
    func finish(_ text: String) {
        if shown { update(text) }
    }
}

/// One line of progress text, shown and replaced in place.
final class ProgressLine: NativeObject {
    let text: String
    init(_ text: String) { self.text = text }
    var typeName: String { "Progress" }
}
