/// The semantic shape of an answer, compared structurally with scalar leaves (internal).
indirect enum Form: Sendable {
    case scalar(Scalar)
    case tuple([Form], open: UInt8, close: UInt8)
    case set([Form])
    case union([Form])
    case matrix(rows: Int, cols: Int, cells: [Form])
    /// label = value (e.g. x = 3); the equation (label - value) is kept when both sides are expressions.
    case labelled(value: Form, equation: Scalar?)
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
        case .labelled(let v, _): return v.key
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
        case (.labelled(let v1, let e1), .labelled(let v2, let e2)):
            if equal(v1, v2, d) { return true }
            if let e1, let e2 { return Scalar.proportional(e1, e2, positive: false) }
            return false
        case (.labelled(_, let e), .equation(let g)), (.equation(let g), .labelled(_, let e)):
            guard let e else { return false }
            return Scalar.proportional(e, g, positive: false)
        case (.labelled(let v, _), _):
            return b.isInequality ? false : equal(v, b, d)
        case (_, .labelled(let v, _)):
            return a.isInequality ? false : equal(a, v, d)
        default: break
        }
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
        case (.equation(let f), .equation(let g)): return Scalar.proportional(f, g, positive: false)
        case (.inequality(let xs, _), .inequality(let ys, _)):
            return xs.count == ys.count && xs.allSatisfy { x in ys.contains { Inequality.equal(x, $0) } }
                && ys.allSatisfy { y in xs.contains { Inequality.equal($0, y) } }
        case (.tuple, .inequality(_, let iv)):
            guard let iv else { return false }
            return equal(a, iv, d)
        case (.inequality(_, let iv), .tuple):
            guard let iv else { return false }
            return equal(iv, b, d)
        case (.text(let x), .text(let y)): return x == y
        case (.raw(let x), .raw(let y)): return x == y && !x.hasPrefix("\u{1}")
        default: return false
        }
    }

    private static func matchAll(_ xs: [Form], _ ys: [Form], _ d: Int) -> Bool {
        if xs.count * ys.count > EquivalenceLimits.setComparisons { return false }
        return xs.allSatisfy { x in ys.contains { equal(x, $0, d) } }
    }
}
