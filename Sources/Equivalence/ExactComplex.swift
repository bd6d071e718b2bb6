/// An exact complex number with rational parts (internal).
struct ExactComplex: Sendable, Hashable {
    var re: Rational
    var im: Rational

    init(_ re: Rational, _ im: Rational = .zero) {
        self.re = re
        self.im = im
    }

    var isReal: Bool { im.isZero }
    var isZero: Bool { re.isZero && im.isZero }
    var approx: Complex { Complex(re.doubleValue, im.doubleValue) }

    static func + (a: ExactComplex, b: ExactComplex) -> ExactComplex? {
        guard let r = a.re + b.re, let i = a.im + b.im else { return nil }
        return ExactComplex(r, i)
    }
    static prefix func - (a: ExactComplex) -> ExactComplex { ExactComplex(-a.re, -a.im) }
    static func * (a: ExactComplex, b: ExactComplex) -> ExactComplex? {
        if a.isReal && b.isReal {
            guard let r = a.re * b.re else { return nil }
            return ExactComplex(r)
        }
        guard let ac = a.re * b.re, let bd = a.im * b.im, let ad = a.re * b.im, let bc = a.im * b.re,
              let r = ac - bd, let i = ad + bc else { return nil }
        return ExactComplex(r, i)
    }
    static func / (a: ExactComplex, b: ExactComplex) -> ExactComplex? {
        if b.isZero { return nil }
        if b.isReal {
            guard let r = a.re / b.re, let i = a.im / b.re else { return nil }
            return ExactComplex(r, i)
        }
        guard let c2 = b.re * b.re, let d2 = b.im * b.im, let den = c2 + d2 else { return nil }
        let conj = ExactComplex(b.re, -b.im)
        guard let num = a * conj, let r = num.re / den, let i = num.im / den else { return nil }
        return ExactComplex(r, i)
    }
    /// Integer power by squaring (bounded by `EquivalenceLimits.integerBits`).
    func power(_ e: Int) -> ExactComplex? {
        if isReal {
            guard let r = re.power(e) else { return nil }
            return ExactComplex(r)
        }
        if e < 0 {
            guard e > Int.min, let p = power(-e) else { return nil }
            return ExactComplex(.one) / p
        }
        var result = ExactComplex(.one)
        var base = self
        var k = e
        var guardSteps = 0
        while k > 0 && guardSteps < 64 {
            guardSteps += 1
            if k & 1 == 1 { guard let r = result * base else { return nil }; result = r }
            k >>= 1
            if k > 0 { guard let b = base * base else { return nil }; base = b }
        }
        return result
    }
}
