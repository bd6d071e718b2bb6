/// Exact arguments that two numerically close constants differ (internal): DESIGN.md's "never equivalent
/// merely because close" where a double cannot tell (`\pi + 10^{-14}` and `\pi`, `e^{-50}` and 0).
///
/// Two tools, both exact:
/// - `provablyIrrational`: a value that a theorem makes irrational (π and e; the square root of a rational that
///   is not a square; exp, ln, sin, cos, ... of a non-zero rational, by Lindemann–Weierstrass), times or plus
///   non-zero rationals. Such a value is never equal to an exact rational.
/// - `Terms`: a constant as a rational part plus rational multiples of other terms. Comparing two constants,
///   like terms cancel exactly; if nothing is left the rational parts decide, and if one provably irrational
///   term is left they differ. Otherwise the numeric comparison (whose tolerance is relative to the size of
///   the terms that cancelled) stands.
enum Irrationality {
    /// Functions transcendental at every non-zero rational where they are real (Lindemann–Weierstrass).
    private static let transcendentalAtRationals: Set<String> = [
        "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "exp", "arcsin", "arctan", "arccot",
    ]
    /// Largest tree inspected (the answers' constants are small; bigger ones keep the numeric verdict).
    private static let maxNodes = 100

    /// The exact real rational value of a variable-free node, if it has one.
    static func rational(_ n: Node) -> Rational? {
        var ev = Evaluator()
        return ev.value(n).exactRational
    }

    /// True when n is a real number that cannot be rational (false means "not known", never "rational").
    static func provablyIrrational(_ n: Node) -> Bool {
        if Scalar.nodeCount(n, limit: maxNodes + 1) > maxNodes { return false }
        return irrational(n)
    }

    /// `provablyIrrational` without the size check, recursively.
    private static func irrational(_ n: Node) -> Bool {
        switch n {
        case .const(let c): return c == "pi" || c == "e"
        case .neg(let x): return irrational(x)
        case .add(let xs):
            // One irrational term and rational others.
            var irrationalTerms = 0
            for x in xs {
                if rational(x) != nil { continue }
                if !irrational(x) { return false }
                irrationalTerms += 1
            }
            return irrationalTerms == 1
        case .mul(let xs):
            var irrationalFactors = 0
            for x in xs {
                if let r = rational(x) {
                    if r.isZero { return false }
                    continue
                }
                if !irrational(x) { return false }
                irrationalFactors += 1
            }
            return irrationalFactors == 1
        case .div(let a, let b):
            if let rb = rational(b) { return !rb.isZero && irrational(a) }
            if let ra = rational(a) { return !ra.isZero && irrational(b) }
            return false
        case .pow(let base, let exponent):
            return irrationalPower(base, exponent)
        case .fn(let f, let args):
            return irrationalFunction(f, args)
        default:
            return false
        }
    }

    /// e^q (q ≠ 0 rational), π^k (k ≠ 0 integer), r^{p/q} for a rational r > 0 whose q-th root is not
    /// rational (then no power p coprime to q makes it rational).
    private static func irrationalPower(_ base: Node, _ exponent: Node) -> Bool {
        guard let q = rational(exponent), !q.isZero else { return false }
        if case .const("e") = base { return true }
        if case .const("pi") = base { return q.isInteger }
        guard !q.isInteger, let r = rational(base), !r.isNegative, !r.isZero else { return false }
        return irrationalRoot(r, q.denominator.intValue ?? Int.max)
    }

    /// True when the k-th root of a positive rational r is irrational: exactly for small k; for a k larger
    /// than `EquivalenceLimits.rootIndex`, because r ≠ 1 is a k-th power s^k only if its numerator or
    /// denominator has at least k bits.
    private static func irrationalRoot(_ r: Rational, _ k: Int) -> Bool {
        if r == .one || k < 2 { return false }
        if k > EquivalenceLimits.rootIndex {
            return r.numerator.bitWidth < k && r.denominator.bitWidth < k
        }
        guard r.numerator.bitWidth + r.denominator.bitWidth <= EquivalenceLimits.rootOperandBits else { return false }
        return r.root(k) == nil
    }

