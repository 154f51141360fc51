import XCTest
@testable import SynQLanguage

final class LexerTests: XCTestCase {
    func kinds(_ text: String) -> [TokenKind] { Lexer.tokenize(Source(name: "t", text: text)).tokens.map { $0.kind } }

    func testNumbersStringsAndSymbols() {
        XCTAssertEqual(kinds("x = 0xff + 1_000 * .5 ** 2i"), [
            .identifier("x"), .symbol("="), .int(255), .symbol("+"), .int(1000), .symbol("*"), .float(0.5),
            .symbol("**"), .imaginary(2), .newline, .eof,
        ])
        XCTAssertEqual(kinds("0..=10"), [.int(0), .symbol("..="), .int(10), .newline, .eof])
        XCTAssertEqual(kinds("t.0"), [.identifier("t"), .symbol("."), .int(0), .newline, .eof])
    }

    func testNewlinesInsideBracketsAndAfterOperatorsDoNotEndStatements() {
        XCTAssertEqual(kinds("f(1,\n2)\n"), [.identifier("f"), .symbol("("), .int(1), .symbol(","), .int(2), .symbol(")"), .newline, .newline, .eof])
        XCTAssertEqual(kinds("1 +\n2"), [.int(1), .symbol("+"), .int(2), .newline, .eof])
        XCTAssertEqual(kinds("{\na\n}"), [.symbol("{"), .newline, .identifier("a"), .newline, .symbol("}"), .newline, .eof])
    }

    func testSpansAreScalarOffsets() {
        let tokens = Lexer.tokenize(Source(name: "t", text: "γ = \"é\"")).tokens
        XCTAssertEqual(tokens[0].span, Span(0, 1))
        XCTAssertEqual(tokens[1].span, Span(2, 3))
        XCTAssertEqual(tokens[2].span, Span(4, 7))
    }

    func testInterpolationKeepsTheExpressionOffset() {
        let tokens = Lexer.tokenize(Source(name: "t", text: "\"a\\(x + 1)b\"")).tokens
        XCTAssertEqual(tokens[0].kind, .string([.text("a"), .code("x + 1", 4), .text("b")]))
    }

    func testDocCommentsAttachToTheNextToken() {
        let tokens = Lexer.tokenize(Source(name: "t", text: "/// Adds.\n/// Twice.\nfn f() {}")).tokens
        XCTAssertEqual(tokens.first { $0.kind == .keyword(.fn) }?.doc, "Adds.\nTwice.")
    }

    func testUnterminatedThingsAreIncomplete() {
        for text in ["\"abc", "/* x", "f(1, 2", "[1", "\"\"\"\nabc"] {
            XCTAssertTrue(Lexer.tokenize(Source(name: "t", text: text)).endsIncomplete, text)
        }
    }
}

final class ParserTests: XCTestCase {
    func diagnostic(_ text: String) -> Diagnostic? {
        do { _ = try Parser.parse(Source(name: "cell[4]", text: text)); return nil } catch { return error as? Diagnostic }
    }

    func testCaretRenderingMatchesTheSpecification() {
        let d = diagnostic("qubit q[2]\ncx q[0]")
        XCTAssertNil(d, "a wrong operand count is found by the compiler, not the parser")
        let p = diagnostic("let x = (1 +\n")
        XCTAssertEqual(p?.code, "P004")
        let e = diagnostic("let x = 5 5")!
        XCTAssertEqual(e.render(), """
        cell[4]:1:11: error[SYNQ-P001]: expected the end of the statement but found '5'
            let x = 5 5
                      ^
          help: put one statement on each line, or separate them with ';'
        """)
        XCTAssertEqual(e.line, 1)
        XCTAssertEqual(e.column, 11)
    }

    func testEveryStatementFormParses() throws {
        let program = """
        #[experimental(feature = "quantum")]
        let (a, b) = (1, 2); var c: Int = 3; set c = c + 1
        fn f<T>(x: List<T>, y = 2) -> T { x[0] }
        fn g(x) -> x * 2
        kernel k(theta: angle, qubit t) { quantum rz(theta) t }
        struct P { x: Float, y: Float = 0.0
          fn norm(self) -> Float { sqrt(self.x ** 2) } }
        enum S { A(r: Float), B, C(Int, Int) }
        while c > 0 { c -= 1 }
        while c < 3 do c += 1
        for (i, x) in enumerate([1]) { if i == 0 then print(x) else print(-x) }
        match c { 0 | 1 => 1, 2..5 => 2, (p, _) => p, [h, ..rest] => h, S.A(r) if r > 1 => r, _ => 0 }
        try { throw error("x") } catch err { print(err.message) }
        assert c > 0, "positive"
        import stats as s
        qubit q[2]; h q; ctrl @ rz(0.3) q[0], q[1]; pow(2) @ x q[0]; inv @ s q[1]
        let m = measure q[0]; measure q[1] as m2; reset q[0]; barrier q; release q
        call k(1.0, q[0])
        [x * x for x in 0..10 if x % 2 == 0] |> sum
        let h2 = |f, x| f(f(x))
        """
        let stmts = try Parser.parse(Source(name: "all", text: program))
        XCTAssertEqual(stmts.count, 29)
    }

    func testIsCompleteAnswers() {
        XCTAssertEqual(Parser.isComplete("1 + 1"), .complete)
        XCTAssertEqual(Parser.isComplete("fn f() {"), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.isComplete("fn f() {\n  if x {"), .incomplete(indent: "        "))
        XCTAssertEqual(Parser.isComplete("print(1,"), .incomplete(indent: ""))
        XCTAssertEqual(Parser.isComplete("let x = 1 +"), .incomplete(indent: "    "))
        XCTAssertEqual(Parser.isComplete("let s = \"abc"), .incomplete(indent: ""))
        XCTAssertEqual(Parser.isComplete("let = 5"), .invalid)
        XCTAssertEqual(Parser.isComplete("print(1))"), .invalid)
    }
}
