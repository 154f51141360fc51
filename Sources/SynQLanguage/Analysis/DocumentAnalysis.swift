import QuantumKit

/// What an editor needs to know of one SynQ text without running it: its tokens and comments,
/// the first syntax or resolution error (the parser and the compiler stop at the first one),
/// register indices that are out of range where the register's size is a literal, and the
/// symbol index. The text is compiled in dry-run mode against `session`, whose library (and,
/// in a kernel, whose bindings) supply the names the text does not declare.
public final class DocumentAnalysis {
    public let source: Source
    public let lexed: Lexer.Result
    /// Nil when the text does not parse.
    public let program: [Stmt]?
    public let diagnostics: [Diagnostic]
    /// Empty when the text does not parse.
    public let index: SymbolIndex
    let session: Session
    /// Analyses of this text with one unfinished line left out, by line (see `usableAnalysis`).
    var repairs: [Int: DocumentAnalysis] = [:]

    /// `resolving: false` skips the dry-run compile and the register checks (no diagnostics
    /// beyond syntax): enough for the index that completion needs while a line is unfinished.
    public init(text: String, name: String, session: Session, resolving: Bool = true) {
        let source = Source(name: name, text: Parser.blankingMagicLines(text))
        self.source = source
        self.session = session
        lexed = Lexer.tokenize(source)
        var diagnostics = lexed.diagnostics.prefix(1).map { $0 }
        var program: [Stmt]? = nil
        if diagnostics.isEmpty {
            var parser = Parser(source: source, tokens: lexed.tokens)
            do { program = try parser.parseProgram() } catch let failure as Parser.Failure { diagnostics.append(failure.diagnostic) } catch {}
        }
        index = SymbolIndex(program: program ?? [], source: source, tokens: lexed.tokens)
        if let program, resolving {
            do {
                _ = try Compiler(session: session, source: source, dryRun: true).compileCell(program)
            } catch let d as Diagnostic {
                diagnostics.append(d)
            } catch let e as SynQError {
                diagnostics.append(Diagnostic(e.code, e.message, at: e.span ?? .none, help: e.help, source: source))
            } catch {}
            diagnostics += DocumentAnalysis.registerIndexErrors(program, index: index, source: source)
        }
        self.program = program
        self.diagnostics = diagnostics
    }

    // MARK: - quantum shapes

    /// `q[5]` on a register declared `qubit q[3]`: the error the run would raise, found early.
    static func registerIndexErrors(_ program: [Stmt], index: SymbolIndex, source: Source) -> [Diagnostic] {
        var out: [Diagnostic] = []
        func check(_ e: Expr) {
            guard case .index(let base, let position) = e.kind, case .name(let name) = base.kind,
                  case .int(let k) = position.kind, let occurrence = index.occurrence(at: base.span.start),
                  occurrence.span == base.span else { return }
            let symbol = index.symbols[occurrence.symbol]
            guard symbol.kind == .register, let size = symbol.registerSize, k >= size || k < -size else { return }
            out.append(Diagnostic("Q001", "index \(k) is out of range for register \(name)[\(size)]", at: e.span,
                                  help: "valid indices are 0 to \(size - 1)", source: source))
        }
        func visit(_ stmts: [Stmt]) {
            for stmt in stmts {
                switch stmt.kind {
                case .gate(_, _, _, _, let operands): operands.forEach(check)
                case .measureInto(let target, _): check(target)
                case .reset(let es), .barrier(let es): es.forEach(check)
                case .expression(let e): visit(e)
                case .binding(_, _, let e, _): visit(e)
                case .function(let d), .kernel(let d): visit(d.body)
                case .structDecl(let d): d.methods.forEach { visit($0.body) }
                case .enumDecl(let d): d.methods.forEach { visit($0.body) }
                case .whileLoop(_, let body), .forLoop(_, _, let body): visit(body)
                case .tryCatch(let a, _, let b): visit(a); visit(b)
                default: break
                }
            }
        }
        func visit(_ e: Expr) {
            switch e.kind {
            case .measure(let target): check(target)
            case .ifExpr(_, let a, let b): visit(a); b.map(visit)
            case .block(let stmts), .lambda(_, let stmts, _): visit(stmts)
            case .match(_, let arms): arms.forEach { visit($0.body) }
            default: break
            }
        }
        visit(program)
        return out
    }
}
