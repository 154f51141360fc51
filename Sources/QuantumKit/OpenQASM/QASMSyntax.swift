/// The syntax tree of the OpenQASM subset SynQ reads. Every node keeps the token where it
/// starts, so the importer can name the line of anything it rejects.
indirect enum QASMExpr {
    case integer(Int, QASMToken)
    case real(Double, QASMToken)
    case identifier(String, QASMToken)
    case index(QASMExpr, QASMExpr, QASMToken)
    case unary(String, QASMExpr, QASMToken)
    case binary(String, QASMExpr, QASMExpr, QASMToken)
    case call(String, [QASMExpr], QASMToken)

    var token: QASMToken {
        switch self {
        case .integer(_, let t), .real(_, let t), .identifier(_, let t), .index(_, _, let t),
             .unary(_, _, let t), .binary(_, _, _, let t), .call(_, _, let t): return t
        }
    }
}

/// A qubit or bit operand: a whole register `q` or one element `q[i]`.
struct QASMOperand {
    let name: String
    let index: QASMExpr?
    let token: QASMToken
}

enum QASMModifier {
    case inv
    case pow(QASMExpr)
    case ctrl(QASMExpr?, negative: Bool)
}

struct QASMGateCall {
    let modifiers: [QASMModifier]
    let name: String
    let arguments: [QASMExpr]
    let operands: [QASMOperand]
    let token: QASMToken
}

enum QASMLoopRange {
    case range(start: QASMExpr, step: QASMExpr?, end: QASMExpr)
    case set([QASMExpr])
}

indirect enum QASMStatement {
    case include(String, QASMToken)
    case quantumDeclaration(name: String, size: QASMExpr?, QASMToken)
    /// `bit[2] c = measure q;` declares and measures at once.
    case classicalDeclaration(name: String, size: QASMExpr?, measuring: QASMOperand?, QASMToken)
    case constant(name: String, value: QASMExpr, QASMToken)
    case input(name: String, QASMToken)
    case gateDefinition(name: String, parameters: [String], qubits: [String], body: [QASMStatement], QASMToken)
    case gateCall(QASMGateCall)
    case measure(QASMOperand, into: QASMOperand?, QASMToken)
    case reset(QASMOperand, QASMToken)
    case barrier([QASMOperand], QASMToken)
    case conditional(QASMExpr, then: [QASMStatement], otherwise: [QASMStatement]?, QASMToken)
    case loop(variable: String, QASMLoopRange, body: [QASMStatement], QASMToken)
}

struct QASMProgram {
    var version: Int
    var statements: [QASMStatement]
    /// One more than the highest physical qubit (`$3`) the program names, or 0.
    var physicalQubits: Int
}
