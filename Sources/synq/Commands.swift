import Glibc
import QuantumKit
import SynQLanguage
import SynQKernel
import Support

enum Commands {
    static func readSource(_ path: String) -> String? {
        if path == "-" { return String(decoding: Files.read(stdin), as: UTF8.self) }
        return Files.readText(path)
    }

    static func runOrCheck(check: Bool, _ arguments: [String]) -> Int32 {
        let showProbabilities = arguments.contains("--probabilities")
        guard let path = arguments.first(where: { !$0.hasPrefix("--") || $0 == "-" }) else {
            fputs("synq: \(check ? "check" : "run") needs a file (or - for standard input)\n", stderr)
            return 2
        }
        guard let text = readSource(path) else {
            fputs("synq: cannot read \(path): \(String(cString: strerror(errno)))\n", stderr)
            return 2
        }
        let name = path == "-" ? "<stdin>" : path
        var status: Int32 = 0
        Threads.run(stackSize: Threads.largeStack) {
            let session = Session()
            signal(SIGINT) { _ in Commands.interruptTarget?.cancel() }
            Commands.interruptTarget = session.interrupt
            do {
                if path.hasSuffix(".qasm") {
                    if check {
                        try session.checkQASM(text, name: name)
                    } else {
                        print(try session.runQASM(text, name: name))
                        if showProbabilities { print(ProbabilityReport.lines(session), terminator: "") }
                    }
                } else if check {
                    try session.check(text, name: name)
                } else {
                    let result = try session.execute(text, name: name)
                    if let result, case .none = result {} else if let result { print(Format.str(result)) }
                    if showProbabilities { print(ProbabilityReport.lines(session), terminator: "") }
                }
            } catch {
                status = report(error)
            }
            fflush(stdout)
        }
        return status
    }

    /// `synq qasm FILE.synq`: runs the program and prints, as OpenQASM, the Circuit its last
    /// expression gives, or else everything it applied to the live qubits.
    static func qasm(_ arguments: [String]) -> Int32 {
        let version = arguments.contains("--qasm2") ? 2 : 3
        guard let path = arguments.first(where: { !$0.hasPrefix("--") || $0 == "-" }), let text = readSource(path) else {
            fputs("synq: qasm needs a readable .synq file (or - for standard input)\n", stderr)
            return 2
        }
        var status: Int32 = 0
        Threads.run(stackSize: Threads.largeStack) {
            let session = Session()
            do {
                let result = try session.execute(text, name: path == "-" ? "<stdin>" : path)
                var circuit = session.quantum.drawnCircuit
                if case .object(let c as CircuitValue)? = result { circuit = c.circuit }
                print(try OpenQASM.write(circuit, version: version), terminator: "")
            } catch {
                status = report(error)
            }
            fflush(stdout)
        }
        return status
    }

    /// `synq fmt FILE...`: formats files in place (`-`: standard input to standard output);
    /// with --check, changes nothing and exits 1 naming the files that are not formatted.
    static func format(_ arguments: [String]) -> Int32 {
        let checkOnly = arguments.contains("--check")
        let paths = arguments.filter { $0 != "--check" }
        guard !paths.isEmpty else {
            fputs("synq: fmt needs files (or - for standard input)\n", stderr)
            return 2
        }
        var status: Int32 = 0
        for path in paths {
            guard let text = readSource(path) else {
                fputs("synq: cannot read \(path): \(String(cString: strerror(errno)))\n", stderr)
                status = 2
                continue
            }
            let formatted: String
            do { formatted = try Formatter.format(text) } catch {
                var diagnostic = error as? Diagnostic
                diagnostic?.source = Source(name: path, text: text)
                status = diagnostic.map { report($0) } ?? report(error)
                continue
            }
            if path == "-" {
                print(formatted, terminator: "")
            } else if formatted != text {
                if checkOnly {
                    print("\(path): not formatted")
                    status = max(status, 1)
                } else if !Files.write(path, Array(formatted.utf8)) {
                    fputs("synq: cannot write \(path): \(String(cString: strerror(errno)))\n", stderr)
                    status = 2
                }
            }
        }
        return status
    }

    /// Prints an error in the diagnostics format to stderr; returns the exit status, 1.
    static func report(_ error: Error) -> Int32 {
        let color = isatty(2) != 0
        switch error {
        case let d as Diagnostic: fputs(d.render(color: color) + "\n", stderr)
        case let e as SynQError: fputs(e.render(color: color) + "\n", stderr)
        case let e as QASMError: fputs("error[SYNQ-\(e.code)]: \(e.message)\n", stderr)
        default: fputs("error: \(error)\n", stderr)
        }
        return 1
    }

    nonisolated(unsafe) static var interruptTarget: CancellationFlag?

    static func kernel(_ arguments: [String]) -> Int32 {
        guard let i = arguments.firstIndex(of: "--connection-file"), i + 1 < arguments.count else {
            fputs("synq: kernel needs --connection-file FILE\n", stderr)
            return 2
        }
        return SynQKernelMain.run(connectionFile: arguments[i + 1])
    }

    static func install(_ arguments: [String]) -> Int32 {
        var prefix: String? = nil
        var user = false
        var i = 0
        while i < arguments.count {
            switch arguments[i] {
            case "--user": user = true
            case "--sys-prefix": prefix = KernelSpecInstaller.sysPrefix()
            case "--prefix":
                guard i + 1 < arguments.count else { fputs("synq: --prefix needs a directory\n", stderr); return 2 }
                prefix = arguments[i + 1]
                i += 1
            default:
                fputs("synq: unknown install option \(arguments[i])\n", stderr)
                return 2
            }
            i += 1
        }
        do {
            let paths = try KernelSpecInstaller.install(prefix: prefix, user: user || prefix == nil)
            print("Installed the SynQ kernelspec in \(paths.kernelspec)")
            print("Registered synq lsp with jupyter-lsp in \(paths.languageServer)")
            return 0
        } catch {
            fputs("synq: install failed: \(error)\n", stderr)
            return 1
        }
    }
}
