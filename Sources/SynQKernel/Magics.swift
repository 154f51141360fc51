import Glibc
import QuantumKit
import Support
import SynQLanguage

struct MagicError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Notebook magics: lines that start with `%`, cells that start with `%%`. The code between
/// magic lines runs as ordinary SynQ, keeping its line numbers.
final class Magics {
    unowned let handler: SynQHandler
    var session: Session { handler.session }

    init(handler: SynQHandler) { self.handler = handler }

    static let lineMagics: [(String, String)] = [
        ("%lsmagic", "list the magics"), ("%who", "session names and their types"), ("%reset", "clear every binding and the quantum state"),
        ("%time STMT", "run a statement and print how long it took"), ("%seed N", "seed sampling and measurement for reproducible runs"),
        ("%qubits", "live registers and the memory of the state"), ("%config KEY=VALUE", "max_qubits, threads, engine (auto, statevector, stabilizer, density), precision (double, single: for run and expect of circuits), fusion (on, off)"),
        ("%load FILE", "run a .synq file in the session"), ("%version", "the provenance line: kernel, simulator, seed, engine"),
        ("%qasm [2]", "the live circuit as OpenQASM 3 (or 2.0)"),
        ("%cluster connect ray URL [--token-file F]", "send async runs to a Ray cluster (status, disconnect)"),
        ("%jobs", "this session's jobs: id, state, where, tasks, elapsed"),
    ]
    static let cellMagics: [(String, String)] = [
        ("%%time", "run the cell and print how long it took"),
        ("%%qasm", "the cell is OpenQASM 2 or 3: run it on the live qubits"),
    ]

    static var names: [String] { (lineMagics + cellMagics).map { String($0.0.split(separator: " ")[0]) } }

    func say(_ text: String, terminator: String = "\n") { session.output.write(text + terminator, toStandardError: false) }

    func run(_ code: String, cellName: String) throws -> Value? {
        if code.hasPrefix("%%") {
            let firstLine = code.prefix { $0 != "\n" }
            let rest = code.dropFirst(firstLine.count)
            // keeps the cell's line numbers: the magic's line becomes an empty one
            let body = "\n" + rest.dropFirst(rest.hasPrefix("\n") ? 1 : 0)
            let name = firstLine.split(separator: " ").first.map(String.init) ?? ""
            switch name {
            case "%%time":
                let start = now()
                let value = try session.execute(body, name: cellName)
                say("time: \(formatSeconds(now() - start))")
                return value
            case "%%qasm":
                say(try session.runQASM(body, name: cellName))
                return nil
            default:
                throw MagicError("unknown cell magic \(name); cell magics: \(Magics.cellMagics.map { $0.0 }.joined(separator: ", "))")
            }
        }
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.contains(where: { $0.trimmingPrefixSpaces().hasPrefix("%") }) else {
            return try session.execute(code, name: cellName)
        }
        var result: Value? = nil
        var chunk: [String] = []
        var chunkStart = 0
        func flushChunk() throws {
            defer { chunk = [] }
            guard chunk.contains(where: { !$0.trimmingCharacters().isEmpty }) else { return }
            let padded = String(repeating: "\n", count: chunkStart) + chunk.joined(separator: "\n")
            result = try session.execute(padded, name: cellName)
        }
        for (i, line) in lines.enumerated() {
            let trimmed = String(line.trimmingPrefixSpaces())
            if trimmed.hasPrefix("%") {
                try flushChunk()
                result = try runLine(trimmed, cellName: cellName)
                chunkStart = i + 1
            } else {
                if chunk.isEmpty { chunkStart = i }
                chunk.append(line)
            }
        }
        try flushChunk()
        return result
    }

    func runLine(_ line: String, cellName: String) throws -> Value? {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts[0]
        let argument = parts.count > 1 ? parts[1].trimmingCharacters() : ""
        switch name {
        case "%lsmagic":
            say("line magics:\n" + Magics.lineMagics.map { "  \($0.0.padding(20)) \($0.1)" }.joined(separator: "\n")
                + "\ncell magics:\n" + Magics.cellMagics.map { "  \($0.0.padding(20)) \($0.1)" }.joined(separator: "\n"))
        case "%who":
            let names = session.bindings
            say(names.isEmpty ? "no names are bound" : names.map { "\($0.name): \(Format.typeName($0.value))" }.joined(separator: "\n"))
        case "%reset":
            session.reset()
            say("the session is empty: no names, no qubits")
        case "%time":
            let start = now()
            let value = try session.execute(argument, name: cellName)
            say("time: \(formatSeconds(now() - start))")
            return value
        case "%seed":
            guard let n = Int(argument) else { throw MagicError("%seed needs an integer, like %seed 42") }
            session.setSeed(UInt64(bitPattern: Int64(n)))
            say("seed = \(n)")
        case "%qubits":
            let registers = session.quantum.registers.values.sorted { $0.qubits.first ?? 0 < $1.qubits.first ?? 0 }
            if registers.isEmpty {
                say("no live qubits")
            } else {
                let lines = registers.map { "  \($0.name)[\($0.qubits.count)]: qubits \($0.qubits.map(String.init).joined(separator: ", "))" }
                say("live registers:\n" + lines.joined(separator: "\n")
                    + "\n\(session.quantum.liveQubitCount) qubits, state vector \(formatBytes(session.quantum.memoryBytes)) (limit \(MemoryBudget.maxQubits) qubits)")
            }
        case "%config":
            try config(argument)
        case "%load":
            guard !argument.isEmpty else { throw MagicError("%load needs a file name") }
            guard let text = Files.readText(argument) else { throw MagicError("cannot read \(argument): \(String(cString: strerror(errno)))") }
            return try session.execute(text, name: argument)
        case "%version":
            let seed = session.seed.map { String(Int64(bitPattern: $0)) } ?? "none"
            say("SynQ kernel \(KernelInfo.version); simulators QuantumKit state vector (complex double or single), stabilizer tableau and density matrix; seed \(seed); engine \(session.defaultEngine.rawValue); precision \(session.defaultPrecision.rawValue); threads \(ParallelFor.threads); max_qubits \(MemoryBudget.maxQubits)")
        case "%qasm":
            guard argument.isEmpty || argument == "2" || argument == "3" else { throw MagicError("%qasm takes 2 or 3 (the OpenQASM version), like %qasm 2") }
            say(try session.liveCircuitQASM(version: argument == "2" ? 2 : 3), terminator: "")
        case "%cluster":
            try cluster(argument)
        case "%jobs":
            return try session.execute("jobs()", name: cellName)
        default:
            var help = "known magics: " + Magics.names.joined(separator: " ")
            if let close = suggestion(for: name, among: Magics.names) { help = "did you mean \(close)? " + help }
            throw MagicError("unknown magic \(name); \(help)")
        }
        return nil
    }