    /// A function of a rational that is irrational: roots of non-powers, ln of r ≠ 1, and the transcendental ones.
    private static func irrationalFunction(_ f: String, _ args: [Node]) -> Bool {
        switch f {
        case "sqrt":
            guard args.count == 1, let r = rational(args[0]), !r.isNegative, !r.isZero else { return false }
            return irrationalRoot(r, 2)
        case "root":
            guard args.count == 2, let n = rational(args[0]), n.isInteger, let k = n.numerator.intValue,
                  let r = rational(args[1]), !r.isNegative, !r.isZero else { return false }
            return irrationalRoot(r, k)
        case "ln":
            guard args.count == 1, let r = rational(args[0]), !r.isNegative, !r.isZero else { return false }
            return r != .one
        case "arccos":
            guard args.count == 1, let r = rational(args[0]) else { return false }
            return r != .one && !(r.numerator.magnitude > r.denominator.magnitude)
        default:
            guard transcendentalAtRationals.contains(f), args.count == 1, let r = rational(args[0]), !r.isZero else {
                return false
            }
            if f == "arcsin" { return !(r.numerator.magnitude > r.denominator.magnitude) }
            return true
        }
    }
}

extension Irrationality {
    /// A variable-free constant split as rational + Σ coefficient × term, terms keyed by canonical text.
    struct Terms: Sendable {
        /// The exact part (sum of the rational terms).
        let rational: ExactComplex
        /// Canonical text of each other term (its rational factors removed) → its rational coefficient.
        let terms: [String: Rational]
        /// The terms' trees by the same keys (for the irrationality test of what is left).
        let nodes: [String: Node]

        /// Splits n's top-level sum; nil when the tree is too large or a coefficient cannot be computed.
        init?(_ n: Node) {
            if Scalar.nodeCount(n, limit: Irrationality.maxNodes + 1) > Irrationality.maxNodes { return nil }
            var sum = ExactComplex(.zero)
            var terms: [String: Rational] = [:]
            var nodes: [String: Node] = [:]
            var addends: [(Node, Bool)] = []
            var stack: [(Node, Bool)] = [(n, false)]
            while let (x, negated) = stack.popLast() {
                switch x {
                case .add(let xs): stack.append(contentsOf: xs.map { ($0, negated) })
                case .neg(let y): stack.append((y, !negated))
                default: addends.append((x, negated))
                }
            }
            for (x, negated) in addends {
                var ev = Evaluator()
                if case .exact(let e) = ev.value(x) {
                    guard let s = sum + (negated ? -e : e) else { return nil }
                    sum = s
                    continue
                }
                guard let (c, atom) = Terms.coefficient(x) else { return nil }
                let key = Canonical.text(atom)
                guard let total = (terms[key] ?? .zero) + (negated ? -c : c) else { return nil }
                terms[key] = total
                nodes[key] = atom
            }
            rational = sum
            self.terms = terms
            self.nodes = nodes
        }

        /// A term as (rational coefficient, the rest): rational factors of a product, a rational divisor.
        private static func coefficient(_ x: Node) -> (Rational, Node)? {
            switch x {
            case .neg(let y):
                guard let (c, a) = coefficient(y) else { return nil }
                return (-c, a)
            case .mul(let xs):
                var c = Rational.one
                var rest: [Node] = []
                for f in xs {
                    if let r = Irrationality.rational(f) {
                        guard let p = c * r else { return nil }
                        c = p
                    } else {
                        rest.append(f)
                    }
                }
                if rest.isEmpty { return nil }
                return (c, rest.count == 1 ? rest[0] : .mul(rest))
            case .div(let a, let b):
                guard let rb = Irrationality.rational(b), !rb.isZero, let (c, atom) = coefficient(a), let q = c / rb else {
                    return (.one, x)
                }
                return (q, atom)
            default:
                return (.one, x)
            }
        }

        /// True when a - b is provably not zero: like terms cancel exactly, then either nothing is left and
        /// the rational parts differ, or one provably irrational term is left.
        static func differ(_ a: Terms, _ b: Terms) -> Bool {
            var left: [String: Rational] = a.terms
            var nodes = a.nodes
            for (k, c) in b.terms {
                guard let d = (left[k] ?? .zero) - c else { return false }
                left[k] = d
                nodes[k] = nodes[k] ?? b.nodes[k]
            }
            let remaining = left.filter { !$0.value.isZero }
            if remaining.isEmpty { return a.rational != b.rational }
            if remaining.count == 1, let key = remaining.first?.key, let node = nodes[key],
               a.rational.isReal, b.rational.isReal {
                return Irrationality.provablyIrrational(node)
            }
            return false
        }
    }
}
