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

    /// Seconds as people read them in a progress line: two decimals.
    static func seconds(_ s: Double) -> String { Format.float((s * 100).rounded() / 100) }

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

/// `progress(xs)`: the elements of xs, with a progress line while a `for` loop walks them.
final class ProgressIterable: NativeObject, ObservedIterable {
    let items: [Value]
    let label: String
    let progress: LiveProgress

    init(_ items: [Value], label: String, output: OutputSink) {
        self.items = items
        self.label = label
        progress = LiveProgress(output, kind: "loop", delay: 0.5)
    }

    var typeName: String { "Progress" }
    var text: String { "progress(\(items.count) items)" }
    func elements() throws -> [Value] { items }

    func reached(_ index: Int, of count: Int) {
        if progress.due { progress.update("\(label)\(index) of \(count) (\(100 * index / max(count, 1))%), \(seconds) s") }
    }

    func ended(at index: Int, of count: Int) {
        progress.finish(index == count ? "\(label)\(count) of \(count) in \(seconds) s" : "\(label)stopped at \(index) of \(count) after \(seconds) s")
    }

    private var seconds: String { LiveProgress.seconds(progress.elapsed) }
}
