import Glibc
import XCTest
import Support
import SynQLanguage

/// Runs every program in Golden/ the way `synq run` does and compares stdout plus any
/// diagnostic with the `.out` file next to it. A first line `// run: --probabilities` asks for
/// the recovery profile's probability listing afterwards.
final class GoldenTests: XCTestCase {
    static let directory: String = {
        let file = #filePath
        return String(file[..<file.lastIndex(of: "/")!]) + "/Golden"
    }()

    static func programs() -> [String] {
        var out: [String] = []
        guard let top = opendir(directory) else { return [] }
        defer { closedir(top) }
        while let entry = readdir(top) {
            let category = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            guard !category.hasPrefix("."), let sub = opendir(directory + "/" + category) else { continue }
            while let e = readdir(sub) {
                let name = withUnsafePointer(to: e.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                if name.hasSuffix(".synq") { out.append(category + "/" + name) }
            }
            closedir(sub)
        }
        return out.sorted()
    }

    /// What `synq run` would print for a program.
    static func run(_ text: String, name: String) -> String {
        var result = ""
        Threads.run(stackSize: Threads.largeStack) {
            let output = CapturedOutput()
            let session = Session(output: output)
            var errorText = ""
            do {
                if let value = try session.execute(text, name: name) {
                    if case .none = value {} else { output.write(Format.str(value) + "\n", toStandardError: false) }
                }
                if text.hasPrefix("// run: --probabilities") { output.write(ProbabilityReport.lines(session), toStandardError: false) }
            } catch let d as Diagnostic {
                errorText = d.render() + "\n"
            } catch let e as SynQError {
                errorText = e.render() + "\n"
            } catch {
                errorText = "error: \(error)\n"
            }
            result = output.text + output.errorText + errorText
        }
        return result
    }

    func testGoldenPrograms() throws {
        let programs = GoldenTests.programs()
        XCTAssertGreaterThanOrEqual(programs.count, 150)
        let scratch = "/tmp/synq-golden-\(getpid())"
        mkdir(scratch, 0o755)
        let saved = getcwd(nil, 0)!
        defer { chdir(saved); free(saved) }
        chdir(scratch)
        var failures = 0
        for program in programs {
            let path = GoldenTests.directory + "/" + program
            let text = Files.readText(path)!
            let expected = Files.readText(String(path.dropLast(5)) + ".out") ?? "<missing .out file>"
            let name = String(program.split(separator: "/").last!)
            let actual = GoldenTests.run(text, name: name)
            if actual != expected { failures += 1 }
            XCTAssertEqual(actual, expected, program)
        }
        XCTAssertEqual(failures, 0, "\(failures) of \(programs.count) golden programs differ")
    }
}
