/// Recursive-descent parser for OpenQASM 2.0 and the OpenQASM 3 subset of docs/qasm.md.
/// A construct outside that subset stops the parse with an error naming it and its line.
struct QASMParser {
    private var tokens: [QASMToken]
    private var position = 0
    private var physicalQubits = 0

    static func parse(_ text: String) throws -> QASMProgram {
        var parser = QASMParser(tokens: try QASMLexer.tokens(text))
        return try parser.program()
    }

    private init(tokens: [QASMToken]) { self.tokens = tokens }

    /// Keywords of OpenQASM 3 that SynQ does not read, with the construct each one starts.
    static let unsupportedKeywords: [String: String] = [
        "opaque": "opaque gate declarations", "while": "while loops", "def": "subroutine definitions (def)",
        "extern": "extern declarations", "defcal": "calibration (defcal) blocks", "cal": "calibration (cal) blocks",
        "defcalgrammar": "calibration grammars", "box": "box blocks", "delay": "delay instructions",
        "output": "output declarations", "return": "return statements", "break": "break statements",
        "continue": "continue statements", "switch": "switch statements", "let": "register aliases (let)",
        "duration": "duration values", "stretch": "stretch values", "array": "arrays", "complex": "complex values",
        "end": "end statements", "pragma": "pragmas", "durationof": "durationof",
    ]

    static let classicalTypes: Set<String> = ["int", "uint", "float", "angle", "bool"]

    // MARK: tokens

