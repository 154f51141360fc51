/// Patterns compile to matchers that test a value and, on success, bind the pattern's names.
extension Compiler {
    typealias Matcher = (Frame, Value) throws -> Bool

    func compilePattern(_ pattern: Pattern, mutable: Bool) throws -> Matcher {
        switch pattern.kind {
        case .wildcard:
            return { _, _ in true }
        case .binding(let name):
            let store = declareBinding(name, mutable: mutable, span: pattern.span)
            return { f, v in store(f, v); return true }
        case .literal(let e):
            let literal = try compileExpr(e)
            let frame = Frame.make(size: 0, parent: nil)
            let constant = try literal(frame)
            return { _, v in Operators.equal(v, constant) }
        case .range(let loExpr, let hiExpr, let inclusive):
            let frame = Frame.make(size: 0, parent: nil)
            let lo = try compileExpr(loExpr)(frame), hi = try compileExpr(hiExpr)(frame)
            return { _, v in
                guard Operators.floatValue(v) != nil else { return false }
                let aboveLow = (try? Operators.compare(v, lo)).map { $0 >= 0 } ?? false
                let belowHigh = (try? Operators.compare(v, hi)).map { inclusive ? $0 <= 0 : $0 < 0 } ?? false
                return aboveLow && belowHigh
            }
        case .tuple(let items):
            let matchers = try items.map { try compilePattern($0, mutable: mutable) }
            return { f, v in
                let elements: [Value]
                switch v {
                case .tuple(let t): elements = t
                case .list(let l): elements = l.items
                default: return false
                }
                guard elements.count == matchers.count else { return false }
                for (m, x) in zip(matchers, elements) where !(try m(f, x)) { return false }
                return true
            }
        case .list(let items, let rest, let restIndex):
            let matchers = try items.map { try compilePattern($0, mutable: mutable) }
            let restStore = rest.flatMap { $0 == "_" ? nil : declareBinding($0, mutable: mutable, span: pattern.span) }
            let split = restIndex ?? items.count
            return { f, v in
                let elements: [Value]
                switch v {
                case .list(let l): elements = l.items
                case .tuple(let t): elements = t
                default: return false
                }
                if rest == nil {
                    guard elements.count == matchers.count else { return false }
                } else {
                    guard elements.count >= matchers.count else { return false }
                }
                let tailCount = matchers.count - split
                for i in 0..<split where !(try matchers[i](f, elements[i])) { return false }
                for j in 0..<tailCount where !(try matchers[split + j](f, elements[elements.count - tailCount + j])) { return false }
                restStore?(f, .list(ListRef(Array(elements[split..<(elements.count - tailCount)]))))
                return true
            }
        case .alternatives(let options):
            let matchers = try options.map { try compilePattern($0, mutable: mutable) }
            return { f, v in
                for m in matchers where try m(f, v) { return true }
                return false
            }
        case .constructor(let name, let items, let hasPayload):
            return try compileConstructorPattern(name, items, hasPayload: hasPayload, mutable: mutable, span: pattern.span)
        }
    }

    func findCase(_ name: String, _ span: Span) throws -> EnumCase? {
        let parts = name.split(separator: ".").map(String.init)
        if parts.count == 2 {
            let type = pendingTypes[parts[0]] ?? session.lookupType(parts[0])
            guard let type else { throw error("R001", "unknown type '\(parts[0])'", span) }
            guard let c = type.cases.first(where: { $0.name == parts[1] }) else {
                throw error("R001", "enum \(parts[0]) has no case '\(parts[1])'", span,
                            help: "its cases: \(type.cases.map { $0.name }.joined(separator: ", "))")
            }
            return c
        }
        let cases = pendingEnumCases[name] ?? session.enumCases[name] ?? []
        if cases.count > 1 {
            throw error("R001", "'\(name)' is a case of several enums", span,
                        help: "name the enum: \(cases.map { "\($0.owner.name).\(name)" }.joined(separator: " or "))")
        }
        return cases.first
    }

    func compileConstructorPattern(_ name: String, _ items: [(String?, Pattern)], hasPayload: Bool, mutable: Bool, span: Span) throws -> Matcher {
        if let c = try findCase(name, span) {
            if !hasPayload && !c.fields.isEmpty {
                return { _, v in
                    if case .record(let r) = v { return r.enumCase === c }
                    return false
                }
            }
            let matchers = try fieldMatchers(items, fields: c.fields, owner: name, mutable: mutable, span: span)
            return { f, v in
                guard case .record(let r) = v, r.enumCase === c else { return false }
                for (index, m) in matchers where !(try m(f, r.fields[index])) { return false }
                return true
            }
        }
        if let type = pendingTypes[name] ?? session.lookupType(name), type.kind == .structType {
            let matchers = try fieldMatchers(items, fields: type.fields, owner: name, mutable: mutable, span: span)
            return { f, v in
                guard case .record(let r) = v, r.type === type else { return false }
                for (index, m) in matchers where !(try m(f, r.fields[index])) { return false }
                return true
            }
        }
        if !hasPayload {
            // a capitalised name that is no known case binds like any name
            return try compilePattern(Pattern(kind: .binding(name), span: span), mutable: mutable)
        }
        throw error("R001", "unknown enum case or struct '\(name)' in the pattern", span)
    }

    func fieldMatchers(_ items: [(String?, Pattern)], fields: [String], owner: String, mutable: Bool, span: Span) throws -> [(Int, Matcher)] {
        if items.count > fields.count {
            throw error("T005", "\(owner) has \(fields.count) field\(fields.count == 1 ? "" : "s") but the pattern gives \(items.count)", span)
        }
        return try items.enumerated().map { position, item in
            let index: Int
            if let label = item.0 {
                guard let i = fields.firstIndex(of: label) else {
                    throw error("T004", "\(owner) has no field '\(label)'", item.1.span, help: "fields: \(fields.joined(separator: ", "))")
                }
                index = i
            } else {
                index = position
            }
            return (index, try compilePattern(item.1, mutable: mutable))
        }
    }
}
