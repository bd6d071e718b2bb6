/// Evaluates expression trees: exactly where possible, numerically otherwise, within a work budget (internal).
struct Evaluator {
    /// Remaining work (roughly limb multiplications) for exact big-number arithmetic.
    private var budget = EquivalenceLimits.exactWork
    mutating func setBudget(_ b: Int) { budget = b }

    /// Values of the free variables (exact sample points).
    var env: [String: ExactComplex] = [:]

    private static func limbs(_ r: Rational) -> Int { (r.numerator.bitWidth + r.denominator.bitWidth) / 32 + 1 }

    /// Charges an exact operation on a and b (products and the gcd of the result are quadratic); false when unaffordable.
    private mutating func spend(_ a: Rational, _ b: Rational) -> Bool {
        let n = Evaluator.limbs(a) + Evaluator.limbs(b)
        if !env.isEmpty && n > EquivalenceLimits.sampleOperandLimbs { return false }
        budget -= n * n * 4
        return budget > 0
    }

    private mutating func spend(_ a: ExactComplex, _ b: ExactComplex) -> Bool {
        spend(a.re, b.re) && (a.isReal && b.isReal ? true : spend(a.im, b.im))
    }

    private static func approx(_ c: Complex, _ scale: Double) -> Value {
        c.isFinite ? .approx(c, scale: Swift.max(scale, c.magnitude)) : .fail
    }

    /// Value of a variable-free node.
    mutating func value(_ n: Node) -> Value {
        switch n {
        case .num(let r):
            if budget <= 0 { return Evaluator.approx(Complex(r.doubleValue), 0) }
            return .exact(ExactComplex(r))
        case .sym(let s):
            if let v = env[s] { return budget <= 0 ? Evaluator.approx(v.approx, 0) : .exact(v) }
            return .fail
        case .const(let c):
            switch c {
            case "pi": return .approx(Complex(Double.pi), scale: Double.pi)
            case "e": return .approx(Complex(2.718281828459045), scale: 2.718281828459045)
            case "i": return .exact(ExactComplex(.zero, .one))
            default: return .fail
            }
        case .neg(let x):
            switch value(x) {
            case .exact(let e): return .exact(-e)
            case .approx(let c, let s): return .approx(-c, scale: s)
            case .fail: return .fail
            }
        case .add(let xs):
            return fold(xs, exactly: (ExactComplex(.zero), +), numerically: (Complex(0), +))
        case .mul(let xs):
            return fold(xs, exactly: (ExactComplex(.one), *), numerically: (Complex(1), *))
        case .div(let a, let b):
            let va = value(a)
            let vb = value(b)
            if case .exact(let ea) = va, case .exact(let eb) = vb {
                if eb.isZero { return .fail }
                if spend(ea, eb), let q = ea / eb { return .exact(q) }
            }
            guard let ca = va.approxValue, let cb = vb.approxValue else { return .fail }
            if cb.magnitude == 0 { return .fail }
            let q = ca / cb
            // First-order error of a quotient: err(a)/|b| + |a| err(b)/|b|^2.
            let scale = va.scale / cb.magnitude + ca.magnitude * vb.scale / (cb.magnitude * cb.magnitude)
            return scale.isFinite ? Evaluator.approx(q, scale) : .fail
        case .pow(let a, let b):
            return power(value(a), value(b))
        case .fn(let f, let args):
            return function(f, args)
        default:
            return .fail
        }
    }

    /// A sum or product (`op` from `identity`) of the operands' values: exact while every operand is exact and
    /// the budget affords each step, else numeric (the numeric result is computed alongside all the way).
    private mutating func fold(
        _ xs: [Node], exactly: (identity: ExactComplex, op: (ExactComplex, ExactComplex) -> ExactComplex?),
        numerically: (identity: Complex, op: (Complex, Complex) -> Complex)
    ) -> Value {
        var exact: ExactComplex? = exactly.identity
        var approx = numerically.identity
        // A sum's rounding error is relative to its largest term; a product's to the product of its factors'
        // sizes (so a tiny product such as 10^{-30}\pi is not taken for zero).
        let isProduct = numerically.identity == Complex(1)
        var scale = isProduct ? 1.0 : 0.0
        for x in xs {
            let v = value(x)
            switch v {
            case .fail: return .fail
            case .exact(let e):
                if let acc = exact { exact = spend(acc, e) ? exactly.op(acc, e) : nil }
                approx = numerically.op(approx, e.approx)
            case .approx(let c, _):
                exact = nil
                approx = numerically.op(approx, c)
            }
            scale = isProduct ? scale * v.scale : Swift.max(scale, v.scale)
        }
        if let exact { return .exact(exact) }
        return Evaluator.approx(approx, scale)
    }

