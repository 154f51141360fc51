import XCTest
import Support
@testable import SynQLanguage

/// Runs cells in one session on a large stack; returns each cell's output or error text.
func runCells(_ cells: [String], in session: Session) -> [String] {
    var results: [String] = []
    Threads.run(stackSize: Threads.largeStack) {
        let output = CapturedOutput()
        session.output = output
        for cell in cells {
            output.text = ""
            do {
                let value = try session.execute(cell)
                results.append(output.text + (value.map { v -> String in if case .none = v { return "" }; return Format.repr(v) } ?? ""))
            } catch let d as Diagnostic {
                results.append("error " + d.code)
            } catch let e as SynQError {
                results.append("error " + e.code)
            } catch {
                results.append("error \(error)")
            }
        }
    }
    return results
}
