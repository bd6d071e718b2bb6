/// Turns a parse tree into a Form: relations, ± expansion, intervals from inequalities (internal).
enum FormBuilder {
    static func build(_ n: Node, _ depth: Int = 0) -> Form {
        if depth > EquivalenceLimits.treeDepth { return .raw(Canonical.text(n)) }
        let d = depth + 1
        switch n {
        case .set(let items):
            var forms: [Form] = []
            for it in items {
                // A list with an ellipsis is an ordered pattern; bracket bytes 0 mean "no brackets".
                if case .ellipsis = it { return .tuple(items.map { build($0, d) }, open: 0, close: 0) }
                let f = build(it, d)
                if containsPM(it), case .set(let xs) = f { forms.append(contentsOf: xs) } else { forms.append(f) }
            }
            return .set(forms)
        case .tuple(let items, let o, let c):
            return .tuple(items.map { build($0, d) }, open: o, close: c)
        case .union(let items):
            return .union(items.map { build($0, d) })
        case .ratio(let items):
            return .tuple(ratioTerms(items).map { build($0, d) }, open: ASCII.colon, close: ASCII.colon)
        case .matrix(let rows):
            let cols = rows.first?.count ?? 0
            return .matrix(rows: rows.count, cols: cols, cells: rows.flatMap { $0 }.map { build($0, d) })
        case .rel(let sides, let ops):
            return relation(sides, ops, d)
        case .text(let s):
            // The reals in words are the real line.
            if FormBuilder.realsInWords.contains(s) {
                return build(.tuple([.neg(.const("inf")), .const("inf")], open: ASCII.openParen, close: ASCII.closeParen), d)
            }
            return .text(s)
        case .ellipsis:
            return .text("...")
        case .opaque(let s):
            return .raw(s)
        case .fn("setminus", let args) where args.count == 2:
            return IntervalSet.difference(build(args[0], d), build(args[1], d)) ?? .raw(Canonical.text(n))
        case .add(let xs) where xs.count == 2 && isIntervalNode(xs[0]):
            // \mathbb{R} - \{1\}: a minus between an interval and a set is a set difference.
            if case .neg(let points) = xs[1], case .set = points, let f = IntervalSet.difference(build(xs[0], d), build(points, d)) {
                return f
            }
            return .raw(Canonical.text(n))
        default:
            if let m = matrixValue(n, 0) { return build(.matrix(m), d) }
            if containsStructure(n) { return .raw(Canonical.text(n)) }
            if containsPM(n) {
                let branches = expandPM(n)
                if branches.count == 1 { return .scalar(Scalar(branches[0])) }
                if branches.isEmpty { return .raw(Canonical.text(n)) }
                return .set(branches.map { .scalar(Scalar($0)) })
            }
            return .scalar(Scalar(n))
        }
    }

    /// A ratio's terms divided by its first one when that is a non-zero constant (`4:2` and `2:1` are both
    /// `1 : 1/2`), else as written: a ratio is the same ratio after scaling all its terms.
    static func ratioTerms(_ items: [Node]) -> [Node] {
        guard let first = items.first, items.count >= 2, !items.contains(where: containsStructure),
              !items.contains(where: containsPM), !Scalar.hasVariables(first) else { return items }
        var ev = Evaluator()
        switch ev.value(first) {
        case .exact(let e) where !e.isZero: break
        case .approx(let c, _) where c.magnitude > 0: break
        default: return items
        }
        return items.map { .div($0, first) }
    }

    /// True for an interval or a union of them, as parsed.
    private static func isIntervalNode(_ n: Node) -> Bool {
        switch n {
        case .tuple(let xs, _, _): return xs.count == 2
        case .union: return true
        default: return false
        }
    }

    /// Phrases that name the set of real numbers.
    static let realsInWords: Set<String> = [
        "all real numbers", "all reals", "real numbers", "the real numbers", "all real values", "all real x",
        "the set of all real numbers", "the set of real numbers",
    ]

    /// Matrix sums, scalar multiples and products, computed cell by cell (small matrices only).
    static func matrixValue(_ n: Node, _ depth: Int) -> [[Node]]? {
        if depth > EquivalenceLimits.matrixExpressionDepth { return nil }
        switch n {
        case .matrix(let rows): return rows
        case .neg(let x):
            guard let m = matrixValue(x, depth + 1) else { return nil }
            return m.map { $0.map { .neg($0) } }
        case .add(let xs):
            var acc: [[Node]]? = nil
            for x in xs {
                guard let m = matrixValue(x, depth + 1) else { return nil }
                if let a = acc {
                    guard a.count == m.count, a.first?.count == m.first?.count else { return nil }
                    acc = zip(a, m).map { zip($0, $1).map { .add([$0, $1]) } }
                } else {
                    acc = m
                }
            }
            return acc
        case .mul(let xs):
            var acc: [[Node]]? = nil
            var scalars: [Node] = []
            for x in xs {
                if let m = matrixValue(x, depth + 1) {
                    if let a = acc {
                        let inner = a.first?.count ?? 0
                        let side = EquivalenceLimits.matrixProductSide
                        guard inner == m.count, inner > 0, inner <= side, a.count <= side, (m.first?.count ?? 0) <= side else {
                            return nil
                        }
                        let cols = m.first?.count ?? 0
                        acc = a.map { row in (0..<cols).map { j in .add((0..<inner).map { k in .mul([row[k], m[k][j]]) }) } }
                    } else {
                        acc = m
                    }
                } else if !containsStructure(x) {
                    scalars.append(x)
                } else {
                    return nil
                }
            }
            guard let a = acc else { return nil }
            if scalars.isEmpty { return a }
            return a.map { $0.map { .mul(scalars + [$0]) } }
        default: return nil
        }
    }

