#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A double-precision complex number for numerical evaluation (internal).
struct Complex: Sendable, Equatable {
    var re: Double
    var im: Double

    init(_ re: Double, _ im: Double = 0) {
        self.re = re
        self.im = im
    }

    static let nan = Complex(.nan, .nan)

    var isFinite: Bool { re.isFinite && im.isFinite }
    var isReal: Bool { im == 0 }
    var magnitude: Double { hypot(re, im) }

    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func - (a: Complex, b: Complex) -> Complex { Complex(a.re - b.re, a.im - b.im) }
    static prefix func - (a: Complex) -> Complex { Complex(-a.re, -a.im) }
    static func * (a: Complex, b: Complex) -> Complex {
        if a.im == 0 && b.im == 0 { return Complex(a.re * b.re) }
        return Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    }
    static func / (a: Complex, b: Complex) -> Complex {
        if b.im == 0 {
            if b.re == 0 { return .nan }
            return Complex(a.re / b.re, a.im / b.re)
        }
        let d = b.re * b.re + b.im * b.im
        if d == 0 { return .nan }
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }

    static func cexp(_ z: Complex) -> Complex {
        if z.im == 0 { return Complex(RealMath.exp(z.re)) }
        let m = RealMath.exp(z.re)
        return Complex(m * RealMath.cos(z.im), m * RealMath.sin(z.im))
    }

    static func clog(_ z: Complex) -> Complex {
        if z.im == 0 && z.re > 0 { return Complex(RealMath.log(z.re)) }
        if z.re == 0 && z.im == 0 { return .nan }
        return Complex(RealMath.log(z.magnitude), atan2(z.im, z.re))
    }

    static func csqrt(_ z: Complex) -> Complex {
        if z.im == 0 {
            return z.re >= 0 ? Complex(RealMath.sqrt(z.re)) : Complex(0, RealMath.sqrt(-z.re))
        }
        let m = z.magnitude
        let r = RealMath.sqrt((m + z.re) / 2)
        let i = RealMath.sqrt((m - z.re) / 2)
        return Complex(r, z.im < 0 ? -i : i)
    }

    /// Power; real odd roots of negative reals when the exponent is a known rational p/q with q odd.
    static func cpow(_ a: Complex, _ b: Complex, exactExponent: Rational?) -> Complex {
        if b.im == 0 && a.im == 0 {
            if b.re == b.re.rounded() && Swift.abs(b.re) < 1e15 { return Complex(RealMath.pow(a.re, b.re)) }
            if a.re >= 0 { return Complex(RealMath.pow(a.re, b.re)) }
            if let q = exactExponent, !q.denominator.isEven, let pn = q.numerator.intValue, let qd = q.denominator.intValue {
                let mag = RealMath.pow(-a.re, Double(pn) / Double(qd))
                return Complex(pn & 1 == 0 ? mag : -mag)
            }
        }
        if a.re == 0 && a.im == 0 { return (b.re > 0) ? Complex(0) : .nan }
        return cexp(b * clog(a))
    }

    static func csin(_ z: Complex) -> Complex {
        if z.im == 0 { return Complex(RealMath.sin(z.re)) }
        return Complex(RealMath.sin(z.re) * cosh(z.im), RealMath.cos(z.re) * sinh(z.im))
    }

    static func ccos(_ z: Complex) -> Complex {
        if z.im == 0 { return Complex(RealMath.cos(z.re)) }
        return Complex(RealMath.cos(z.re) * cosh(z.im), -RealMath.sin(z.re) * sinh(z.im))
    }

    /// Applies a named real/complex function; NaN when undefined.
    static func apply(_ name: String, _ z: Complex) -> Complex {
        switch name {
        case "sin": return csin(z)
        case "cos": return ccos(z)
        case "tan": return csin(z) / ccos(z)
        case "sec": return Complex(1) / ccos(z)
        case "csc": return Complex(1) / csin(z)
        case "cot": return ccos(z) / csin(z)
        case "exp": return cexp(z)
        case "ln": return clog(z)
        case "log10": return clog(z) / Complex(RealMath.log(10))
        case "sqrt": return csqrt(z)
        case "abs": return Complex(z.magnitude)
        case "sinh": return (cexp(z) - cexp(-z)) / Complex(2)
        case "cosh": return (cexp(z) + cexp(-z)) / Complex(2)
        case "tanh": return (cexp(z) - cexp(-z)) / (cexp(z) + cexp(-z))
        case "floor": return z.im == 0 ? Complex(z.re.rounded(.down)) : .nan
        case "ceil": return z.im == 0 ? Complex(z.re.rounded(.up)) : .nan
        default: break
        }
        guard z.im == 0 else { return .nan }
        let x = z.re
        switch name {
        case "arcsin": return x >= -1 && x <= 1 ? Complex(asin(x)) : .nan
        case "arccos": return x >= -1 && x <= 1 ? Complex(acos(x)) : .nan
        case "arctan": return Complex(atan(x))
        case "arccot": return Complex(atan(1 / x))
        case "arcsec": return Complex(acos(1 / x))
        case "arccsc": return Complex(asin(1 / x))
        case "fact":
            if x < 0 && x == x.rounded() { return .nan }
            return Complex(tgamma(x + 1))
        default: return .nan
        }
    }
}
