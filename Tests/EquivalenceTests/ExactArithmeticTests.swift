import Testing
@testable import Equivalence

/// BigInt and Rational: exact arithmetic that the comparisons rely on.
struct ExactArithmeticTests {
    @Test func bigIntRoundTripsAndDivides() throws {
        let a = try #require(BigInt(decimalDigits: Array("123456789012345678901234567890".utf8)))
        let b = try #require(BigInt(decimalDigits: Array("987654321".utf8)))
        #expect(a.description == "123456789012345678901234567890")
        let qr = try #require((a * b).quotientAndRemainder(dividingBy: b))
        #expect(qr.quotient == a)
        #expect(qr.remainder.isZero)
        let p200 = try #require(BigInt(2).power(200))
        let p100 = try #require(BigInt(2).power(100))
        let q = try #require(p200.quotientAndRemainder(dividingBy: p100))
        #expect(q.quotient == p100)
        #expect((-a + a).isZero)
        #expect(BigInt.gcd(BigInt(12), BigInt(18)) == BigInt(6))
        let t40 = try #require(BigInt(10).power(40))
        let t20 = try #require(BigInt(10).power(20))
        #expect(t40.exactRoot(2) == t20)
        #expect(BigInt(10).exactRoot(2) == nil)
        let odd = try #require(BigInt(decimalDigits: Array("340282366920938463463374607431768211457".utf8)))
        let d = try #require(BigInt(decimalDigits: Array("18446744073709551629".utf8)))
        let r = try #require(odd.quotientAndRemainder(dividingBy: d))
        #expect(r.quotient * d + r.remainder == odd)
        #expect(r.remainder < d)
    }

    @Test func rationalsReduceAndCompareExactly() throws {
        let half = try #require(Rational(BigInt(2), BigInt(4)))
        #expect(half.description == "1/2")
        let d60 = try #require(BigInt(2).power(60))
        let d61 = try #require(BigInt(2).power(61))
        let p60 = try #require(Rational(BigInt.one, d60))
        let p61 = try #require(Rational(BigInt.one, d61))
        #expect(p60 != p61)
        let maybeSum: Rational? = p61 + p61
        let sum = try #require(maybeSum)
        #expect(sum == p60)
        #expect(Rational(BigInt(1), BigInt(0)) == nil)
        let c = try #require(Rational(BigInt(-8), BigInt(27)))
        #expect(c.root(3) == Rational(BigInt(-2), BigInt(3)))
        #expect(!MathEquivalence.equivalent("\\frac{1}{2^{60}}", "\\frac{1}{2^{61}}"))
    }

    @Test func hugePowersAreRefused() {
        #expect(BigInt(10).power(1_000_000) == nil)
        #expect(BigInt(1).power(1_000_000) == BigInt.one)
    }
}
