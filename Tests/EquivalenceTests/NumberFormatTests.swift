import Testing
@testable import Equivalence

/// Decimals, thousands separators, scientific notation, percent and currency noise.
struct NumberFormatTests {
    @Test(arguments: [
        ("7425000", "7,425,000"), ("1000", "1 000"), ("1000", "1000.0"), ("1000.0", "1,000.0"), ("1000.99", "1000,99"),
        ("1,22", "1.22"), ("0.4", ".4"), ("0,111", "0.111"), ("14{,}916", "14916"), ("32,\\!349", "32349"),
        ("1.5e3", "1500"), ("3 \\times 10^{5}", "300000"), ("2.5 \\cdot 10^{-3}", "0.0025"), ("10\\%", "10"), ("28 percent", "28\\%"),
        ("\\$10", "10"), ("5.0", "5"), ("-0", "0"), ("0.1", ".1"), ("1e-5", "0.00001"), ("0.\\overline{3}", "\\frac{1}{3}"), ("0.1\\overline{6}", "\\frac{1}{6}"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("5", "5.001"), ("32349", "32, 349"), ("1000", "100"), ("1.5e3", "150"), ("0.1", "0.01"), ("7425000", "7,425,001"),
        ("2", "AZYUK2A"), ("0.30000000000000004", "0.3"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