    /// `%cluster connect [ray] URL [--token-file F]`, `%cluster status`, `%cluster disconnect`.
    /// The token comes from the file or SYNQ_CLUSTER_TOKEN and is never shown.
    func cluster(_ argument: String) throws {
        let words = argument.split(separator: " ").map(String.init)
        switch words.first {
        case "connect":
            var rest = Array(words.dropFirst())
            if rest.first == "ray" { rest.removeFirst() }
            var token = getenv("SYNQ_CLUSTER_TOKEN").map { String(cString: $0) }
            if let i = rest.firstIndex(of: "--token-file") {
                guard i + 1 < rest.count else { throw MagicError("--token-file needs a file name") }
                guard let text = Files.readText(rest[i + 1]) else { throw MagicError("cannot read the token file \(rest[i + 1]): \(String(cString: strerror(errno)))") }
                token = text.trimmingCharacters()
                rest.removeSubrange(i...i + 1)
            }
            guard rest.count == 1 else { throw MagicError("usage: %cluster connect ray URL [--token-file FILE], like %cluster connect ray http://head:8265") }
            say(try session.jobs.connect(url: rest[0], token: token))
        case "status":
            say(try session.jobs.status())
        case "disconnect":
            say(session.jobs.disconnect())
        default:
            throw MagicError("%cluster takes connect, status or disconnect, like %cluster connect ray http://head:8265")
        }
    }

    func config(_ argument: String) throws {
        if argument.isEmpty {
            say("max_qubits=\(MemoryBudget.maxQubits)\nthreads=\(ParallelFor.threads)\nengine=\(session.defaultEngine.rawValue)\nfusion=\(GateFusion.enabled ? "on" : "off")\nprecision=\(session.defaultPrecision.rawValue)")
            return
        }
        let kv = argument.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters() }
        guard kv.count == 2 else { throw MagicError("%config takes key=value, like %config max_qubits=30") }
        switch kv[0] {
        case "max_qubits":
            guard let n = Int(kv[1]), n >= 1, n <= 40 else { throw MagicError("max_qubits must be an Int from 1 to 40") }
            MemoryBudget.maxQubits = n
        case "threads":
            guard let n = Int(kv[1]), n >= 1, n <= 256 else { throw MagicError("threads must be a positive Int") }
            ParallelFor.threads = n
        case "engine":
            guard let engine = Engine(rawValue: kv[1]) else { throw MagicError("engine must be auto, statevector, stabilizer or density") }
            session.defaultEngine = engine
        case "fusion":
            guard kv[1] == "on" || kv[1] == "off" else { throw MagicError("fusion must be on or off") }
            GateFusion.enabled = kv[1] == "on"
        case "precision":
            guard let precision = Precision(rawValue: kv[1]) else { throw MagicError("precision must be double or single") }
            session.defaultPrecision = precision
        default:
            throw MagicError("unknown setting \(kv[0]); settings: max_qubits, threads, engine, fusion, precision")
        }
        say("\(kv[0]) = \(kv[1])")
    }

    /// Completion of magic names after `%`.
    func complete(_ code: String, cursor: Int) -> ([String], Int, Int)? {
        let scalars = Array(code.unicodeScalars)
        let cursor = min(cursor, scalars.count)
        var start = cursor
        while start > 0, scalars[start - 1] != "\n", scalars[start - 1] != " " { start -= 1 }
        var token = String.UnicodeScalarView()
        token.append(contentsOf: scalars[start..<cursor])
        let text = String(token)
        guard text.hasPrefix("%") else { return nil }
        return (Magics.names.filter { $0.hasPrefix(text) }, start, cursor)
    }

    func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    func formatSeconds(_ s: Double) -> String {
        s < 1 ? "\((s * 1e5).rounded() / 100) ms" : "\((s * 1000).rounded() / 1000) s"
    }

    func formatBytes(_ b: Int) -> String {
        b < 1 << 20 ? "\(b) bytes" : b < 1 << 30 ? "\(b >> 20) MiB" : "\(b >> 30) GiB"
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