    private mutating func power(_ va: Value, _ vb: Value) -> Value {
        if case .exact(let base) = va, case .exact(let ex) = vb, ex.isReal {
            let e = ex.re
            if e.isInteger, let k = e.numerator.intValue, Swift.abs(k) <= EquivalenceLimits.integerExponent {
                if base.isZero && k < 0 { return .fail }
                let bits = base.re.numerator.bitWidth + base.re.denominator.bitWidth + base.im.numerator.bitWidth + base.im.denominator.bitWidth
                let resultLimbs = Swift.min(EquivalenceLimits.powerResultLimbs, bits * Swift.abs(k) / 32 + 1)
                if !(!env.isEmpty && resultLimbs > EquivalenceLimits.sampleOperandLimbs) {
                    budget -= resultLimbs * resultLimbs * 2
                    if budget > 0, let r = base.power(k) { return .exact(r) }
                }
            } else if !e.isInteger, base.isReal, let q = e.denominator.intValue, q <= EquivalenceLimits.rootIndex,
                      let pnum = e.numerator.intValue, Swift.abs(pnum) <= EquivalenceLimits.rationalExponentNumerator {
                if let root = base.re.root(q), let r = root.power(pnum) {
                    return .exact(ExactComplex(r))
                }
            }
        }
        guard let ca = va.approxValue, let cb = vb.approxValue else { return .fail }
        let r = Complex.cpow(ca, cb, exactExponent: vb.exactRational)
        // Underflow to zero from a non-zero base is not a value we can trust.
        if r.magnitude < 1e-290 && ca.magnitude != 0 { return .fail }
        // First-order error of a^b = exp(b ln a): |a^b| (|b| err(a)/|a| + |ln a| err(b)), plus its own rounding.
        if ca.magnitude > 0 {
            let logA = Swift.abs(RealMath.log(ca.magnitude)) + (ca.isReal && ca.re > 0 ? 0 : Double.pi)
            let scale = r.magnitude * (cb.magnitude * va.scale / ca.magnitude + logA * vb.scale + 1)
            return scale.isFinite ? Evaluator.approx(r, scale) : .fail
        }
        return Evaluator.approx(r, Swift.max(va.scale, r.magnitude))
    }
}

// MARK: - Functions, one method per family

extension Evaluator {
    /// Value of a function application (`Node.fn`), by family.
    private mutating func function(_ f: String, _ args: [Node]) -> Value {
        if f.hasPrefix("call:") { return userFunction(f, args) }
        guard let first = args.first else { return .fail }
        switch f {
        case "sqrt", "root": return root(f, args)
        case "abs": return absoluteValue(first)
        case "fact": return factorial(first)
        case "binom": return binomial(args)
        case "floor", "ceil": return rounded(f, first)
        case "logb": return logarithm(args)
        case "max", "min", "gcd", "lcm": return extremumOrDivisor(f, args)
        default: return elementary(f, first)
        }
    }

    /// `f(x)` for a user function letter: known only when the sample environment gives it a value.
    private func userFunction(_ f: String, _ args: [Node]) -> Value {
        if let v = env[Canonical.text(.fn(f, args))] { return .exact(v) }
        return .fail
    }

    // MARK: Roots and absolute value

    /// `\sqrt{x}` and `\sqrt[n]{x}` (`root(n, x)`): exact for perfect powers, real odd roots of negatives.
    private mutating func root(_ f: String, _ args: [Node]) -> Value {
        var n = 2
        var x = args[0]
        if f == "root" {
            guard args.count == 2, let idx = value(args[0]).exactRational, idx.isInteger,
                  let k = idx.numerator.intValue, k >= 1, k <= EquivalenceLimits.rootIndex else { return .fail }
            n = k
            x = args[1]
        }
        let v = value(x)
        if case .exact(let e) = v, e.isReal {
            if let r = e.re.root(n) { return .exact(ExactComplex(r)) }
            if n == 2 && e.re.isNegative, let r = (-e.re).root(2) { return .exact(ExactComplex(.zero, r)) }
            let d = e.re.doubleValue
            if d < 0 && n % 2 == 1 { return Evaluator.approx(Complex(-RealMath.pow(-d, 1.0 / Double(n))), Swift.abs(d)) }
            if d < 0 && n == 2 { return Evaluator.approx(Complex(0, RealMath.sqrt(-d)), Swift.abs(d)) }
            if d < 0 { return Evaluator.approx(Complex.cpow(Complex(d), Complex(1.0 / Double(n)), exactExponent: nil), -d) }
            return Evaluator.approx(Complex(n == 2 ? RealMath.sqrt(d) : RealMath.pow(d, 1.0 / Double(n))), d)
        }
        guard let c = v.approxValue else { return .fail }
        if n == 2 { return Evaluator.approx(Complex.csqrt(c), v.scale) }
        if c.isReal && c.re < 0 && n % 2 == 1 {
            return Evaluator.approx(Complex(-RealMath.pow(-c.re, 1.0 / Double(n))), v.scale)
        }
        return Evaluator.approx(Complex.cpow(c, Complex(1.0 / Double(n)), exactExponent: nil), v.scale)
    }

