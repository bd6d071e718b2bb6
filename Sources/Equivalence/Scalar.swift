/// A single mathematical expression, pre-evaluated for fast comparison (internal).
struct Scalar: Sendable {
    /// Free variables, sorted.
    let vars: [String]
    /// Value when there are no variables.
    let value: Value
    /// Values at the deterministic sample points when there are variables.
    let samples: [Value]
    /// Canonical structure text (fallback when values are unknown).
    let structural: String
    /// The tree, kept for equation arithmetic.
    let node: Node
    /// True when a literal has a large denominator (a long decimal such as 3.141592653589793): such an
    /// expression is never matched against a float-evaluated one by tolerance.
    let hasLongLiteral: Bool

    static let sampleCount = 6

    init(_ n: Node) {
        node = n
        structural = Canonical.text(n)
        var long = false
        var stack = [n]
        while let x = stack.popLast(), !long {
            if case .num(let r) = x, r.denominator.bitWidth > 16 { long = true }
            stack.append(contentsOf: x.children)
        }
        hasLongLiteral = long
        var vs = Set<String>()
        Scalar.collectVariables(n, into: &vs)
        vars = vs.sorted()
        var ev = Evaluator()
        let size = Scalar.nodeCount(n, limit: EquivalenceLimits.countedNodes)
        // Large trees are evaluated numerically only (bounded time); small ones exactly where possible.
        let exactNodes = vars.isEmpty ? EquivalenceLimits.exactNodes : EquivalenceLimits.exactNodesWithVariables
        ev.setBudget(size > exactNodes ? 0 : EquivalenceLimits.exactWork)
        if vars.isEmpty {
            value = ev.value(n)
            samples = []
        } else {
            value = .fail
            var s: [Value] = []
            for k in 0..<Scalar.sampleCount {
                var env: [String: ExactComplex] = [:]
                for v in vars { env[v] = ExactComplex(Scalar.samplePoint(v, k)) }
                ev.env = env
                s.append(ev.value(n))
            }
            samples = s
        }
    }

    /// Deterministic pseudo-random sample value for a variable name and sample index.
    static func samplePoint(_ name: String, _ k: Int) -> Rational {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in name.utf8 { h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01b3 }
        var z = h &+ UInt64(k + 1) &* 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        z = z ^ (z >> 31)
        var num = 35 + Int(z % 250)
        if num % 100 == 0 || num % 50 == 0 { num += 3 }
        let r = Rational(BigInt(num), BigInt(100)) ?? .one
        return k < 4 ? r : -r
    }

    static func nodeCount(_ n: Node, limit: Int) -> Int {
        var count = 0
        var stack = [n]
        while let x = stack.popLast(), count < limit {
            count += 1
            switch x {
            case .add(let xs), .mul(let xs): stack.append(contentsOf: xs)
            case .neg(let a): stack.append(a)
            case .div(let a, let b), .pow(let a, let b): stack.append(a); stack.append(b)
            case .fn(_, let args): stack.append(contentsOf: args)
            default: break
            }
        }
        return count
    }

    static func collectVariables(_ n: Node, into s: inout Set<String>) {
        switch n {
        case .sym(let name): s.insert(name)
        case .fn(let f, let args):
            if f.hasPrefix("call:") { s.insert(Canonical.text(n)); return }
            if f == "sum" || f == "prod" || f == "int" || f == "lim" { s.insert("?" + Canonical.text(n)); return }
            for a in args { collectVariables(a, into: &s) }
        case .add(let xs), .mul(let xs): for x in xs { collectVariables(x, into: &s) }
        case .neg(let x): collectVariables(x, into: &s)
        case .div(let a, let b), .pow(let a, let b):
            collectVariables(a, into: &s)
            collectVariables(b, into: &s)
        case .num, .const: break
        default: s.insert("?" + Canonical.text(n))
        }
    }

    static func hasVariables(_ n: Node) -> Bool {
        switch n {
        case .sym: return true
        case .fn(let f, let args): return f.hasPrefix("call:") || args.contains(where: hasVariables)
        case .add(let xs), .mul(let xs): return xs.contains(where: hasVariables)
        case .neg(let x): return hasVariables(x)
        case .div(let a, let b), .pow(let a, let b): return hasVariables(a) || hasVariables(b)
        case .num, .const: return false
        default: return true
        }
    }

    /// True when the variables are all evaluable (no opaque parts).
    var evaluable: Bool { !vars.contains(where: { $0.hasPrefix("?") }) }

    /// A key for exact values (nil otherwise).
    var key: String? {
        if vars.isEmpty {
            switch value {
            case .exact(let e): return "Q" + e.re.description + (e.isReal ? "" : "i" + e.im.description)
            case .fail: return "S" + structural
            case .approx: return nil
            }
        }
        return nil
    }

    static func close(_ a: Complex, _ b: Complex, _ scale: Double, _ tol: Double) -> Bool {
        let t = tol * Swift.max(scale, a.magnitude, b.magnitude)
        return Swift.abs(a.re - b.re) <= t && Swift.abs(a.im - b.im) <= t
    }

