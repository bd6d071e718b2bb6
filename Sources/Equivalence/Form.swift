/// The semantic shape of an answer, compared structurally with scalar leaves (internal).
indirect enum Form: Sendable {
    case scalar(Scalar)
    case tuple([Form], open: UInt8, close: UInt8)
    case set([Form])
    case union([Form])
    case matrix(rows: Int, cols: Int, cells: [Form])
    /// label = value (e.g. x = 3); the equation (label - value) is kept when both sides are expressions; name is
    /// the label's canonical text when it names something (a variable, f(x), |AB|), nil for a description in words.
    case labelled(value: Form, equation: Scalar?, name: String?)
    /// A clock time, in seconds since midnight; a bare `H:MM` also keeps its reading as a ratio.
    case time(seconds: Int, ratio: Form?)
    case equation(Scalar)
    case inequality([Inequality], interval: Form?)
    case text(String)
    case raw(String)

    /// A key such that equal keys imply equivalence (nil when none is safe).
    var key: String? {
        switch self {
        case .scalar(let s): return s.key
        case .tuple(let xs, let o, let c):
            var parts: [String] = []
            for x in xs { guard let k = x.key else { return nil }; parts.append(k) }
            return "T" + String(o) + "(" + parts.joined(separator: "|") + ")" + String(c)
        case .set(let xs), .union(let xs):
            var parts = Set<String>()
            for x in xs { guard let k = x.key else { return nil }; parts.insert(k) }
            if parts.count == 1, let only = parts.first { return only }
            if parts.isEmpty { return xs.isEmpty ? "E{}" : nil }
            if case .union = self { return "U{" + parts.sorted().joined(separator: "|") + "}" }
            return "S{" + parts.sorted().joined(separator: "|") + "}"
        case .matrix(let r, let c, let cells):
            var parts: [String] = []
            for x in cells { guard let k = x.key else { return nil }; parts.append(k) }
            return "M\(r)x\(c)[" + parts.joined(separator: "|") + "]"
        case .labelled(let v, _, let name):
            // Equal keys must mean equivalent answers. A bare value matches `name = value` for any name, but
            // two names do not match each other, so only one name may share the bare value's key: `x`, the
            // usual unknown (`x = 3` keys as 3, `y = 3` as "Ly=" + key of 3).
            guard let k = v.key else { return nil }
            guard let name, name != "x" else { return k }
            return "L" + name + "=" + k
        case .time(let s, _): return "H" + String(s)
        case .equation, .inequality: return nil
        case .text(let s): return "X" + s
        case .raw(let s): return s.hasPrefix("\u{1}") ? nil : "R" + s
        }
    }

    private var collectionElements: [Form]? {
        switch self {
        case .set(let xs), .union(let xs): return xs
        default: return nil
        }
    }

    private var isInequality: Bool { if case .inequality = self { return true } else { return false } }

    /// Symmetric structural equivalence.
    static func equal(_ a: Form, _ b: Form, _ depth: Int = 0) -> Bool {
        if depth > EquivalenceLimits.formComparisonDepth { return false }
        let d = depth + 1
        switch (a, b) {
        case (.labelled(let v1, let e1, let n1), .labelled(let v2, let e2, let n2)):
            // Two names must be the same name (x = 2 is not y = 2), unless the equations are the same relation.
            if n1 == nil || n2 == nil || n1 == n2, equal(v1, v2, d) { return true }
            if let e1, let e2 { return Scalar.proportional(e1, e2, positive: false) }
            return false
        case (.labelled(_, let e, _), .equation(let g)), (.equation(let g), .labelled(_, let e, _)):
            guard let e else { return false }
            return Scalar.proportional(e, g, positive: false)
        case (.labelled(let v, _, _), _):
            return b.isInequality ? false : equal(v, b, d)
        case (_, .labelled(let v, _, _)):
            return a.isInequality ? false : equal(a, v, d)
        default: break
        }
        // A condition on one variable is the set it describes (`|x| \le 4` is [-4, 4]).
        if case .inequality(_, let iv?) = a, !b.isInequality { return equal(iv, b, d) }
        if case .inequality(_, let iv?) = b, !a.isInequality { return equal(a, iv, d) }
        let ea = a.collectionElements
        let eb = b.collectionElements
        if let xs = ea, eb == nil { return !xs.isEmpty && xs.allSatisfy { equal($0, b, d) } }
        if let ys = eb, ea == nil { return !ys.isEmpty && ys.allSatisfy { equal(a, $0, d) } }
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return Scalar.equal(x, y)
        case (.tuple(let xs, let o1, let c1), .tuple(let ys, let o2, let c2)):
            return o1 == o2 && c1 == c2 && xs.count == ys.count && zip(xs, ys).allSatisfy { equal($0, $1, d) }
        case (.set(let xs), .set(let ys)), (.union(let xs), .union(let ys)), (.set(let xs), .union(let ys)), (.union(let xs), .set(let ys)):
            return matchAll(xs, ys, d) && matchAll(ys, xs, d)
        case (.matrix(let r1, let c1, let x1), .matrix(let r2, let c2, let x2)):
            return r1 == r2 && c1 == c2 && zip(x1, x2).allSatisfy { equal($0, $1, d) }
        // A column vector is the tuple of its entries (a row vector is not: it is not the column).
        case (.matrix(let rows, 1, let cells), .tuple(let xs, ASCII.openParen, ASCII.closeParen)),
             (.tuple(let xs, ASCII.openParen, ASCII.closeParen), .matrix(let rows, 1, let cells)):
            return rows >= 2 && rows == xs.count && zip(cells, xs).allSatisfy { equal($0, $1, d) }
        case (.equation(let f), .equation(let g)): return Scalar.proportional(f, g, positive: false)
        case (.inequality(let xs, _), .inequality(let ys, _)):
            return xs.count == ys.count && xs.allSatisfy { x in ys.contains { Inequality.equal(x, $0) } }
                && ys.allSatisfy { y in xs.contains { Inequality.equal($0, y) } }
        case (.text(let x), .text(let y)): return x == y
        case (.time(let x, _), .time(let y, _)): return x == y
        case (.time(_, let r?), .tuple(_, ASCII.colon, ASCII.colon)): return equal(r, b, d)
        case (.tuple(_, ASCII.colon, ASCII.colon), .time(_, let r?)): return equal(a, r, d)
        case (.raw(let x), .raw(let y)): return x == y && !x.hasPrefix("\u{1}")
        default: return false
        }
    }

    private static func matchAll(_ xs: [Form], _ ys: [Form], _ d: Int) -> Bool {
        if xs.count * ys.count > EquivalenceLimits.setComparisons { return false }
        return xs.allSatisfy { x in ys.contains { equal(x, $0, d) } }
    }
}
