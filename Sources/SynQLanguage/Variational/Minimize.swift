import QuantumKit

/// `minimize`: runs an optimiser on a SynQ function, shows its progress live in a notebook,
/// and turns an interrupt into an early, honest result.
enum Minimize {
    static func run(_ a: Arguments) throws -> Value {
        let f = try a.argument(0, "f")
        let (x0, scalar) = try VariationalLibrary.point(try a.argument(1, "x0"), "x0")
        let method = a.keyword("method").map(Format.str) ?? "bfgs"
        guard Optimizers.methods.contains(method) else {
            throw SynQError.value("unknown method '\(method)'", help: "methods: " + Optimizers.methods.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        let steps = try a.optionalInt(nil, "steps") ?? 200
        guard steps >= 1 else { throw SynQError.value("steps must be at least 1") }
        let settings = OptimizerSettings(steps: steps, learningRate: try a.optionalFloat("lr"), tolerance: try a.optionalFloat("tol") ?? 1e-6)
        let gradientMethod = try VariationalLibrary.method(a, keyword: "grad")
        let session = a.context
        var notes: [String] = []
        let objective = Objective(value: { x in
            try Differentiation.evaluate(f, at: x, scalar: scalar, session: session)
        }, valueAndGradient: { x in
            let r = try Differentiation.valueAndGradient(f, at: x, scalar: scalar, method: gradientMethod, session: session)
            for note in r.notes where !notes.contains(note) { notes.append(note) }
            return (r.value, r.gradient)
        })

        let wantsPlot = try a.bool("plot", default: true)
        let live = session.output.updatesInPlace && wantsPlot
        let progress = LiveProgress(session.output, kind: "minimize", delay: 0)
        let plotID = progress.id + "-plot"
        func show(_ log: OptimizationLog, _ status: String) {
            let figure = FigureValue(kind: .line, title: "minimize (\(method))", xLabel: "step", yLabel: "f",
                                     series: [("f", log.history.indices.map { Double($0) }, log.history)])
            session.output.display(.object(figure), id: plotID, update: progress.shown)
            progress.update(status)
        }
        let log = OptimizationLog { log in
            if session.interrupt.isCancelled { throw SynQError.interrupted() }
            if live && progress.due {
                show(log, "\(method): step \(log.history.count) of \(steps), f = \(Format.float(log.history.last ?? .nan)), best \(Format.float(log.best?.value ?? .nan))")
            }
        }
        let stop: Stop
        do {
            stop = try Optimizers.run(method, objective, from: x0, settings, log)
        } catch {
            guard session.interrupt.isCancelled, log.best != nil else { throw error }
            session.interrupt.clear()
            stop = Stop(converged: false, message: "interrupted after \(log.history.count) steps: the result is the best point so far")
        }
        guard let best = log.best else { throw SynQError.value("minimize: f never returned a finite value") }
        let result = OptimizeResult(method: method, x: best.x, scalar: scalar, value: best.value, log: log, stop: stop,
                                    notes: notes, seconds: progress.elapsed)
        if live { show(log, result.summary) }
        VariationalLibrary.say(notes, session)
        return .object(result)
    }
}

/// What `minimize` returns: the best point and value, the history, and the evaluation counts.
final class OptimizeResult: NativeObject {
    let method: String
    let x: [Double]
    let scalar: Bool
    let value: Double
    let history: [Double]
    let evaluations: Int
    let gradientEvaluations: Int
    let stop: Stop
    let notes: [String]
    let seconds: Double

    init(method: String, x: [Double], scalar: Bool, value: Double, log: OptimizationLog, stop: Stop, notes: [String], seconds: Double) {
        self.method = method; self.x = x; self.scalar = scalar; self.value = value
        history = log.history
        evaluations = log.evaluations
        gradientEvaluations = log.gradientEvaluations
        self.stop = stop; self.notes = notes; self.seconds = seconds
    }

    var typeName: String { "OptimizeResult" }
    var xValue: Value { scalar ? .float(x[0]) : numbersToList(x) }

    var summary: String {
        "\(method): \(stop.converged ? "converged" : "stopped"), f = \(Format.float(value)) after \(history.count) steps, "
            + "\(evaluations) evaluations and \(gradientEvaluations) gradients in \(LiveProgress.seconds(seconds)) s"
    }

    var text: String {
        ([summary, "  \(stop.message)", "  x = \(Format.repr(xValue))"] + notes.map { "  note: \($0)" }).joined(separator: "\n")
    }

    func member(_ name: String, context: CallContext) throws -> Value? {
        switch name {
        case "x": return xValue
        case "fun": return .float(value)
        case "history": return numbersToList(history)
        case "nfev": return .int(evaluations)
        case "ngrad": return .int(gradientEvaluations)
        case "steps": return .int(history.count)
        case "method": return .string(method)
        case "converged": return .bool(stop.converged)
        case "message": return .string(stop.message)
        case "notes": return .list(ListRef(notes.map { .string($0) }))
        case "seconds": return .float(seconds)
        default: return nil
        }
    }

    var memberNames: [String] { ["x", "fun", "history", "nfev", "ngrad", "steps", "method", "converged", "message", "notes", "seconds"] }
}
