/// An exact rational number in lowest terms with a positive denominator (internal).
struct Rational: Sendable, Hashable, CustomStringConvertible {
    /// Numerator (carries the sign).
    let numerator: BigInt
    /// Denominator (always positive).
    let denominator: BigInt

    /// Zero.
    static let zero = Rational(integer: .zero)
    /// One.
    static let one = Rational(integer: .one)

    /// An integer as a rational.
    init(integer: BigInt) {
        numerator = integer
        denominator = .one
    }

    /// A machine integer as a rational.
    init(_ v: Int) { self.init(integer: BigInt(v)) }

    init(reduced n: BigInt, _ d: BigInt) {
        numerator = n
        denominator = d
    }

    /// n/d reduced to lowest terms; nil when d is zero or the parts are too large.
    init?(_ n: BigInt, _ d: BigInt) {
        if d.isZero { return nil }
        if n.bitWidth > EquivalenceLimits.integerBits || d.bitWidth > EquivalenceLimits.integerBits { return nil }
        var nn = n
        var dd = d
        if dd.negative { nn = -nn; dd = -dd }
        if dd.isOne { self.init(reduced: nn, dd); return }
        let g = BigInt.gcd(nn, dd)
        if !g.isOne && !g.isZero {
            guard let a = nn.quotientAndRemainder(dividingBy: g), let b = dd.quotientAndRemainder(dividingBy: g) else { return nil }
            nn = a.quotient
            dd = b.quotient
        }
        self.init(reduced: nn, dd)
    }

    /// True when zero.
    var isZero: Bool { numerator.isZero }
    /// True when the denominator is one.
    var isInteger: Bool { denominator.isOne }
    /// True when below zero.
    var isNegative: Bool { numerator.negative }
    /// The value as a Double (may be infinite or lose precision).
    var doubleValue: Double {
        let nb = numerator.bitWidth
        let db = denominator.bitWidth
        if nb < 1000 && db < 1000 { return numerator.doubleValue / denominator.doubleValue }
        // Scale both down to avoid inf/inf.
        let shift = max(nb, db) - 900
        let n = Rational.dropLowBits(numerator, shift)
        let d = Rational.dropLowBits(denominator, shift)
        if d.isZero { return numerator.negative ? -.infinity : .infinity }
        return n.doubleValue / d.doubleValue
    }

    static func dropLowBits(_ x: BigInt, _ bits: Int) -> BigInt {
        if bits <= 0 { return x }
        let divisor = BigInt.one.shifted(byBits: bits)
        return x.quotientAndRemainder(dividingBy: divisor)?.quotient ?? .zero
    }

    /// Text such as "3", "-1/2".
    var description: String {
        isInteger ? numerator.description : numerator.description + "/" + denominator.description
    }

    /// Negation.
    static prefix func - (x: Rational) -> Rational { Rational(reduced: -x.numerator, x.denominator) }

    /// Both parts as Int64 when they fit in one limb (the fast path).
    private var small: (n: Int64, d: Int64)? {
        guard numerator.bitWidth <= 31, denominator.bitWidth <= 31, let n = numerator.intValue, let d = denominator.intValue else { return nil }
        return (Int64(n), Int64(d))
    }

    private static func fromSmall(_ n: Int64, _ d: Int64) -> Rational? {
        if d == 0 { return nil }
        var a = n.magnitude
        var b = d.magnitude
        while b != 0 { (a, b) = (b, a % b) }
        let g = Int64(a)
        var nn = n / g
        var dd = d / g
        if dd < 0 { nn = -nn; dd = -dd }
        return Rational(reduced: BigInt(Int(nn)), BigInt(Int(dd)))
    }

    /// Sum, nil when too large.
    static func + (a: Rational, b: Rational) -> Rational? {
        if let x = a.small, let y = b.small {
            let (p, o1) = x.n.multipliedReportingOverflow(by: y.d)
            let (q, o2) = y.n.multipliedReportingOverflow(by: x.d)
            let (s, o3) = p.addingReportingOverflow(q)
            let (d, o4) = x.d.multipliedReportingOverflow(by: y.d)
            if !(o1 || o2 || o3 || o4) && s != Int64.min { return fromSmall(s, d) }
        }
        if a.isInteger && b.isInteger { return Rational(a.numerator + b.numerator, .one) }
        return Rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator)
    }

    /// Difference, nil when too large.
    static func - (a: Rational, b: Rational) -> Rational? { a + (-b) }

    /// Product, nil when too large.
    static func * (a: Rational, b: Rational) -> Rational? {
        if let x = a.small, let y = b.small {
            let (n, o1) = x.n.multipliedReportingOverflow(by: y.n)
            let (d, o2) = x.d.multipliedReportingOverflow(by: y.d)
            if !(o1 || o2) && n != Int64.min { return fromSmall(n, d) }
        }
        // Refuse before multiplying when the product is far too large; Rational(_:_:) checks the exact size.
        if a.numerator.bitWidth + b.numerator.bitWidth > EquivalenceLimits.integerBits + 64 { return nil }
        if a.denominator.bitWidth + b.denominator.bitWidth > EquivalenceLimits.integerBits + 64 { return nil }
        return Rational(a.numerator * b.numerator, a.denominator * b.denominator)
    }

    /// Quotient, nil for division by zero or when too large.
    static func / (a: Rational, b: Rational) -> Rational? {
        if b.isZero { return nil }
        if let x = a.small, let y = b.small {
            let (n, o1) = x.n.multipliedReportingOverflow(by: y.d)
            let (d, o2) = x.d.multipliedReportingOverflow(by: y.n)
            if !(o1 || o2) && n != Int64.min && d != Int64.min { return fromSmall(n, d) }
        }
        // Refuse before multiplying when the products are far too large; Rational(_:_:) checks the exact size.
        if a.numerator.bitWidth + b.denominator.bitWidth > EquivalenceLimits.integerBits + 64 { return nil }
        if a.denominator.bitWidth + b.numerator.bitWidth > EquivalenceLimits.integerBits + 64 { return nil }
        return Rational(a.numerator * b.denominator, a.denominator * b.numerator)
    }

    /// Integer power, nil when too large or 0^negative.
    func power(_ e: Int) -> Rational? {
        if e == 0 { return .one }
        if e < 0 {
            if isZero { return nil }
            guard e > Int.min, let p = power(-e) else { return nil }
            return Rational(p.denominator, p.numerator)
        }
        guard let n = numerator.power(e), let d = denominator.power(e) else { return nil }
        return Rational(reduced: n, d)
    }

    /// Exact n-th root when it is rational (odd roots of negatives are real), else nil.
    func root(_ n: Int) -> Rational? {
        if n < 1 || n > EquivalenceLimits.rootIndex { return nil }
        if n == 1 { return self }
        // Newton iterations on huge numbers are not worth their cost.
        if numerator.bitWidth + denominator.bitWidth > EquivalenceLimits.rootOperandBits { return nil }
        if isNegative {
            if n % 2 == 0 { return nil }
            guard let r = (-self).root(n) else { return nil }
            return -r
        }
        guard let a = numerator.exactRoot(n), let b = denominator.exactRoot(n) else { return nil }
        return Rational(reduced: a, b)
    }
}