    private var current: QASMToken { tokens[position] }
    private func peek(_ k: Int) -> QASMToken { tokens[min(position + k, tokens.count - 1)] }

    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol && current.text == s }
    private func isWord(_ s: String) -> Bool { current.kind == .identifier && current.text == s }

    @discardableResult
    private mutating func advance() -> QASMToken {
        let t = current
        if t.kind != .end { position += 1 }
        return t
    }

    private mutating func accept(_ s: String) -> Bool {
        if isSymbol(s) { advance(); return true }
        return false
    }

    @discardableResult
    private mutating func expect(_ s: String, _ what: String) throws -> QASMToken {
        guard isSymbol(s) else { throw QASMError("QASM002", "expected '\(s)' \(what), found \(describe(current))", at: current) }
        return advance()
    }

    private mutating func identifier(_ what: String) throws -> QASMToken {
        guard current.kind == .identifier else { throw QASMError("QASM002", "expected \(what), found \(describe(current))", at: current) }
        return advance()
    }

    private func describe(_ t: QASMToken) -> String { t.kind == .end ? "the end of the text" : "'\(t.text)'" }

    // MARK: program

    private mutating func program() throws -> QASMProgram {
        var version = 3
        if isWord("OPENQASM") {
            let t = advance()
            guard current.kind == .real || current.kind == .integer else {
                throw QASMError("QASM002", "expected a version number after OPENQASM", at: current)
            }
            let number = advance()
            guard let v = Double(number.text), v == 2 || v == 3 else {
                throw QASMError("QASM003", "OpenQASM \(number.text) is not supported; SynQ reads 2.0 and 3", at: t)
            }
            version = Int(v)
            try expect(";", "after the version")
        }
        var statements: [QASMStatement] = []
        while current.kind != .end { statements.append(try statement()) }
        return QASMProgram(version: version, statements: statements, physicalQubits: physicalQubits)
    }

    private mutating func block() throws -> [QASMStatement] {
        guard accept("{") else { return [try statement()] }
        var body: [QASMStatement] = []
        while !isSymbol("}") {
            guard current.kind != .end else { throw QASMError("QASM002", "a block is never closed with '}'", at: current) }
            body.append(try statement())
        }
        advance()
        return body
    }

    private mutating func statement() throws -> QASMStatement {
        let t = current
        guard t.kind == .identifier else {
            throw QASMError("QASM002", "expected a statement, found \(describe(t))", at: t)
        }
        if let construct = QASMParser.unsupportedKeywords[t.text] {
            throw QASMError("QASM010", "\(construct) are not supported", at: t)
        }
        switch t.text {
        case "include":
            advance()
            guard current.kind == .string else { throw QASMError("QASM002", "expected a file name in quotes after include", at: current) }
            let path = String(advance().text.dropFirst().dropLast())
            try expect(";", "after the include")
            return .include(path, t)
        case "qreg", "creg":
            advance()
            let name = try identifier("a register name")
            var size: QASMExpr? = nil
            if accept("[") { size = try expression(); try expect("]", "after the register size") }
            try expect(";", "after the declaration")
            return t.text == "qreg" ? .quantumDeclaration(name: name.text, size: size, t) : .classicalDeclaration(name: name.text, size: size, measuring: nil, t)
        case "qubit", "bit":
            advance()
            var size: QASMExpr? = nil
            if accept("[") { size = try expression(); try expect("]", "after the register size") }
            let name = try identifier("a register name")
            if t.text == "bit", accept("=") {
                let measureToken = try identifier("measure")
                guard measureToken.text == "measure" else { throw QASMError("QASM010", "a bit may only be initialised by measure", at: measureToken) }
                let source = try operand()
                try expect(";", "after the measurement")
                return .classicalDeclaration(name: name.text, size: size, measuring: source, t)
            }
            try expect(";", "after the declaration")
            return t.text == "qubit" ? .quantumDeclaration(name: name.text, size: size, t) : .classicalDeclaration(name: name.text, size: size, measuring: nil, t)
        case "const":
            advance()
            _ = try classicalType()
            let name = try identifier("a constant name")
            try expect("=", "in a constant declaration")
            let value = try expression()
            try expect(";", "after the constant")
            return .constant(name: name.text, value: value, t)
        case "input":
            advance()
            let type = try classicalType()
            guard type == "float" || type == "angle" else {
                throw QASMError("QASM010", "input \(type) is not supported: circuit parameters are input float or input angle", at: t)
            }
            let name = try identifier("a parameter name")
            try expect(";", "after the input")
            return .input(name: name.text, t)
        case _ where QASMParser.classicalTypes.contains(t.text):
            _ = try classicalType()
            let name = try identifier("a variable name")
            guard accept("=") else {
                throw QASMError("QASM010", "classical variables without a value are not supported; give \(name.text) a value", at: name)
            }
            let value = try expression()
            try expect(";", "after the declaration")
            return .constant(name: name.text, value: value, t)
        case "gate":
            advance()
            let name = try identifier("a gate name")
            var parameters: [String] = []
            if accept("(") {
                if !isSymbol(")") {
                    repeat { parameters.append(try identifier("a parameter name").text) } while accept(",")
                }
                try expect(")", "after the gate parameters")
            }
            var qubits: [String] = []
            repeat { qubits.append(try identifier("a qubit argument").text) } while accept(",")
            guard isSymbol("{") else { throw QASMError("QASM002", "expected '{' to start the body of gate \(name.text)", at: current) }
            let body = try block()
            return .gateDefinition(name: name.text, parameters: parameters, qubits: qubits, body: body, name)
        case "measure":
            advance()
            let source = try operand()
            var target: QASMOperand? = nil
            if accept("->") { target = try operand() }
            try expect(";", "after the measurement")
            return .measure(source, into: target, t)
        case "reset":
            advance()
            let target = try operand()
            try expect(";", "after reset")
            return .reset(target, t)
        case "barrier":
            advance()
            var targets: [QASMOperand] = []
            if !isSymbol(";") { repeat { targets.append(try operand()) } while accept(",") }
            try expect(";", "after barrier")
            return .barrier(targets, t)
        case "if":
            advance()
            try expect("(", "after if")
            let condition = try expression()
            try expect(")", "after the condition")
            let then = try block()
            var otherwise: [QASMStatement]? = nil
            if isWord("else") { advance(); otherwise = try block() }
            return .conditional(condition, then: then, otherwise: otherwise, t)
        case "for":
            advance()
            if QASMParser.classicalTypes.contains(current.text) { _ = try classicalType() }
            let variable = try identifier("a loop variable")
            guard isWord("in") else { throw QASMError("QASM002", "expected 'in' after the loop variable", at: current) }
            advance()
            let range: QASMLoopRange
            if accept("[") {
                let start = try expression()
                try expect(":", "in the loop range")
                let second = try expression()
                if accept(":") {
                    let end = try expression()
                    range = .range(start: start, step: second, end: end)
                } else {
                    range = .range(start: start, step: nil, end: second)
                }
                try expect("]", "after the loop range")
            } else if accept("{") {
                var values: [QASMExpr] = []
                repeat { values.append(try expression()) } while accept(",")
                try expect("}", "after the loop values")
                range = .set(values)
            } else {
                throw QASMError("QASM010", "loops over \(describe(current)) are not supported: loop over [a:b], [a:step:b] or {values}", at: current)
            }
            return .loop(variable: variable.text, range, body: try block(), t)
        default:
            if peek(1).kind == .symbol && (peek(1).text == "=" || peek(1).text == "[") { return try assignment() }
            return .gateCall(try gateCall())
        }
    }

    private mutating func classicalType() throws -> String {
        let t = try identifier("a type")
        guard QASMParser.classicalTypes.contains(t.text) else {
            throw QASMError("QASM010", "the type \(t.text) is not supported", at: t)
        }
        if accept("[") { _ = try expression(); try expect("]", "after the type width") }
        return t.text
    }

    /// `c = measure q;` or `c[0] = measure q[0];`: the only assignments SynQ reads.
    private mutating func assignment() throws -> QASMStatement {
        let target = try operand()
        guard accept("=") else {
            throw QASMError("QASM010", "only measurements may be assigned (c[0] = measure q[0])", at: current)
        }
        guard isWord("measure") else {
            throw QASMError("QASM010", "classical assignments other than measure are not supported", at: current)
        }
        let t = advance()
        let source = try operand()
        try expect(";", "after the measurement")
        return .measure(source, into: target, t)
    }

    private mutating func gateCall() throws -> QASMGateCall {
        let start = current
        var modifiers: [QASMModifier] = []
        while current.kind == .identifier, ["inv", "pow", "ctrl", "negctrl"].contains(current.text),
              peek(1).kind == .symbol, peek(1).text == "@" || peek(1).text == "(" {
            let word = advance().text
            switch word {
            case "inv": modifiers.append(.inv)
            case "pow":
                try expect("(", "after pow")
                modifiers.append(.pow(try expression()))
                try expect(")", "after the power")
            default:
                var count: QASMExpr? = nil
                if accept("(") { count = try expression(); try expect(")", "after the control count") }
                modifiers.append(.ctrl(count, negative: word == "negctrl"))
            }
            try expect("@", "after the modifier")
        }
        let name = try identifier("a gate name")
        var arguments: [QASMExpr] = []
        if accept("(") {
            if !isSymbol(")") { repeat { arguments.append(try expression()) } while accept(",") }
            try expect(")", "after the gate arguments")
        }
        var operands: [QASMOperand] = []
        if !isSymbol(";") { repeat { operands.append(try operand()) } while accept(",") }
        try expect(";", "after the gate operands")
        return QASMGateCall(modifiers: modifiers, name: name.text, arguments: arguments, operands: operands,
                            token: modifiers.isEmpty ? name : start)
    }

    private mutating func operand() throws -> QASMOperand {
        let name = try identifier("a qubit or bit")
        if name.text.hasPrefix("$"), let k = Int(name.text.dropFirst()) { physicalQubits = max(physicalQubits, k + 1) }
        var index: QASMExpr? = nil
        if accept("[") {
            index = try expression()
            if isSymbol(":") || isSymbol(",") {
                throw QASMError("QASM010", "register slices and index lists are not supported; index one element at a time", at: current)
            }
            try expect("]", "after the index")
        }
        return QASMOperand(name: name.text, index: index, token: name)
    }

    // MARK: expressions

    private static let binaryLevels: [[String]] = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]]

    mutating func expression() throws -> QASMExpr { try binary(0) }

    private mutating func binary(_ level: Int) throws -> QASMExpr {
        guard level < QASMParser.binaryLevels.count else { return try unary() }
        var left = try binary(level + 1)
        while current.kind == .symbol, QASMParser.binaryLevels[level].contains(current.text) {
            let op = advance()
            left = .binary(op.text, left, try binary(level + 1), op)
        }
        return left
    }

    private mutating func unary() throws -> QASMExpr {
        if current.kind == .symbol, ["-", "!", "~", "+"].contains(current.text) {
            let op = advance()
            return .unary(op.text, try unary(), op)
        }
        return try power()
    }

    private mutating func power() throws -> QASMExpr {
        let base = try postfix()
        if isSymbol("**") || isSymbol("^") {
            let op = advance()
            return .binary("**", base, try unary(), op)
        }
        return base
    }

    private mutating func postfix() throws -> QASMExpr {
        var e = try primary()
        while isSymbol("[") {
            let t = advance()
            let index = try expression()
            try expect("]", "after the index")
            e = .index(e, index, t)
        }
        return e
    }

    private mutating func primary() throws -> QASMExpr {
        let t = current
        switch t.kind {
        case .integer:
            advance()
            guard let v = Int(t.text.replacingUnderscores()) else { throw QASMError("QASM004", "the integer \(t.text) is too large", at: t) }
            return .integer(v, t)
        case .real:
            advance()
            return .real(Double(t.text.replacingUnderscores()) ?? .nan, t)
        case .identifier:
            advance()
            if accept("(") {
                var arguments: [QASMExpr] = []
                if !isSymbol(")") { repeat { arguments.append(try expression()) } while accept(",") }
                try expect(")", "after the function arguments")
                return .call(t.text, arguments, t)
            }
            return .identifier(t.text, t)
        case .symbol where t.text == "(":
            advance()
            let e = try expression()
            try expect(")", "to close the parenthesis")
            return e
        default:
            throw QASMError("QASM002", "expected an expression, found \(describe(t))", at: t)
        }
    }
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