    /// `|x|`: exact for rationals and for Gaussian rationals of rational modulus.
    private mutating func absoluteValue(_ x: Node) -> Value {
        let v = value(x)
        if case .exact(let e) = v {
            if e.isReal { return .exact(ExactComplex(e.re.isNegative ? -e.re : e.re)) }
            if let a = e.re * e.re, let b = e.im * e.im, let s = a + b, let r = s.root(2) { return .exact(ExactComplex(r)) }
        }
        guard let c = v.approxValue else { return .fail }
        return Evaluator.approx(Complex(c.magnitude), v.scale)
    }

    // MARK: Combinatorial

    /// The factorial of n: exact for integers up to `EquivalenceLimits.factorialArgument`, else the gamma function.
    private mutating func factorial(_ x: Node) -> Value {
        let v = value(x)
        guard let r = v.exactRational else {
            if let c = v.approxValue, c.isReal, c.re < EquivalenceLimits.approximateFactorialArgument {
                return Evaluator.approx(Complex.apply("fact", c), v.scale)
            }
            return .fail
        }
        if !r.isInteger {
            // The gamma function: what the factorial of m means at the non-integer points where expressions are sampled,
            // so that the factorial of m over that of m - 2 is m^2 - m there too.
            let x = r.doubleValue
            guard x < EquivalenceLimits.approximateFactorialArgument else { return .fail }
            return Evaluator.approx(Complex.apply("fact", Complex(x)), Swift.abs(x))
        }
        guard let n = r.numerator.intValue, n >= 0, n <= EquivalenceLimits.factorialArgument else { return .fail }
        budget -= n * (n * (64 - n.leadingZeroBitCount) / 32) / 2 + 1
        if budget <= 0 { return .fail }
        var acc = BigInt.one
        var k = 2
        while k <= n { acc = acc * BigInt(k); k += 1 }
        return .exact(ExactComplex(Rational(integer: acc)))
    }

    /// `\binom{n}{k}` for exact integers (0 outside 0...n), and for a non-integer rational n and an integer
    /// k ≥ 0 the falling-factorial product n(n-1)...(n-k+1) over the factorial of k (so `\binom{m}{2}` is m(m-1)/2 at any m).
    private mutating func binomial(_ args: [Node]) -> Value {
        guard args.count == 2, let nr = value(args[0]).exactRational, let kr = value(args[1]).exactRational,
              kr.isInteger else { return .fail }
        if !nr.isInteger { return fallingBinomial(nr, kr) }
        guard let n = nr.numerator.intValue, var k = kr.numerator.intValue,
              n >= 0, n <= EquivalenceLimits.binomialTop else { return .fail }
        if k < 0 || k > n { return .exact(ExactComplex(.zero)) }
        k = Swift.min(k, n - k)
        guard k <= EquivalenceLimits.binomialBottom else { return .fail }
        budget -= k * (k * (64 - n.leadingZeroBitCount) / 32) + 1
        if budget <= 0 { return .fail }
        var acc = BigInt.one
        var i = 0
        while i < k {
            acc = acc * BigInt(n - i)
            guard let q = acc.quotientAndRemainder(dividingBy: BigInt(i + 1)) else { return .fail }
            acc = q.quotient
            i += 1
        }
        return .exact(ExactComplex(Rational(integer: acc)))
    }

    /// n(n-1)...(n-k+1) over the factorial of k, for a rational n and an integer 0 ≤ k ≤ `EquivalenceLimits.fallingBinomialBottom`.
    private mutating func fallingBinomial(_ n: Rational, _ kr: Rational) -> Value {
        guard let k = kr.numerator.intValue, k >= 0, k <= EquivalenceLimits.fallingBinomialBottom else { return .fail }
        var acc = Rational.one
        for i in 0..<k {
            guard let term = n - Rational(i), let divided = term / Rational(i + 1), spend(acc, divided),
                  let product = acc * divided else { return .fail }
            acc = product
        }
        return .exact(ExactComplex(acc))
    }

