import Testing
@testable import Equivalence

/// Numbers written in words, and multiplier words that scale a numeral.
struct NumberWordTests {
    static func same(_ a: String, _ b: String) -> Bool {
        let ab = MathEquivalence.equivalent(a, b)
        #expect(ab == MathEquivalence.equivalent(b, a), "asymmetric: \(a) | \(b)")
        return ab
    }

    /// Multiplier words multiply: they are not units to drop.
    @Test(arguments: [
        ("4 \\text{ thousand}", "4"), ("3 million", "3"), ("2 \\text{ billion}", "2"), ("7\\text{ trillion}", "7 \\text{ billion}"),
        ("1.5 \\text{ million}", "1.5"), ("5 \\text{ hundred}", "5"), ("\\$4 \\text{ thousand}", "\\$4"),
        ("\\frac12 \\text{ million}", "\\frac12"), ("The population is 4 thousand", "4"), ("It has 4 thousand people in it", "4"),
        ("4 \\text{ bn}", "4"), ("2\\,\\text{mln}", "2"),
    ])
    func multiplierWordsAreNotDropped(_ p: (String, String)) {
        #expect(!NumberWordTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("4 \\text{ thousand}", "4000"), ("2 \\text{ billion}", "2\\times 10^9"), ("1.5 \\text{ million}", "1500000"),
        ("3 trillion", "3 \\cdot 10^{12}"), ("2.25 \\text{ thousand}", "2250"), ("6 \\text{ hundred thousand}", "600000"),
        ("\\$2 \\text{ million}", "2,000,000"), ("\\text{4 thousand}", "4000"), ("\\frac12 \\text{ million}", "500000"),
        ("10^3 \\text{ thousand}", "10^6"), ("-3 \\text{ thousand}", "-3000"), ("The population is 4 thousand", "4000"),
        ("4 \\text{ bn}", "4 \\text{ billion}"), ("2\\,\\text{mln}", "2000000"), ("\\frac12\\text{ bn}", "5 \\cdot 10^8"),
    ])
    func multiplierWordsAsNumbers(_ p: (String, String)) {
        #expect(NumberWordTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("\\text{fifteen}", "15"), ("twenty-one", "21"), ("\\text{Seven}", "7"), ("\\text{one hundred and five}", "105"),
        ("three hundred forty-two", "342"), ("\\text{two thousand twenty-four}", "2024"), ("zero", "0"), ("ninety nine", "99"),
        ("\\text{one million}", "10^6"), ("\\text{twelve}", "\\text{12}"),
    ])
    func numberWords(_ p: (String, String)) {
        #expect(NumberWordTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("\\text{fifteen}", "50"), ("twenty-one", "20"), ("\\text{one hundred}", "10000"), ("\\text{two}", "\\text{twelve}"),
        ("\\text{one thousand}", "\\text{one million}"),
    ])
    func numberWordsKeepTheirValue(_ p: (String, String)) {
        #expect(!NumberWordTests.same(p.0, p.1))
    }
}
