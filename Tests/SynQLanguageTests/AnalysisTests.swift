import XCTest
import Support
import SynQLanguage

/// The editor-facing analysis (symbol index, diagnostics, completion, hover, signature help,
/// semantic classes) and the formatter.
final class AnalysisTests: XCTestCase {
    let session = Session(output: CapturedOutput())

    func analyze(_ text: String) -> DocumentAnalysis { DocumentAnalysis(text: text, name: "test.synq", session: session) }

    /// The offset of the `n`-th occurrence (from 0) of `needle` in `text`, in Unicode scalars.
    func offset(of needle: String, in text: String, occurrence n: Int = 0) -> Int {
        var from = text.startIndex
        var found = text.startIndex
        for _ in 0...n {
            found = text.range(of: needle, range: from..<text.endIndex)!.lowerBound
            from = text.index(after: found)
        }
        return text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: found)
    }

    func text(_ a: DocumentAnalysis, _ span: Span) -> String { a.source.slice(span) }

    // MARK: - symbols

    func testReferencesFollowScopesAndShadowing() {
        let code = """
        let x = 1
        fn f(x) {
            let y = x * 2
            return y
        }
        print(f(x) + x)
        """
        let a = analyze(code)
        XCTAssertTrue(a.diagnostics.isEmpty, "\(a.diagnostics)")
        let outer = a.index.occurrence(at: offset(of: "x", in: code))!
        XCTAssertTrue(outer.isDeclaration)
        let outerUses = a.index.occurrences(of: outer.symbol).map { $0.span.start }
        XCTAssertEqual(outerUses, [offset(of: "x", in: code), offset(of: "f(x)", in: code, occurrence: 1) + 2, offset(of: "+ x", in: code) + 2])
        let parameter = a.index.occurrence(at: offset(of: "x * 2", in: code))!
        XCTAssertEqual(a.index.symbols[parameter.symbol].kind, .parameter)
        XCTAssertEqual(a.index.occurrences(of: parameter.symbol).count, 2)
        let y = a.index.occurrence(at: offset(of: "return y", in: code) + 7)!
        XCTAssertEqual(a.index.symbols[y.symbol].nameSpan.start, offset(of: "y =", in: code))
    }

    func testFieldsCasesAndTypesAreLinked() {
        let code = """
        struct Point { x: Float, y: Float }
        enum Shape { Circle(r: Float), Empty }
        fn area(s: Shape) -> Float {
            match s { Circle(r) => 3.14 * r * r, Empty => 0.0 }
        }
        let p = Point(x: 1.0, y: 2.0)
        print(p.x, area(Shape.Circle(2.0)))
        """
        let a = analyze(code)
        XCTAssertTrue(a.diagnostics.isEmpty, "\(a.diagnostics)")
        let field = a.index.occurrence(at: offset(of: "x:", in: code))!
        let uses = a.index.occurrences(of: field.symbol).map { text(a, $0.span) + "@\($0.span.start)" }
        XCTAssertEqual(uses, ["x@\(offset(of: "x:", in: code))", "x@\(offset(of: "x: 1.0", in: code))", "x@\(offset(of: "p.x", in: code) + 2)"])
        let shape = a.index.occurrence(at: offset(of: "Shape", in: code))!
        XCTAssertEqual(a.index.occurrences(of: shape.symbol).count, 3, "declaration, annotation, Shape.Circle")
        let circle = a.index.occurrence(at: offset(of: "Circle(r:", in: code))!
        XCTAssertEqual(a.index.occurrences(of: circle.symbol).count, 3, "declaration, pattern, Shape.Circle")
    }

    func testRegisterIndexOutOfRangeIsReportedWhereTheSizeIsKnown() {
        let code = "qubit q[3]\nh q[0]\ncx q[0], q[3]\nlet m = measure q[7]\n"
        let a = analyze(code)
        XCTAssertEqual(a.diagnostics.map { $0.code }, ["Q001", "Q001"])
        XCTAssertEqual(a.diagnostics.map { text(a, $0.span) }, ["q[3]", "q[7]"])
        XCTAssertEqual(a.diagnostics[0].message, "index 3 is out of range for register q[3]")
    }

    func testFirstSyntaxAndResolutionErrorsCarryCodesAndPlaces() {
        let syntax = analyze("let x = (1 +\nprint(x)")
        XCTAssertEqual(syntax.diagnostics.count, 1)
        XCTAssertTrue(syntax.diagnostics[0].code.hasPrefix("P"))
        XCTAssertNil(syntax.program)
        let unknown = analyze("let total = 1\nprint(totl)")
        XCTAssertEqual(unknown.diagnostics.map { $0.code }, ["R001"])
        XCTAssertEqual(unknown.diagnostics[0].help, "did you mean 'total'?")
        XCTAssertEqual(text(unknown, unknown.diagnostics[0].span), "totl")
        let gate = analyze("qubit q[2]\nhh q[0]")
        XCTAssertEqual(gate.diagnostics.map { $0.code }, ["S001"])
        let operands = analyze("qubit q[2]\ncx q[0]")
        XCTAssertEqual(operands.diagnostics.map { $0.code }, ["S002"])
    }

    func testMagicLinesAreNotSynQ() {
        let a = analyze("%seed 7\nqubit q[1]\nh q[0]\n")
        XCTAssertTrue(a.diagnostics.isEmpty, "\(a.diagnostics)")
    }

    // MARK: - completion, hover, signatures

    func testCompletionOffersScopeGatesSnippetsAndMembers() {
        let code = "struct Point { x: Float, y: Float }\nlet point = Point(x: 1.0, y: 2.0)\nlet s = \"abc\"\np\n"
        let a = analyze(code)
        let names = a.completions(at: offset(of: "p\n", in: code) + 1).candidates.map { $0.label }
        XCTAssertEqual(Array(names.prefix(2)), ["point", "p"], "names in scope first, then gates")
        XCTAssertTrue(names.contains("print") && names.contains("pi"), "\(names)")
        let gates = a.completions(at: offset(of: "p\n", in: code)).candidates.filter { $0.kind == .gate }
        XCTAssertEqual(gates.first { $0.label == "crx" }?.detail, "gate: 2 qubits, 1 parameter")
        XCTAssertEqual(a.libraryDocumentation("crx", kind: .gate), "Controlled by the first operand: Rotation about X by θ.")
        XCTAssertEqual(a.libraryDocumentation("len", kind: .builtin)?.hasPrefix("len("), true)
        XCTAssertNotNil(a.completions(at: 0).candidates.first { $0.label == "kernel" && $0.snippet?.contains("${1:name}") == true })

        let member = code + "point.\n"
        let m = analyze(member)
        XCTAssertEqual(Set(m.completions(at: offset(of: "point.", in: member) + 6).candidates.map { $0.label }), ["x", "y"])
        let string = code + "s.up"
        let s = analyze(string)
        XCTAssertEqual(s.completions(at: string.unicodeScalars.count).candidates.map { $0.label }, ["upper"])
        let module = "math.sq"
        XCTAssertEqual(analyze(module).completions(at: 7).candidates.map { $0.label }, ["sqrt"])
    }

    func testHoverShowsSignaturesAndDocs() {
        let code = "/// Doubles x.\nfn twice(x: Int) -> Int { x * 2 }\nprint(twice(3), sqrt(4.0))\nqubit q[2]\nh q[0]\n"
        let a = analyze(code)
        let user = a.hover(at: offset(of: "twice(3)", in: code) + 1)!
        XCTAssertEqual(user.markdown, "```synq\nfn twice(x: Int) -> Int\n```\n\nDoubles x.")
        let builtin = a.hover(at: offset(of: "sqrt", in: code) + 1)!
        XCTAssertTrue(builtin.markdown.hasPrefix("```synq\nsqrt("), builtin.markdown)
        let register = a.hover(at: offset(of: "q[0]", in: code))!
        XCTAssertEqual(register.markdown, "```synq\nqubit q[2]\n```")
        let gate = a.hover(at: offset(of: "h q", in: code))!
        XCTAssertTrue(gate.markdown.contains("Hadamard"), gate.markdown)
    }

    func testSignatureHelpTracksTheActiveArgument() {
        let code = "fn mix(a, b: Int, c = 2) -> Int { a + b + c }\nmix(1, f(2, 3), "
        let a = analyze(code)
        let s = a.signature(at: code.unicodeScalars.count)!
        XCTAssertEqual(s.label, "fn mix(a, b: Int, c = …) -> Int")
        XCTAssertEqual(s.parameters, ["a", "b: Int", "c = …"])
        XCTAssertEqual(s.activeParameter, 2)
        XCTAssertEqual(analyze("print(round(").signature(at: 12)?.parameters.first, "x")
    }

    func testSemanticClasses() {
        let code = "// note\nlet n = 3 /* count */\nqubit q[2]\nh q[0]\nprint(math.pi, n)\n"
        let a = analyze(code)
        let classes = a.semanticTokens().map { "\(text(a, $0.span)):\($0.kind.rawValue)" }
        XCTAssertEqual(classes, ["// note:comment", "let:keyword", "n:variable", "=:operator", "3:number", "/* count */:comment",
                                 "qubit:keyword", "q:variable", "2:number", "h:macro", "q:variable", "0:number",
                                 "print:function", "math:namespace", "pi:property", "n:variable"])
    }

    // MARK: - formatter

    func testFormatterReindentsAndSpaces() throws {
        let code = "fn f(a,b) {\n  if a>b {\n        return a\n  }\n\n\n\n  return [1,2,  3]   // keep\n}  \n\n"
        XCTAssertEqual(try Formatter.format(code), "fn f(a, b) {\n    if a>b {\n        return a\n    }\n\n    return [1, 2, 3] // keep\n}\n")
        let string = "let s = \"\"\"\n  kept   as is  \n\"\"\"\nprint(s)\n"
        XCTAssertEqual(try Formatter.format(string), string)
        let continued = "let total = 1 +\n2\nlet xs = [\n1,\n2,\n]\n"
        XCTAssertEqual(try Formatter.format(continued), "let total = 1 +\n    2\nlet xs = [\n    1,\n    2,\n]\n")
        XCTAssertThrowsError(try Formatter.format("let s = \"open"))
    }

    /// Token kinds, without where interpolated code starts (spaces before it may change).
    func kinds(_ text: String) -> [TokenKind] {
        Lexer.tokenize(Source(name: "t", text: text)).tokens.map { token in
            guard case .string(let parts) = token.kind else { return token.kind }
            return .string(parts.map { if case .code(let code, _) = $0 { return .code(code, 0) }; return $0 })
        }
    }

    /// On every golden program: formatting keeps the tokens and a second pass changes nothing.
    func testFormatterIsIdempotentAndKeepsTokensOnEveryGoldenProgram() throws {
        var formatted = 0
        for name in GoldenTests.programs() {
            let text = try XCTUnwrap(Files.readText(GoldenTests.directory + "/" + name))
            guard let once = try? Formatter.format(text) else { continue }
            XCTAssertEqual(try Formatter.format(once), once, name)
            XCTAssertEqual(kinds(text), kinds(once), name)
            formatted += 1
        }
        XCTAssertGreaterThan(formatted, 150)
    }
}