    // MARK: Rounding

    /// `\lfloor x \rfloor` and `\lceil x \rceil`: exact for rationals.
    private mutating func rounded(_ f: String, _ x: Node) -> Value {
        let v = value(x)
        if let r = v.exactRational {
            guard let qr = r.numerator.quotientAndRemainder(dividingBy: r.denominator) else { return .fail }
            var q = qr.quotient
            if !qr.remainder.isZero {
                if f == "floor" && r.isNegative { q = q - .one }
                if f == "ceil" && !r.isNegative { q = q + .one }
            }
            return .exact(ExactComplex(Rational(integer: q)))
        }
        guard let c = v.approxValue else { return .fail }
        return Evaluator.approx(Complex.apply(f, c), v.scale)
    }

    // MARK: Extrema and divisors

    /// `\max`, `\min`, `\gcd`, `\operatorname{lcm}` of exact rationals (gcd and lcm of integers only).
    private mutating func extremumOrDivisor(_ f: String, _ args: [Node]) -> Value {
        var vals: [Rational] = []
        for a in args {
            guard let r = value(a).exactRational else { return .fail }
            vals.append(r)
        }
        guard var acc = vals.first else { return .fail }
        for r in vals.dropFirst() {
            switch f {
            case "max": if let d = r - acc, !d.isNegative, !d.isZero { acc = r }
            case "min": if let d = r - acc, d.isNegative { acc = r }
            case "gcd":
                guard acc.isInteger, r.isInteger else { return .fail }
                acc = Rational(integer: BigInt.gcd(acc.numerator, r.numerator))
            default:
                guard acc.isInteger, r.isInteger, !acc.isZero, !r.isZero else { return .fail }
                let g = BigInt.gcd(acc.numerator, r.numerator)
                guard let q = (acc.numerator * r.numerator).magnitude.quotientAndRemainder(dividingBy: g) else { return .fail }
                acc = Rational(integer: q.quotient)
            }
        }
        return .exact(ExactComplex(acc))
    }

    // MARK: Trigonometric, hyperbolic, exponential and logarithmic

    /// Elementary functions that are rational at 0, with that value; elsewhere they are evaluated numerically.
    private static let valueAtZero: [String: Rational] = [
        // Trigonometric and inverse trigonometric.
        "sin": .zero, "tan": .zero, "arcsin": .zero, "arctan": .zero, "cos": .one, "sec": .one,
        // Hyperbolic.
        "sinh": .zero, "tanh": .zero, "cosh": .one,
        // Exponential.
        "exp": .one,
    ]
    /// Elementary functions that are rational at 1, with that value (the logarithms).
    private static let valueAtOne: [String: Rational] = ["ln": .zero, "log10": .zero]

    /// sin, cos, tan, sec, csc, cot and their inverses; sinh, cosh, tanh; exp, ln, log10: exact at the points
    /// above, else numerical. Any other name is NaN in `Complex.apply`, so `.fail`.
    private mutating func elementary(_ f: String, _ x: Node) -> Value {
        let v = value(x)
        if case .exact(let e) = v {
            if e.isZero, let r = Evaluator.valueAtZero[f] { return .exact(ExactComplex(r)) }
            if e.isReal, e.re == .one, let r = Evaluator.valueAtOne[f] { return .exact(ExactComplex(r)) }
        }
        guard let c = v.approxValue else { return .fail }
        let r = Complex.apply(f, c)
        // exp's error is relative to its value (exp(-50) is not zero); the others are kept at their argument's.
        if f == "exp" {
            let scale = r.magnitude * (v.scale + 1)
            return scale.isFinite ? Evaluator.approx(r, scale) : .fail
        }
        return Evaluator.approx(r, Swift.max(v.scale, r.magnitude))
    }

    /// `\log_b x`, numerically.
    private mutating func logarithm(_ args: [Node]) -> Value {
        guard args.count == 2 else { return .fail }
        let b = value(args[0])
        let x = value(args[1])
        guard let cb = b.approxValue, let cx = x.approxValue else { return .fail }
        let r = Complex.clog(cx) / Complex.clog(cb)
        return Evaluator.approx(r, Swift.max(r.magnitude, 1))
    }
}
