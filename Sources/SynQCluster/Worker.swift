import QuantumKit
import Support
import Glibc

/// `synq worker SPEC.json [--tasks FROM:TO] [--threads N]`: runs a job spec's tasks (all, or a slice) and
/// prints one marked line, `SYNQ-RESULT {"results": [...]}`, or on failure
/// `SYNQ-ERROR {"code": ..., "message": ..., "task": i}` and exits 1.
public enum Worker {
    public static let resultMarker = "SYNQ-RESULT "
    public static let errorMarker = "SYNQ-ERROR "

    public static func main(_ arguments: [String]) -> Int32 {
        var path: String?, range: Range<Int>?
        var i = 0
        while i < arguments.count {
            if arguments[i] == "--tasks", i + 1 < arguments.count {
                let bounds = arguments[i + 1].split(separator: ":").compactMap { Int($0) }
                guard bounds.count == 2, bounds[0] <= bounds[1] else { return usage("--tasks takes FROM:TO") }
                range = bounds[0]..<bounds[1]
                i += 2
            } else if arguments[i] == "--threads", i + 1 < arguments.count {
                guard let n = Int(arguments[i + 1]), n >= 1 else { return usage("--threads takes a positive count") }
                ParallelFor.threads = n
                i += 2
            } else if path == nil {
                path = arguments[i]; i += 1
            } else {
                return usage("unexpected argument \(arguments[i])")
            }
        }
        guard let path else { return usage("no job spec given") }
        guard let bytes = path == "-" ? Files.read(stdin) : Files.read(path) else { return fail(code: "C010", "cannot read \(path)", task: nil) }
        let spec: JobSpec
        do { spec = try JobSpec(json: try JSON.parse(bytes)) } catch { return fail(code: "C010", "\(error)", task: nil) }
        let slice = range ?? 0..<spec.tasks.count
        guard slice.upperBound <= spec.tasks.count else { return usage("--tasks \(slice) is past the spec's \(spec.tasks.count) tasks") }
        var results: [JSON] = []
        for index in slice {
            do {
                results.append(try spec.tasks[index].execute(cancellation: nil).json)
            } catch let e as SimulationError {
                return fail(code: e.code, e.message, task: index)
            } catch {
                return fail(code: "C004", "\(error)", task: index)
            }
        }
        print(resultMarker + JSON.object(["results": .array(results)]).serialized)
        return 0
    }

    static func fail(code: String, _ message: String, task: Int?) -> Int32 {
        var o: JSONObject = ["code": .string(code), "message": .string(message)]
        if let task { o["task"] = .int(task) }
        print(errorMarker + JSON.object(o).serialized)
        fputs("synq worker: error[SYNQ-\(code)]: \(message)\n", stderr)
        return 1
    }

    static func usage(_ problem: String) -> Int32 {
        fputs("synq worker: \(problem)\nusage: synq worker SPEC.json [--tasks FROM:TO] [--threads N]\n", stderr)
        return 2
    }
}