    static func containsStructure(_ n: Node) -> Bool {
        switch n {
        case .tuple, .set, .union, .ratio, .matrix, .rel, .ellipsis, .opaque, .text: return true
        case .add(let xs), .mul(let xs): return xs.contains(where: containsStructure)
        case .neg(let x): return containsStructure(x)
        case .div(let a, let b), .pow(let a, let b): return containsStructure(a) || containsStructure(b)
        case .pm(let a, let b, _): return (a.map(containsStructure) ?? false) || containsStructure(b)
        case .fn(_, let args): return args.contains(where: containsStructure)
        default: return false
        }
    }

    static func containsPM(_ n: Node) -> Bool {
        switch n {
        case .pm: return true
        case .add(let xs), .mul(let xs): return xs.contains(where: containsPM)
        case .neg(let x): return containsPM(x)
        case .div(let a, let b), .pow(let a, let b): return containsPM(a) || containsPM(b)
        case .fn(_, let args): return args.contains(where: containsPM)
        case .rel(let sides, _): return sides.contains(where: containsPM)
        default: return false
        }
    }

    /// All sign choices of ± (none when there are more than `EquivalenceLimits.plusMinusSigns` signs).
    static func expandPM(_ n: Node) -> [Node] {
        var out: [Node] = []
        for mask in 0..<(1 << EquivalenceLimits.plusMinusSigns) {
            var idx = 0
            let b = choose(n, mask, &idx)
            if idx > EquivalenceLimits.plusMinusSigns { return [] }
            if mask >= (1 << idx) { break }
            out.append(b)
        }
        return out
    }

    private static func choose(_ n: Node, _ mask: Int, _ idx: inout Int) -> Node {
        switch n {
        case .pm(let a, let b, let minusFirst):
            let bit = idx
            idx += 1
            let bb = choose(b, mask, &idx)
            let plus = (mask >> bit) & 1 == 0
            let signed: Node = (plus != minusFirst) ? bb : .neg(bb)
            guard let a else { return signed }
            let aa = choose(a, mask, &idx)
            return .add([aa, signed])
        case .add(let xs): return .add(xs.map { choose($0, mask, &idx) })
        case .mul(let xs): return .mul(xs.map { choose($0, mask, &idx) })
        case .neg(let x): return .neg(choose(x, mask, &idx))
        case .div(let a, let b):
            let x = choose(a, mask, &idx)
            return .div(x, choose(b, mask, &idx))
        case .pow(let a, let b):
            let x = choose(a, mask, &idx)
            return .pow(x, choose(b, mask, &idx))
        case .fn(let f, let args): return .fn(f, args.map { choose($0, mask, &idx) })
        default: return n
        }
    }

    /// A "name" rather than a quantity: x, f(x), |AB|, A:B, \frac{NO}{BO}, (p, q).
    static func isLabel(_ n: Node) -> Bool {
        switch n {
        case .sym: return true
        case .const(let c): return c == "e" || c == "i"
        case .fn(let f, let args):
            if f.hasPrefix("call:") { return true }
            if f == "abs" || f == "sub" { return args.allSatisfy(isLabel) }
            return false
        case .mul(let xs), .ratio(let xs): return xs.allSatisfy(isLabel)
        case .tuple(let xs, _, _): return xs.allSatisfy(isLabel)
        case .div(let a, let b): return isLabel(a) && isLabel(b)
        case .text: return true
        default: return false
        }
    }

    /// True for a label that names something (x, f(x), |AB|, (p, q)); false for a description in words.
    private static func isName(_ n: Node) -> Bool {
        if case .text = n { return false }
        return true
    }

    private static func isExpression(_ n: Node) -> Bool { !containsStructure(n) }

