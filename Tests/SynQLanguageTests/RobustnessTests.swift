import Glibc
import XCTest
import Support
@testable import SynQLanguage

/// Thousands of generated and mutated programs: random token soup, truncated and mutated
/// valid programs, deep nesting. Each runs under a time limit; none may crash or hang.
final class RobustnessTests: XCTestCase {
    /// Seed programs, a token vocabulary and characters to insert: shared with the language
    /// server's robustness test (tests/lsp/test_robustness.py), which feeds it the same programs.
    static let corpus: JSON = {
        let file = #filePath
        let path = String(file[..<file.lastIndex(of: "/")!]) + "/fuzz-corpus.json"
        return try! JSON.parse(Files.read(path)!)
    }()
    static let seeds = corpus["seeds"]!.array!.map { $0.string! }
    static let vocabulary = corpus["vocabulary"]!.array!.map { $0.string! }
    static let insertions = Array(corpus["insertions"]!.string!.unicodeScalars)

    /// Runs a program with a watchdog that interrupts it after `limit` seconds.
    func runBounded(_ program: String, limit: Double = 2) -> Bool {
        var finished = false
        Threads.run(stackSize: Threads.largeStack) {
            let session = Session(output: CapturedOutput())
            let start = Stopwatch.now
            var done = false
            let watchdog = Threads.start {
                while !done && Stopwatch.now - start < limit { usleep(2000) }
                session.interrupt.cancel()
            }
            _ = try? session.execute(program, name: "fuzz")
            _ = Parser.isComplete(program)
            _ = session.complete(program, cursor: program.unicodeScalars.count / 2)
            _ = session.inspect(program, cursor: program.unicodeScalars.count / 3)
            done = true
            pthread_join(watchdog, nil)
            finished = true
        }
        return finished
    }

    func testTwoThousandGeneratedAndMutatedProgramsNeverCrashOrHang() {
        var generator = RandomWords(seed: 12345)
        var count = 0
        for i in 0..<2000 {
            let program: String
            switch i % 4 {
            case 0:
                program = (0..<generator.int(40)).map { _ in generator.pick(RobustnessTests.vocabulary) }.joined(separator: " ")
            case 1:
                let s = Array(generator.pick(RobustnessTests.seeds).unicodeScalars)
                var v = String.UnicodeScalarView()
                v.append(contentsOf: s.prefix(generator.int(s.count + 1)))
                program = String(v)
            case 2:
                var s = Array(generator.pick(RobustnessTests.seeds).unicodeScalars)
                for _ in 0..<3 where !s.isEmpty {
                    let at = generator.int(s.count)
                    switch generator.int(3) {
                    case 0: s.remove(at: at)
                    case 1: s.insert(generator.pick(RobustnessTests.insertions), at: at)
                    default: s.swapAt(at, generator.int(s.count))
                    }
                }
                var v = String.UnicodeScalarView()
                v.append(contentsOf: s)
                program = String(v)
            default:
                let depth = 50 + generator.int(3000)
                let open = generator.pick(["(", "[", "{", "if true { ", "[[", "fn f() { "])
                program = String(repeating: open, count: depth) + "1" + String(repeating: generator.pick([")", "]", "}"]), count: generator.int(depth + 1))
            }
            XCTAssertTrue(runBounded(program), "program \(i) did not finish: \(program.prefix(200))")
            count += 1
        }
        XCTAssertEqual(count, 2000)
    }
}

/// A small deterministic generator for test programs.
struct RandomWords {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
    mutating func int(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

enum Stopwatch {
    static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
