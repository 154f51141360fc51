/// The syntax tree the parser produces. Every node carries the span it came from.

public indirect enum TypeExpr: Sendable {
    case named(String, [TypeExpr])
    case tuple([TypeExpr])
    case function([TypeExpr], TypeExpr)
}

public struct Param: Sendable {
    public var name: String
    public var type: TypeExpr?
    public var defaultValue: Expr?
    public var span: Span
}

public struct Argument: Sendable {
    public var label: String?
    public var value: Expr
}

public struct FunctionDecl: Sendable {
    public var name: String
    public var generics: [String]
    public var params: [Param]
    public var returnType: TypeExpr?
    public var body: [Stmt]
    /// Written `fn f(x) -> expr`: the body is one expression.
    public var isExpressionBody: Bool
    public var doc: String?
    public var span: Span
}

extension FunctionDecl {
    /// `fn name(x: Int, y = …) -> T`, as help, hover and signature help show it.
    public func signature(isKernel: Bool) -> String {
        let ps = params.map { p -> String in
            var s = p.name
            if let t = p.type { s += ": " + TypeCheck.describe(t) }
            if p.defaultValue != nil { s += " = …" }
            return s
        }
        var s = "\(isKernel ? "kernel" : "fn") \(name)(\(ps.joined(separator: ", ")))"
        if let r = returnType { s += " -> " + TypeCheck.describe(r) }
        return s
    }
}

public struct StructDecl: Sendable {
    public var name: String
    public var fields: [Param]
    public var methods: [FunctionDecl]
    public var doc: String?
    public var span: Span
}

public struct EnumCaseDecl: Sendable {
    public var name: String
    public var fields: [Param]
    public var span: Span
}

public struct EnumDecl: Sendable {
    public var name: String
    public var cases: [EnumCaseDecl]
    public var methods: [FunctionDecl]
    public var doc: String?
    public var span: Span
}

public enum GateModifier: Sendable {
    case ctrl(Expr?), negctrl(Expr?), inv, pow(Expr)
}

public struct Expr: Sendable {
    public var kind: ExprKind
    public var span: Span
    public init(_ kind: ExprKind, _ span: Span) { self.kind = kind; self.span = span }
}

public indirect enum ExprKind: Sendable {
    case int(Int)
    case float(Double)
    case imaginary(Double)
    case string([InterpolationPart])
    case bool(Bool)
    case nilLiteral
    case name(String)
    case list([Expr])
    case map([(Expr, Expr)])
    case tuple([Expr])
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    case logical(String, Expr, Expr)
    case range(Expr, Expr, inclusive: Bool, step: Expr?)
    case call(Expr, [Argument])
    case member(Expr, String)
    case index(Expr, Expr)
    case lambda([Param], [Stmt], isExpressionBody: Bool)
    case ifExpr(Expr, [Stmt], [Stmt]?)
    case match(Expr, [MatchArm])
    case comprehension(Expr, Pattern, Expr, Expr?)
    case pipe(Expr, Expr)
    case measure(Expr)
    case await(Expr)
    case async(Expr)
    case block([Stmt])
}

public enum InterpolationPart: Sendable {
    case text(String)
    case expr(Expr)
}

public struct MatchArm: Sendable {
    public var pattern: Pattern
    public var guardExpr: Expr?
    public var body: Expr
}

public struct Pattern: Sendable {
    public var kind: PatternKind
    public var span: Span
}

extension Pattern {
    /// The names a match binds (alternatives bind the names of their first pattern).
    var boundNames: [String] {
        switch kind {
        case .binding(let n): return [n]
        case .tuple(let ps): return ps.flatMap { $0.boundNames }
        case .list(let ps, let rest, _): return ps.flatMap { $0.boundNames } + (rest.map { $0 == "_" ? [] : [$0] } ?? [])
        case .constructor(_, let items, _): return items.flatMap { $0.1.boundNames }
        case .alternatives(let ps): return ps.first?.boundNames ?? []
        default: return []
        }
    }
}

public indirect enum PatternKind: Sendable {
    case wildcard
    case binding(String)
    case literal(Expr)
    case range(Expr, Expr, inclusive: Bool)
    case tuple([Pattern])
    case list([Pattern], rest: String?, restIndex: Int?)
    /// `Name(p, q)`, `Type.Name(p)`, `Name(field: p)`, or a bare case name.
    case constructor(String, [(String?, Pattern)], hasPayload: Bool)
    case alternatives([Pattern])
}

public struct Stmt: Sendable {
    public var kind: StmtKind
    public var span: Span
    /// The statement ended with `;` (a final expression then shows no result).
    public var endsWithSemicolon = false
    public init(_ kind: StmtKind, _ span: Span) { self.kind = kind; self.span = span }
}

public indirect enum StmtKind: Sendable {
    case expression(Expr)
    case binding(Pattern, TypeExpr?, Expr, mutable: Bool)
    case assign(Expr, String, Expr)   // target, operator ("=", "+=", ...), value
    case function(FunctionDecl)
    case kernel(FunctionDecl)
    case structDecl(StructDecl)
    case enumDecl(EnumDecl)
    case whileLoop(Expr, [Stmt])
    case forLoop(Pattern, Expr, [Stmt])
    case breakStmt
    case continueStmt
    case returnStmt(Expr?)
    case throwStmt(Expr)
    case tryCatch([Stmt], String?, [Stmt])
    case assert(Expr, Expr?)
    case importModule(String, alias: String?)
    case attribute(String)
    case qubitDecl(String, Expr?)
    case gate(name: String, nameSpan: Span, params: [Expr], modifiers: [GateModifier], operands: [Expr])
    case measureInto(Expr, String)
    case reset([Expr])
    case barrier([Expr])
    case release([Expr])
}
