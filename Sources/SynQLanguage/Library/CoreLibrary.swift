import Glibc
import QuantumKit

/// core: printing, input, conversions, help, errors, time and randomness.
enum CoreLibrary {
    static let builtins: [Builtin] = [
        Builtin("print", "print(values..., sep: \" \", end: \"\\n\")",
                "Writes the values to standard output separated by spaces (like Python's print). Strings print without quotes.") { args in
            let sep = try args.keyword("sep").map { v -> String in guard case .string(let s) = v else { throw SynQError.type("sep must be a String") }; return s } ?? " "
            let end = try args.keyword("end").map { v -> String in guard case .string(let s) = v else { throw SynQError.type("end must be a String") }; return s } ?? "\n"
            args.context.output.write(Format.joinedText(args.positional, separator: sep) + end, toStandardError: false)
            return .none
        },
        Builtin("eprint", "eprint(values...)", "Like print, but writes to standard error.") { args in
            args.context.output.write(Format.joinedText(args.positional, separator: " ") + "\n", toStandardError: true)
            return .none
        },
        Builtin("display", "display(value, id: nil, update: false)",
                "Shows a value now, with its richest form (a circuit diagram, a histogram, a table). With `id`, a later display(..., id: same, update: true) replaces it in place.") { args in
            try args.require(1, "display", "display(value)")
            let id = args.keyword("id").map(Format.str)
            args.context.output.display(args[0], id: id, update: try args.bool("update", default: false))
            return .none
        },
        Builtin("progress", "progress(xs, label: \"\") -> Progress",
                "The elements of xs for a `for` loop, with a progress line in a notebook once the loop has run half a second: `for x in progress(xs) { ... }`. The line is replaced in place and finished with the loop's time.") { args in
            let items = try Iteration.elements(try args.argument(0, "xs"))
            let label = args.keyword("label").map { Format.str($0) + ": " } ?? ""
            return .object(ProgressIterable(items, label: label, output: args.context.output))
        },
        Builtin("clear_output", "clear_output(wait: false)", "Clears the cell's output so far.") { args in
            args.context.output.clearOutput(wait: try args.bool("wait", default: false))
            return .none
        },
        Builtin("input", "input(prompt = \"\") -> String",
                "Asks the user for a line of text. In a notebook the front end shows a text box; it fails with a clear error when the front end cannot take input.") { args in
            let prompt = args.count > 0 ? Format.str(args[0]) : ""
            guard let read = args.context.readInput else {
                throw SynQError("E011", "IOError", "input() is not available here: the front end does not accept input (allow_stdin is false)")
            }
            return .string(try read(prompt))
        },
        Builtin("len", "len(x) -> Int", "The number of elements of a List, Map, Tuple, Range or String (in characters), or of qubits in a register.") { args in
            try args.require(1, "len", "len(x)")
            return .int(try length(args[0]))
        },
        Builtin("type", "type(x) -> String", "The name of x's type: \"Int\", \"List\", \"Circuit\", a struct's name, ...") { args in
            try args.require(1, "type", "type(x)")
            return .string(Format.typeName(args[0]))
        },
        Builtin("str", "str(x) -> String", "x as text, the way print shows it.") { args in
            try args.require(1, "str", "str(x)")
            return .string(Format.str(args[0]))
        },
        Builtin("repr", "repr(x) -> String", "x as source-like text: strings quoted and escaped.") { args in
            try args.require(1, "repr", "repr(x)")
            return .string(Format.repr(args[0]))
        },
        Builtin("int", "int(x) -> Int", "Converts a Float (truncating), a Bool or a String of digits to an Int.") { args in
            try args.require(1, "int", "int(x)")
            return try toInt(args[0])
        },
        Builtin("float", "float(x) -> Float", "Converts an Int, a Bool or a numeric String to a Float.") { args in
            try args.require(1, "float", "float(x)")
            switch args[0] {
            case .int(let i): return .float(Double(i))
            case .float, .object(is DualNumber): return args[0]
            case .bool(let b): return .float(b ? 1 : 0)
            case .string(let s):
                guard let f = Double(s.trimmingCharacters(in: " ")) else { throw SynQError.value("'\(s)' is not a number") }
                return .float(f)
            default: throw SynQError.type("cannot convert \(Format.typeName(args[0])) to Float")
            }
        },
        Builtin("complex", "complex(re, im = 0) -> Complex", "A complex number re + im·i.") { args in
            try args.require(1, "complex", "complex(re, im = 0)")
            if case .complex = args[0], args.count == 1 { return args[0] }
            return .complex(Complex(try args.float(0, "re"), args.count > 1 ? try args.float(1, "im") : 0))
        },
        Builtin("bool", "bool(x) -> Bool", "x's truth value: false for false, nil, 0, 0.0, \"\" and empty collections.") { args in
            try args.require(1, "bool", "bool(x)")
            return .bool(Operators.isTruthy(args[0]))
        },
        Builtin("range", "range(end) / range(start, end, step = 1) -> Range", "Integers from start up to (not including) end: the same as start..end.") { args in
            try args.require(1, "range", "range(end)")
            if args.count == 1 { return .range(RangeRef(start: 0, end: try args.int(0, "end"), step: 1, inclusive: false)) }
            let step = args.count > 2 ? try args.int(2, "step") : 1
            guard step != 0 else { throw SynQError.value("a range step cannot be 0") }
            return .range(RangeRef(start: try args.int(0, "start"), end: try args.int(1, "end"), step: step, inclusive: false))
        },
        Builtin("list", "list(x) -> List", "A new List of the elements of x (a Range, String, Map, Tuple, Register, ...).") { args in
            if args.count == 0 { return .list(ListRef([])) }
            return .list(ListRef(try Iteration.elements(args[0])))
        },
        Builtin("help", "help(x)", "Shows the signature and documentation of a function, type, module or value.") { args in
            let text = args.count > 0 ? Documentation.help(for: args[0], session: args.context) : Documentation.overview
            if let show = args.context.showHelp { show(text) } else { args.context.output.write(text + "\n", toStandardError: false) }
            return .none
        },
        Builtin("error", "error(message, kind: \"Error\") -> Error", "An error value; `throw error(\"bad input\")` raises it. `catch err` gives err.message and err.kind.") { args in
            try args.require(1, "error", "error(message)")
            let kind = args.keyword("kind").map(Format.str) ?? "Error"
            return .error(ErrorRef(kind: kind, message: Format.str(args[0])))
        },
        Builtin("time", "time() -> Float", "Seconds since the Unix epoch, with sub-microsecond resolution.") { _ in
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9)
        },
        Builtin("sleep", "sleep(seconds)", "Waits; an interrupt ends the wait at once.") { args in
            var remaining = try args.float(0, "seconds")
            while remaining > 0 {
                if args.context.interrupt.isCancelled { throw SynQError.interrupted() }
                let step = min(remaining, 0.01)
                usleep(UInt32(step * 1_000_000))
                remaining -= step
            }
            return .none
        },
        Builtin("random", "random() -> Float", "A uniform random Float in [0, 1) from the session's generator (see seed).") { args in
            .float(args.context.random.uniform())
        },
        Builtin("seed", "seed(n)", "Seeds the session's random generator: random(), sampling and measurement outcomes repeat exactly for the same seed.") { args in
            let n = try args.int(0, "n")
            args.context.setSeed(UInt64(bitPattern: Int64(n)))
            return .none
        },
        Builtin("sorted", "sorted(xs, key: nil, reverse: false) -> List", "A sorted copy of xs.") { args in
            try args.require(1, "sorted", "sorted(xs)")
            return .list(ListRef(try Sorting.sorted(try args.list(0, "xs"), args)))
        },
        Builtin("reversed", "reversed(xs) -> List", "A reversed copy of xs.") { args in
            try args.require(1, "reversed", "reversed(xs)")
            return .list(ListRef(try args.list(0, "xs").reversed()))
        },
        Builtin("sort", "sort(xs, key: nil, reverse: false) -> List", "A sorted copy of xs (pipe-friendly: xs |> sort).") { args in
            try args.require(1, "sort", "sort(xs)")
            return .list(ListRef(try Sorting.sorted(try args.list(0, "xs"), args)))
        },
        Builtin("reverse", "reverse(xs) -> List", "A reversed copy of xs (pipe-friendly: xs |> reverse).") { args in
            try args.require(1, "reverse", "reverse(xs)")
            if case .string(let s) = args[0] { return .string(String(s.reversed())) }
            return .list(ListRef(try args.list(0, "xs").reversed()))
        },
        Builtin("map", "map(xs, f) -> List", "f applied to each element of xs.") { args in
            try args.require(2, "map", "map(xs, f)")
            return .list(ListRef(try args.list(0, "xs").map { try args.context.call(args[1], [$0]) }))
        },
        Builtin("filter", "filter(xs, f) -> List", "The elements of xs for which f returns true.") { args in
            try args.require(2, "filter", "filter(xs, f)")
            return .list(ListRef(try args.list(0, "xs").filter { Operators.isTruthy(try args.context.call(args[1], [$0])) }))
        },
        Builtin("reduce", "reduce(xs, f, initial) -> value", "Folds xs with f(accumulator, element), starting from initial (or the first element).") { args in
            try args.require(2, "reduce", "reduce(xs, f, initial)")
            return try CollectionMethods.reduce(try args.list(0, "xs"), args[1], args.count > 2 ? args[2] : nil, args.context)
        },
        Builtin("zip", "zip(xs, ys, ...) -> List", "Tuples of corresponding elements, as long as the shortest input.") { args in
            let lists = try (0..<args.count).map { try args.list($0, "xs") }
            let n = lists.map { $0.count }.min() ?? 0
            return .list(ListRef((0..<n).map { i in .tuple(lists.map { $0[i] }) }))
        },
        Builtin("enumerate", "enumerate(xs, start: 0) -> List", "(index, element) tuples.") { args in
            let start = try args.optionalInt(nil, "start") ?? 0
            return .list(ListRef(try args.list(0, "xs").enumerated().map { .tuple([.int($0.offset + start), $0.element]) }))
        },
        Builtin("any", "any(xs) -> Bool", "Whether any element is true.") { args in
            .bool(try args.list(0, "xs").contains { Operators.isTruthy($0) })
        },
        Builtin("all", "all(xs) -> Bool", "Whether every element is true; with Jobs, waits for all of them (await all(jobs)).") { args in
            let items = try args.list(0, "xs")
            let jobs = items.compactMap { v -> JobValue? in if case .object(let j as JobValue) = v { return j }; return nil }
            if !jobs.isEmpty {
                guard jobs.count == items.count else { throw SynQError.type("all(xs) takes a List of Jobs or of Bools, not a mix") }
                return .object(JobValue(.group(jobs), book: args.context.jobs))
            }
            return .bool(items.allSatisfy { Operators.isTruthy($0) })
        },
    ]

    static func length(_ v: Value) throws -> Int {
        switch v {
        case .list(let l): return l.items.count
        case .map(let m): return m.count
        case .tuple(let t): return t.count
        case .range(let r): return r.count
        case .string(let s): return StringMethods.characterCount(s)
        case .object(let o):
            if let sized = o as? Sized { return sized.length }
            fallthrough
        default: throw SynQError.type("\(Format.article(Format.typeName(v))) has no length")
        }
    }

    static func toInt(_ v: Value) throws -> Value {
        switch v {
        case .int: return v
        case .float(let f):
            guard f.isFinite, abs(f) < 9.2e18 else { throw SynQError("E005", "OverflowError", "\(Format.float(f)) does not fit in an Int") }
            return .int(Int(f))
        case .bool(let b): return .int(b ? 1 : 0)
        // piecewise constant: its derivative is zero wherever it has one
        case .object(let d as DualNumber): return try toInt(.float(d.value))
        case .string(let s):
            let t = s.trimmingCharacters(in: " ")
            if let i = Int(t) { return .int(i) }
            if t.hasPrefix("0x"), let i = Int(t.dropFirst(2), radix: 16) { return .int(i) }
            if t.hasPrefix("0b"), let i = Int(t.dropFirst(2), radix: 2) { return .int(i) }
            throw SynQError.value("'\(s)' is not an integer")
        case .object(let o):
            if let n = o as? IntConvertible { return .int(n.intValue) }
            fallthrough
        default: throw SynQError.type("cannot convert \(Format.typeName(v)) to Int")
        }
    }
}

/// Native objects with a length.
protocol Sized { var length: Int { get } }
/// Native objects that convert to an Int (Bits read as a binary number).
protocol IntConvertible { var intValue: Int { get } }
