/// The value of a variable-free expression: exact, approximate (with the magnitude of its largest intermediate), or unknown (internal).
enum Value: Sendable {
    case exact(ExactComplex)
    case approx(Complex, scale: Double)
    case fail

    var approxValue: Complex? {
        switch self {
        case .exact(let e): return e.approx
        case .approx(let c, _): return c
        case .fail: return nil
        }
    }
    var scale: Double {
        switch self {
        case .exact(let e): return e.approx.magnitude
        case .approx(let c, let s): return Swift.max(s, c.magnitude)
        case .fail: return 0
        }
    }
    var exactRational: Rational? {
        if case .exact(let e) = self, e.isReal { return e.re }
        return nil
    }
}
