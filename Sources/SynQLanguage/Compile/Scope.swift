/// Compile-time scopes: which slot each name lives in.
struct Local {
    var slot: Int
    var mutable: Bool
}

/// One function (or the cell itself): a stack of block scopes sharing the frame's slots.
final class FunctionScope {
    let parent: FunctionScope?
    var blocks: [[String: Local]] = [[:]]
    var slotCount = 0
    let isCell: Bool
    let isFunction: Bool
    let isKernel: Bool
    var loopDepth = 0

    init(parent: FunctionScope?, isCell: Bool, isFunction: Bool, isKernel: Bool = false) {
        self.parent = parent
        self.isCell = isCell
        self.isFunction = isFunction
        self.isKernel = isKernel
    }

    /// Top-level statements of a cell bind session globals rather than frame slots.
    var atCellTopLevel: Bool { isCell && blocks.count == 1 }

    func declare(_ name: String, mutable: Bool) -> Int {
        let slot = slotCount
        slotCount += 1
        blocks[blocks.count - 1][name] = Local(slot: slot, mutable: mutable)
        return slot
    }

    func lookup(_ name: String) -> Local? {
        for block in blocks.reversed() { if let l = block[name] { return l } }
        return nil
    }
}

/// Where a name resolved to.
enum Resolved {
    case local(depth: Int, slot: Int, mutable: Bool)
    case global(slot: Int, mutable: Bool)
    case constant(Value)
}

/// Edit distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var row = Array(0...y.count)
    for i in 1...x.count {
        var prev = row[0]
        row[0] = i
        for j in 1...y.count {
            let cur = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (x[i - 1] == y[j - 1] ? 0 : 1))
            prev = cur
        }
    }
    return row[y.count]
}

/// The closest candidate within a small distance, for a "did you mean" hint.
public func suggestion(for name: String, among candidates: [String]) -> String? {
    var best: (String, Int)? = nil
    for c in candidates {
        let d = editDistance(name.lowercased(), c.lowercased())
        if d <= max(1, name.count / 3), best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}
