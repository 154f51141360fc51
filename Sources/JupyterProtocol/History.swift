import Glibc
import Support

/// Executed cells, kept on disk as JSON lines so history survives a restart. Each kernel
/// process is one session, numbered one past the highest on disk.
public final class HistoryStore {
    public struct Entry {
        public var session: Int
        public var line: Int
        public var input: String
        public var output: String?
    }

    public let path: String
    public private(set) var entries: [Entry] = []
    public let session: Int

    public init(path: String) {
        self.path = path
        if let f = fopen(path, "r") {
            var line: UnsafeMutablePointer<CChar>? = nil
            var capacity = 0
            while getline(&line, &capacity, f) > 0 {
                guard let text = line.map({ String(cString: $0) }), let json = try? JSON.parse(text),
                      let s = json["session"]?.int, let n = json["line"]?.int, let input = json["input"]?.string else { continue }
                entries.append(Entry(session: s, line: n, input: input, output: json["output"]?.string))
            }
            free(line)
            fclose(f)
        }
        session = (entries.map { $0.session }.max() ?? 0) + 1
    }

    /// The default location: $SYNQ_HISTORY, else $XDG_DATA_HOME/synq/history.jsonl, else ~/.local/share/synq/history.jsonl.
    public static func defaultPath() -> String {
        if let p = getenv("SYNQ_HISTORY") { return String(cString: p) }
        let base: String
        if let x = getenv("XDG_DATA_HOME") { base = String(cString: x) } else {
            base = (getenv("HOME").map { String(cString: $0) } ?? "/tmp") + "/.local/share"
        }
        return base + "/synq/history.jsonl"
    }

    public func append(line: Int, input: String, output: String?) {
        let entry = Entry(session: session, line: line, input: input, output: output)
        entries.append(entry)
        var object: JSONObject = ["session": .int(session), "line": .int(line), "input": .string(input)]
        if let output { object["output"] = .string(output) }
        makeParentDirectory()
        guard let f = fopen(path, "a") else { return }
        fputs(JSON.object(object).serialized + "\n", f)
        fclose(f)
    }

    private func makeParentDirectory() {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var current = ""
        while !parts.isEmpty {
            current += parts.removeFirst() + "/"
            mkdir(current, 0o755)
        }
    }

    /// Answers a history_request's content.
    public func reply(_ request: JSONObject) -> JSONObject {
        let output = request["output"]?.bool ?? false
        let n = request["n"]?.int
        var selected: [Entry]
        switch request["hist_access_type"]?.string ?? "tail" {
        case "range":
            var s = request["session"]?.int ?? 0
            if s <= 0 { s += session }
            let start = request["start"]?.int ?? 0
            let stop = request["stop"]?.int
            selected = entries.filter { $0.session == s && $0.line >= start && (stop == nil || $0.line < stop!) }
        case "search":
            let pattern = request["pattern"]?.string ?? "*"
            selected = entries.filter { Glob.matches(pattern, $0.input) }
            if request["unique"]?.bool ?? false {
                var seen = Set<String>()
                selected = selected.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n { selected = Array(selected.suffix(n)) }
        default:
            selected = Array(entries.suffix(n ?? 10))
        }
        let items: [JSON] = selected.map { e in
            let third: JSON = output ? .array([.string(e.input), e.output.map { .string($0) } ?? .null]) : .string(e.input)
            return .array([.int(e.session), .int(e.line), third])
        }
        return ["status": .string("ok"), "history": .array(items)]
    }
}

/// Shell-style glob patterns (`*`, `?`) as history search uses them.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }
}