    private static func relation(_ sidesIn: [Node], _ opsIn: [String], _ d: Int) -> Form {
        var sides = sidesIn
        var ops = opsIn
        // Implications: keep the conclusion.
        if let k = ops.lastIndex(of: "=>") {
            sides = Array(sides[(k + 1)...])
            ops = Array(ops[(k + 1)...])
            if ops.isEmpty { return build(sides[0], d) }
        }
        // Approximations: x ≈ 3 keeps 3; a = b ≈ c keeps a = b.
        if let k = ops.firstIndex(of: "~=") {
            if k == 0 && isLabel(sides[0]) {
                sides.removeFirst()
                ops.removeFirst()
                if let k2 = ops.firstIndex(of: "~=") {
                    sides = Array(sides[0...k2])
                    ops = Array(ops[0..<k2])
                }
            } else {
                sides = Array(sides[0...k])
                ops = Array(ops[0..<k])
            }
            if ops.isEmpty { return build(sides[0], d) }
        }
        if ops.contains("in") {
            if ops.count == 1 && isLabel(sides[0]) { return build(sides[1], d) }
            return .raw(Canonical.text(.rel(sides, ops)))
        }
        if ops.allSatisfy({ $0 == "=" }) {
            if sides.count >= 3 { return build(sides[sides.count - 1], d) }
            let l = sides[0]
            let r = sides[1]
            if case .opaque(let s) = r, s.isEmpty { return build(l, d) }
            if isLabel(l) {
                var eq: Scalar? = nil
                if isExpression(l) && isExpression(r) && !containsPM(r) && !containsPM(l) {
                    eq = Scalar(.add([l, .neg(r)]))
                }
                return .labelled(value: build(r, d), equation: eq, name: isName(l) ? Canonical.text(l) : nil)
            }
            if !Scalar.hasVariables(l) && !Scalar.hasVariables(r) && isExpression(l) { return build(r, d) }
            if isExpression(l) && isExpression(r) && !containsPM(l) && !containsPM(r) {
                return .equation(Scalar(.add([l, .neg(r)])))
            }
            return .raw(Canonical.text(.rel(sides, ops)))
        }
        if ops.contains("=") || ops.contains("~=") { return .raw(Canonical.text(.rel(sides, ops))) }
        guard sides.allSatisfy(isExpression), !sides.contains(where: containsPM) else {
            return .raw(Canonical.text(.rel(sides, ops)))
        }
        var parts: [Inequality] = []
        for k in 0..<ops.count {
            let a = sides[k]
            let b = sides[k + 1]
            switch ops[k] {
            case "<", "<=": parts.append(Inequality(f: Scalar(.add([a, .neg(b)])), op: ops[k]))
            case ">": parts.append(Inequality(f: Scalar(.add([b, .neg(a)])), op: "<"))
            case ">=": parts.append(Inequality(f: Scalar(.add([b, .neg(a)])), op: "<="))
            default: parts.append(Inequality(f: Scalar(.add([a, .neg(b)])), op: "!="))
            }
        }
        return .inequality(parts, interval: interval(sides, ops, d))
    }

    private static func interval(_ sides: [Node], _ ops: [String], _ d: Int) -> Form? {
        if let set = SolutionSet.of(sides, ops, build: { build($0, d) }) { return set }
        // `|x| < c` that SolutionSet could not read is not the interval (-inf, c).
        if sides.contains(where: { if case .fn("abs", _) = $0 { return true } else { return false } }) { return nil }
        let inf = Form.scalar(Scalar(.const("inf")))
        let ninf = Form.scalar(Scalar(.neg(.const("inf"))))
        func bracket(_ op: String, open: Bool) -> UInt8 {
            let strict = op == "<" || op == ">"
            return open ? (strict ? ASCII.openParen : ASCII.openBracket) : (strict ? ASCII.closeParen : ASCII.closeBracket)
        }
        if sides.count == 2, ops[0] != "!=" {
            var label: Node
            var bound: Node
            var op = ops[0]
            if isLabel(sides[0]) && !Scalar.hasVariables(sides[1]) {
                label = sides[0]; bound = sides[1]
            } else if isLabel(sides[1]) && !Scalar.hasVariables(sides[0]) {
                label = sides[1]; bound = sides[0]
                op = ["<": ">", "<=": ">=", ">": "<", ">=": "<="][op] ?? op
            } else {
                return nil
            }
            _ = label
            let b = build(bound, d)
            switch op {
            case "<", "<=": return .tuple([ninf, b], open: ASCII.openParen, close: bracket(op, open: false))
            default: return .tuple([b, inf], open: bracket(op, open: true), close: ASCII.closeParen)
            }
        }
        if sides.count == 3, isLabel(sides[1]), !Scalar.hasVariables(sides[0]), !Scalar.hasVariables(sides[2]) {
            let lowOps = ["<", "<="]
            let highOps = [">", ">="]
            if lowOps.contains(ops[0]) && lowOps.contains(ops[1]) {
                return .tuple([build(sides[0], d), build(sides[2], d)], open: bracket(ops[0], open: true), close: bracket(ops[1], open: false))
            }
            if highOps.contains(ops[0]) && highOps.contains(ops[1]) {
                return .tuple([build(sides[2], d), build(sides[0], d)], open: bracket(ops[1], open: true), close: bracket(ops[0], open: false))
            }
        }
        return nil
    }
}
