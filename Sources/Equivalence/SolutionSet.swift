/// The intervals that a one-variable condition describes (internal): `2x - 1 < 3` is `(-\infty, 2)`,
/// `|x| \le 4` is `[-4, 4]`, `|x+2| < 1` is `(-3, -1)`, `x \ne 5` is `(-\infty, 5) \cup (5, \infty)`,
/// `-1 < x + 2 \le 4` is `(-3, 2]`, `1 \le |z| \le 2` is `[-2, -1] \cup [1, 2]`. Only conditions on αx + β
/// (α, β exact rationals, α ≠ 0) or on its absolute value are read; anything else has no interval.
enum SolutionSet {
    /// αx + β in one variable.
    struct Linear {
        /// α, the coefficient of the variable (never zero).
        let a: Rational
        /// β, the constant term.
        let b: Rational
    }

    /// The expression as αx + β when it is one in a single plain variable (checked exactly at 0, 1 and the
    /// six sample points), else nil.
    static func linear(_ n: Node) -> Linear? {
        var names = Set<String>()
        Scalar.collectVariables(n, into: &names)
        guard names.count == 1, let v = names.first, !v.contains("("), !v.hasPrefix("?"),
              Scalar.nodeCount(n, limit: 41) <= 40 else { return nil }
        var ev = Evaluator()
        func at(_ x: Rational) -> Rational? {
            ev.env = [v: ExactComplex(x)]
            return ev.value(n).exactRational
        }
        guard let b = at(.zero), let f1 = at(.one), let a = f1 - b, !a.isZero else { return nil }
        for k in 0..<Scalar.sampleCount {
            let x = Scalar.samplePoint(v, k)
            guard let fx = at(x), let ax = a * x, let line = ax + b, line == fx else { return nil }
        }
        return Linear(a: a, b: b)
    }

    /// The interval form of a condition (sides and operators as parsed; operators `<`, `<=`, `>`, `>=`, `!=`),
    /// nil when it is not one this type reads.
    static func of(_ sides: [Node], _ ops: [String], build: (Node) -> Form) -> Form? {
        if sides.count == 2 { return oneSided(sides[0], ops[0], sides[1], build) }
        if sides.count == 3 { return chain(sides, ops, build) }
        return nil
    }

    /// Each operator with its sides swapped.
    private static let flipped = ["<": ">", "<=": ">=", ">": "<", ">=": "<=", "!=": "!="]

    /// `(c - β) / α`, or c itself for the bare variable.
    private static func solve(_ c: Node, _ l: Linear) -> Node {
        if l.a == .one && l.b.isZero { return c }
        return .div(.add([c, .neg(.num(l.b))]), .num(l.a))
    }

    /// The interval from lo to hi with the given ends closed.
    private static func interval(_ lo: Form, _ hi: Form, closedLow: Bool, closedHigh: Bool) -> Form {
        .tuple([lo, hi], open: closedLow ? ASCII.openBracket : ASCII.openParen, close: closedHigh ? ASCII.closeBracket : ASCII.closeParen)
    }

    /// `\infty` as an interval end.
    private static var infinity: Form { .scalar(Scalar(.const("inf"))) }
    /// `-\infty` as an interval end.
    private static var minusInfinity: Form { .scalar(Scalar(.neg(.const("inf")))) }

    /// `lhs op rhs` with one side constant.
    private static func oneSided(_ lhs: Node, _ opIn: String, _ rhs: Node, _ build: (Node) -> Form) -> Form? {
        var side = lhs
        var c = rhs
        var op = opIn
        if !Scalar.hasVariables(lhs) && Scalar.hasVariables(rhs) {
            side = rhs
            c = lhs
            op = flipped[op] ?? op
        }
        guard !Scalar.hasVariables(c) else { return nil }
        if let l = linear(side) {
            let bound = build(solve(c, l))
            if l.a.isNegative { op = flipped[op] ?? op }
            switch op {
            case "<", "<=": return interval(minusInfinity, bound, closedLow: false, closedHigh: op == "<=")
            case ">", ">=": return interval(bound, infinity, closedLow: op == ">=", closedHigh: false)
            default:
                return .union([interval(minusInfinity, bound, closedLow: false, closedHigh: false),
                               interval(bound, infinity, closedLow: false, closedHigh: false)])
            }
        }
        guard case .fn("abs", let args) = side, args.count == 1, let l = linear(args[0]), isPositive(c) else { return nil }
        var lo = build(solve(.neg(c), l))
        var hi = build(solve(c, l))
        if l.a.isNegative { swap(&lo, &hi) }
        switch op {
        case "<", "<=": return interval(lo, hi, closedLow: op == "<=", closedHigh: op == "<=")
        case ">", ">=":
            return .union([interval(minusInfinity, lo, closedLow: false, closedHigh: op == ">="),
                           interval(hi, infinity, closedLow: op == ">=", closedHigh: false)])
        default: return nil
        }
    }

    /// `lo < αx+β < hi` (or with `<=`, or the same chain written with `>`).
    private static func chain(_ sides: [Node], _ ops: [String], _ build: (Node) -> Form) -> Form? {
        var s = sides
        var o = ops
        if o.allSatisfy({ $0 == ">" || $0 == ">=" }) {
            s.reverse()
            o = o.reversed().map { flipped[$0] ?? $0 }
        }
        guard o.allSatisfy({ $0 == "<" || $0 == "<=" }), !Scalar.hasVariables(s[0]), !Scalar.hasVariables(s[2]) else { return nil }
        if case .fn("abs", let args) = s[1], args.count == 1, let l = linear(args[0]), isPositive(s[0]) {
            // lo < |u| < hi: u in (-hi, -lo) or (lo, hi).
            let negative = oneInterval(.neg(s[2]), o[1], .neg(s[0]), o[0], l, build)
            let positive = oneInterval(s[0], o[0], s[2], o[1], l, build)
            return .union([negative, positive])
        }
        guard let l = linear(s[1]) else { return nil }
        return oneInterval(s[0], o[0], s[2], o[1], l, build)
    }

    /// The x with `lo op1 αx+β op2 hi` (op1, op2: `<` or `<=`).
    private static func oneInterval(_ low: Node, _ op1: String, _ high: Node, _ op2: String, _ l: Linear,
                                    _ build: (Node) -> Form) -> Form {
        var lo = build(solve(low, l))
        var hi = build(solve(high, l))
        var closedLow = op1 == "<="
        var closedHigh = op2 == "<="
        if l.a.isNegative {
            swap(&lo, &hi)
            swap(&closedLow, &closedHigh)
        }
        return interval(lo, hi, closedLow: closedLow, closedHigh: closedHigh)
    }

    /// True when a constant is provably above zero (exact, or numerically clear of zero).
    private static func isPositive(_ c: Node) -> Bool {
        var ev = Evaluator()
        switch ev.value(c) {
        case .exact(let e): return e.isReal && !e.re.isNegative && !e.re.isZero
        case .approx(let z, let scale): return z.isReal && z.re > 1e-9 * Swift.max(scale, 1)
        case .fail: return false
        }
    }
}
