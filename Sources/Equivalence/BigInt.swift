/// An arbitrary-precision signed integer (sign and magnitude, base 2^32 limbs), the backbone of exact rational
/// arithmetic (internal).
struct BigInt: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// True for values below zero (never set for zero).
    private(set) var negative: Bool
    /// Magnitude, little-endian base-2^32 limbs with no high zero limbs (empty for zero).
    private(set) var limbs: [UInt32]

    /// Zero.
    static let zero = BigInt(negative: false, limbs: [])
    /// One.
    static let one = BigInt(1)

    init(negative: Bool, limbs: [UInt32]) {
        var l = limbs
        while let last = l.last, last == 0 { l.removeLast() }
        self.limbs = l
        self.negative = l.isEmpty ? false : negative
    }

    /// Makes a BigInt from a machine integer.
    init(_ value: Int) {
        let mag = value.magnitude
        var l: [UInt32] = []
        if mag != 0 {
            l.append(UInt32(truncatingIfNeeded: mag))
            let hi = UInt32(truncatingIfNeeded: mag >> 32)
            if hi != 0 { l.append(hi) }
        }
        self.init(negative: value < 0, limbs: l)
    }

    /// Parses a run of ASCII decimal digits (no sign); nil when empty, not digits, or too long.
    init?<C: Collection>(decimalDigits digits: C) where C.Element == UInt8 {
        if digits.isEmpty || digits.count > EquivalenceLimits.decimalDigits { return nil }
        var result: [UInt32] = []
        var chunk: UInt32 = 0
        var chunkLen = 0
        for d in digits {
            guard ASCII.isDigit(d) else { return nil }
            chunk = chunk * 10 + UInt32(d - UInt8(ascii: "0"))
            chunkLen += 1
            if chunkLen == 9 {
                BigInt.mulAddSmall(&result, 1_000_000_000, chunk)
                chunk = 0
                chunkLen = 0
            }
        }
        if chunkLen > 0 {
            var p: UInt32 = 1
            for _ in 0..<chunkLen { p *= 10 }
            BigInt.mulAddSmall(&result, p, chunk)
        }
        self.init(negative: false, limbs: result)
    }

    /// True when the value is zero.
    var isZero: Bool { limbs.isEmpty }
    /// True when the value is one.
    var isOne: Bool { !negative && limbs.count == 1 && limbs[0] == 1 }
    /// Number of significant bits of the magnitude.
    var bitWidth: Int {
        guard let top = limbs.last else { return 0 }
        return limbs.count * 32 - top.leadingZeroBitCount
    }
    /// True when the value is even.
    var isEven: Bool { limbs.isEmpty || limbs[0] & 1 == 0 }
    /// The absolute value.
    var magnitude: BigInt { BigInt(negative: false, limbs: limbs) }
    /// The value as an Int when it fits.
    var intValue: Int? {
        if limbs.count > 2 { return nil }
        var m: UInt64 = 0
        for (i, l) in limbs.enumerated() { m |= UInt64(l) << (32 * UInt64(i)) }
        if m > UInt64(Int.max) { return nil }
        return negative ? -Int(m) : Int(m)
    }
    /// The value as a Double (rounded; infinite when out of range).
    var doubleValue: Double {
        var d = 0.0
        for l in limbs.reversed() { d = d * 4294967296.0 + Double(l) }
        return negative ? -d : d
    }

    static func mulAddSmall(_ mag: inout [UInt32], _ m: UInt32, _ a: UInt32) {
        var carry = UInt64(a)
        for i in 0..<mag.count {
            let p = UInt64(mag[i]) * UInt64(m) + carry
            mag[i] = UInt32(truncatingIfNeeded: p)
            carry = p >> 32
        }
        if carry != 0 { mag.append(UInt32(carry)) }
    }

    static func compareMag(_ a: [UInt32], _ b: [UInt32]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        var i = a.count - 1
        while i >= 0 {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i -= 1
        }
        return 0
    }

    static func addMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        var r = [UInt32](repeating: 0, count: long.count + 1)
        var carry: UInt64 = 0
        for i in 0..<long.count {
            let s = UInt64(long[i]) + (i < short.count ? UInt64(short[i]) : 0) + carry
            r[i] = UInt32(truncatingIfNeeded: s)
            carry = s >> 32
        }
        r[long.count] = UInt32(carry)
        return r
    }

    /// a - b for |a| >= |b|.
    static func subMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var r = a
        var borrow: Int64 = 0
        for i in 0..<a.count {
            let t = Int64(a[i]) - (i < b.count ? Int64(b[i]) : 0) - borrow
            r[i] = UInt32(truncatingIfNeeded: t)
            borrow = t < 0 ? 1 : 0
        }
        return r
    }

    static func mulMag(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        if a.isEmpty || b.isEmpty { return [] }
        var r = [UInt32](repeating: 0, count: a.count + b.count)
        for i in 0..<a.count {
            var carry: UInt64 = 0
            let ai = UInt64(a[i])
            if ai == 0 { continue }
            for j in 0..<b.count {
                let t = ai * UInt64(b[j]) + UInt64(r[i + j]) + carry
                r[i + j] = UInt32(truncatingIfNeeded: t)
                carry = t >> 32
            }
            r[i + b.count] = UInt32(truncatingIfNeeded: carry)
        }
        return r
    }

    static func divModSmallMag(_ a: [UInt32], _ d: UInt32) -> ([UInt32], UInt32) {
        var q = [UInt32](repeating: 0, count: a.count)
        var rem: UInt64 = 0
        var i = a.count - 1
        while i >= 0 {
            let cur = (rem << 32) | UInt64(a[i])
            q[i] = UInt32(truncatingIfNeeded: cur / UInt64(d))
            rem = cur % UInt64(d)
            i -= 1
        }
        return (q, UInt32(rem))
    }

    static func shiftLeftMag(_ a: [UInt32], _ s: Int) -> [UInt32] {
        if s == 0 { return a + [0] }
        var r = [UInt32](repeating: 0, count: a.count + 1)
        for i in 0..<a.count {
            r[i] |= a[i] << UInt32(s)
            r[i + 1] = a[i] >> UInt32(32 - s)
        }
        return r
    }

    /// Knuth algorithm D on magnitudes; divisor must be non-zero.
    static func divModMag(_ u: [UInt32], _ v: [UInt32]) -> (q: [UInt32], r: [UInt32]) {
        if compareMag(u, v) < 0 { return ([], u) }
        if v.count == 1 {
            let (q, r) = divModSmallMag(u, v[0])
            return (q, r == 0 ? [] : [r])
        }
        let n = v.count
        let m = u.count - n
        let s = v[n - 1].leadingZeroBitCount
        var vn = shiftLeftMag(v, s)
        vn.removeLast()
        var un = shiftLeftMag(u, s)
        var q = [UInt32](repeating: 0, count: m + 1)
        let base: UInt64 = 1 << 32
        var j = m
        while j >= 0 {
            let num = (UInt64(un[j + n]) << 32) | UInt64(un[j + n - 1])
            var qhat = num / UInt64(vn[n - 1])
            var rhat = num % UInt64(vn[n - 1])
            while qhat >= base || qhat * UInt64(vn[n - 2]) > ((rhat << 32) | UInt64(un[j + n - 2])) {
                qhat -= 1
                rhat += UInt64(vn[n - 1])
                if rhat >= base { break }
            }
            var borrow: Int64 = 0
            var carry: UInt64 = 0
            for i in 0..<n {
                let p = qhat * UInt64(vn[i]) + carry
                carry = p >> 32
                let t = Int64(un[i + j]) - borrow - Int64(p & 0xffff_ffff)
                un[i + j] = UInt32(truncatingIfNeeded: t)
                borrow = t < 0 ? 1 : 0
            }
            let t = Int64(un[j + n]) - borrow - Int64(carry)
            un[j + n] = UInt32(truncatingIfNeeded: t)
            if t < 0 {
                qhat -= 1
                var c: UInt64 = 0
                for i in 0..<n {
                    let s2 = UInt64(un[i + j]) + UInt64(vn[i]) + c
                    un[i + j] = UInt32(truncatingIfNeeded: s2)
                    c = s2 >> 32
                }
                un[j + n] = UInt32(truncatingIfNeeded: UInt64(un[j + n]) + c)
            }
            q[j] = UInt32(truncatingIfNeeded: qhat)
            j -= 1
        }
        var r = [UInt32](repeating: 0, count: n)
        for i in 0..<n {
            if s == 0 {
                r[i] = un[i]
            } else {
                r[i] = (un[i] >> UInt32(s)) | (un[i + 1] << UInt32(32 - s))
            }
        }
        return (q, r)
    }

    /// Negation.
    static prefix func - (x: BigInt) -> BigInt { BigInt(negative: !x.negative, limbs: x.limbs) }

    /// Sum.
    static func + (a: BigInt, b: BigInt) -> BigInt {
        if a.negative == b.negative { return BigInt(negative: a.negative, limbs: addMag(a.limbs, b.limbs)) }
        let c = compareMag(a.limbs, b.limbs)
        if c == 0 { return .zero }
        if c > 0 { return BigInt(negative: a.negative, limbs: subMag(a.limbs, b.limbs)) }
        return BigInt(negative: b.negative, limbs: subMag(b.limbs, a.limbs))
    }

    /// Difference.
    static func - (a: BigInt, b: BigInt) -> BigInt { a + (-b) }

    /// Product (unchecked size; callers bound operands).
    static func * (a: BigInt, b: BigInt) -> BigInt {
        BigInt(negative: a.negative != b.negative, limbs: mulMag(a.limbs, b.limbs))
    }

    /// Truncated division and remainder; nil for a zero divisor.
    func quotientAndRemainder(dividingBy d: BigInt) -> (quotient: BigInt, remainder: BigInt)? {
        if d.isZero { return nil }
        let (q, r) = BigInt.divModMag(limbs, d.limbs)
        return (BigInt(negative: negative != d.negative, limbs: q), BigInt(negative: negative, limbs: r))
    }

    /// Greatest common divisor (non-negative).
    static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        var x = a.limbs
        var y = b.limbs
        while !y.isEmpty {
            if x.count <= 2 && y.count <= 2 {
                var p = UInt64(x.first ?? 0) | (x.count > 1 ? UInt64(x[1]) << 32 : 0)
                var q = UInt64(y.first ?? 0) | (y.count > 1 ? UInt64(y[1]) << 32 : 0)
                while q != 0 { (p, q) = (q, p % q) }
                return BigInt(negative: false, limbs: [UInt32(truncatingIfNeeded: p), UInt32(truncatingIfNeeded: p >> 32)])
            }
            let r = divModMag(x, y).r
            var rr = r
            while let last = rr.last, last == 0 { rr.removeLast() }
            x = y
            y = rr
        }
        return BigInt(negative: false, limbs: x)
    }

    /// Power; nil for a negative exponent, or when (bitWidth - 1) × e, a lower bound of the result's size, exceeds
    /// `EquivalenceLimits.integerBits`.
    func power(_ e: Int) -> BigInt? {
        if e < 0 { return nil }
        if e == 0 { return .one }
        if isZero { return .zero }
        if limbs.count == 1 && limbs[0] == 1 { return (negative && e & 1 == 1) ? -BigInt.one : .one }
        let est = (bitWidth - 1) * e
        if est > EquivalenceLimits.integerBits { return nil }
        var result = BigInt.one
        var base = self
        var k = e
        while k > 0 {
            if k & 1 == 1 { result = result * base }
            k >>= 1
            if k > 0 { base = base * base }
        }
        return result
    }

    /// Exact integer n-th root of a non-negative value when it exists.
    func exactRoot(_ n: Int) -> BigInt? {
        if negative || n < 1 { return nil }
        if n == 1 || isZero || isOne { return self }
        // Newton iteration from an upper bound.
        let bits = bitWidth
        var x = BigInt.one.shifted(byBits: (bits + n - 1) / n)
        let nB = BigInt(n)
        let nm1 = BigInt(n - 1)
        var guardCount = 0
        while guardCount < EquivalenceLimits.newtonSteps {
            guardCount += 1
            guard let xp = x.power(n - 1), let (q, _) = self.quotientAndRemainder(dividingBy: xp),
                  let (y, _) = (nm1 * x + q).quotientAndRemainder(dividingBy: nB) else { return nil }
            if y >= x { break }
            x = y
        }
        guard let check = x.power(n), check == self else { return nil }
        return x
    }

    /// Multiplies by 2^k (k >= 0).
    func shifted(byBits k: Int) -> BigInt {
        let limbShift = k / 32
        let bitShift = k % 32
        var l = [UInt32](repeating: 0, count: limbShift) + limbs
        if bitShift > 0 {
            l = BigInt.shiftLeftMag(l, bitShift)
        }
        return BigInt(negative: negative, limbs: l)
    }

    /// Decimal text.
    var description: String {
        if limbs.isEmpty { return "0" }
        var parts: [UInt32] = []
        var cur = limbs
        while !cur.isEmpty {
            let (q, r) = BigInt.divModSmallMag(cur, 1_000_000_000)
            parts.append(r)
            cur = q
            while let last = cur.last, last == 0 { cur.removeLast() }
        }
        var s = negative ? "-" : ""
        s += String(parts[parts.count - 1])
        for p in parts.dropLast().reversed() {
            let t = String(p)
            s += String(repeating: "0", count: 9 - t.count) + t
        }
        return s
    }

    /// Ordering.
    static func < (a: BigInt, b: BigInt) -> Bool {
        if a.negative != b.negative { return a.negative }
        let c = compareMag(a.limbs, b.limbs)
        return a.negative ? c > 0 : c < 0
    }
}