    /// Exact-versus-approximate: only when the exact value is a "simple" rational (small denominator).
    static func closeToExact(_ e: ExactComplex, _ c: Complex, _ scale: Double, denominatorBits: Int = 20) -> Bool {
        let simple = e.re.denominator.bitWidth <= denominatorBits && e.im.denominator.bitWidth <= denominatorBits
            && e.re.numerator.bitWidth <= 60 + denominatorBits && e.im.numerator.bitWidth <= 60 + denominatorBits
        guard simple else { return false }
        return close(e.approx, c, Swift.max(scale, 1e-300), 1e-12)
    }

    static func valuesEqual(_ a: Value, _ b: Value, denominatorBits: Int = 20) -> Bool {
        switch (a, b) {
        case (.exact(let x), .exact(let y)): return x == y
        case (.exact(let x), .approx(let c, let s)), (.approx(let c, let s), .exact(let x)):
            return closeToExact(x, c, s, denominatorBits: denominatorBits)
        case (.approx(let x, let s1), .approx(let y, let s2)): return close(x, y, Swift.max(s1, s2), 1e-12)
        default: return false
        }
    }

    /// Equivalence of two scalars.
    static func equal(_ a: Scalar, _ b: Scalar) -> Bool {
        if a.structural == b.structural { return true }
        if a.vars.isEmpty && b.vars.isEmpty { return valuesEqual(a.value, b.value) && !provablyDifferent(a, b) }
        // Sample points depend only on (variable name, index), so answers over different variable sets
        // can be compared point by point (a variable that one side lacks simply does not matter to it).
        if !a.evaluable || !b.evaluable { return false }
        var valid = 0
        for k in 0..<Scalar.sampleCount {
            let x = a.vars.isEmpty ? a.value : a.samples[k]
            let y = b.vars.isEmpty ? b.value : b.samples[k]
            if case .fail = x { continue }
            if case .fail = y { continue }
            if case .exact = x, case .approx = y, a.hasLongLiteral { return false }
            if case .approx = x, case .exact = y, b.hasLongLiteral { return false }
            if !valuesEqual(x, y, denominatorBits: 64) { return false }
            valid += 1
        }
        return valid >= 3
    }

    /// True when two constants that are numerically equal differ by an exact argument (`Irrationality`):
    /// `\pi + 10^{-14}` is not `\pi`, `e^{-50}` is not 0. Asked only after the numeric test said equal, so
    /// the terms are split then rather than for every answer.
    static func provablyDifferent(_ a: Scalar, _ b: Scalar) -> Bool {
        switch (a.value, b.value) {
        case (.approx, .approx), (.exact, .approx), (.approx, .exact):
            guard let ta = Irrationality.Terms(a.node), let tb = Irrationality.Terms(b.node) else { return false }
            return Irrationality.Terms.differ(ta, tb)
        default:
            return false
        }
    }

    /// True when f = c * g for a constant c (non-zero; positive when requested) at every sample.
    static func proportional(_ f: Scalar, _ g: Scalar, positive: Bool) -> Bool {
        if f.vars != g.vars || !f.evaluable { return false }
        if f.vars.isEmpty { return f.structural == g.structural }
        var ratio: Value? = nil
        var valid = 0
        for k in 0..<Swift.min(f.samples.count, g.samples.count) {
            let x = f.samples[k]
            let y = g.samples[k]
            if case .fail = x { continue }
            if case .fail = y { continue }
            let yIsZero: Bool
            switch y {
            case .exact(let e): yIsZero = e.isZero
            case .approx(let c, let s): yIsZero = c.magnitude <= 1e-12 * Swift.max(s, 1e-300)
            case .fail: yIsZero = true
            }
            if ratio == nil {
                if yIsZero {
                    if valuesEqual(x, y, denominatorBits: 64) { continue }
                    return false
                }
                var q: Value
                if case .exact(let ex) = x, case .exact(let ey) = y, let e = ex / ey {
                    q = .exact(e)
                } else {
                    guard let cx = x.approxValue, let cy = y.approxValue else { return false }
                    let c = cx / cy
                    if !c.isFinite { return false }
                    q = .approx(c, scale: c.magnitude)
                }
                guard let qc = q.approxValue, qc.magnitude > 0 else { return false }
                if positive && (qc.re <= 0 || Swift.abs(qc.im) > 1e-9 * qc.magnitude) { return false }
                ratio = q
            }
            guard let r = ratio else { continue }
            var scaled: Value
            if case .exact(let er) = r, case .exact(let ey) = y, let p = er * ey {
                scaled = .exact(p)
            } else {
                guard let cr = r.approxValue, let cy = y.approxValue else { return false }
                scaled = .approx(cr * cy, scale: Swift.max(y.scale * cr.magnitude, (cr * cy).magnitude))
            }
            if !valuesEqual(x, scaled, denominatorBits: 64) { return false }
            valid += 1
        }
        return valid >= 3
    }
}
