import Testing
@testable import Equivalence

/// Never equivalent merely because close: exact arguments separate constants a double cannot.
struct CloseConstantTests {
    static func same(_ a: String, _ b: String) -> Bool {
        let ab = MathEquivalence.equivalent(a, b)
        #expect(ab == MathEquivalence.equivalent(b, a), "asymmetric: \(a) | \(b)")
        return ab
    }

    @Test(arguments: [
        ("\\pi + 10^{-14}", "\\pi"), ("e^{-50}", "0"), ("1 + 10^{-15}\\sqrt{2}", "1"), ("e^{10^{-15}}", "1"),
        ("\\sqrt{1 + 10^{-15}}", "1"), ("\\ln(1 + 10^{-14})", "0"), ("\\cos(10^{-8})", "1"), ("10^{-30}\\pi", "0"),
        ("e^{-50} + e^{-51}", "0"), ("\\sqrt{2} + 10^{-15}", "\\sqrt{2}"), ("2\\pi - 10^{-13}", "\\pi + \\pi"),
        ("\\frac{\\pi}{10^{20}}", "0"), ("\\sqrt[3]{1 + 10^{-15}}", "1"), ("2^{10^{-15}}", "1"), ("\\frac{\\sin 10^{-8}}{10^{-8}}", "1"),
    ])
    func closeButDifferent(_ p: (String, String)) {
        #expect(!CloseConstantTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("\\pi + 10^{-14}", "10^{-14} + \\pi"), ("e^{-50}", "\\frac{1}{e^{50}}"), ("2\\pi", "\\pi + \\pi"), ("\\sin(\\pi)", "0"),
        ("\\sin\\frac{\\pi}{6}", "\\frac12"), ("\\log_2 8", "3"), ("e^{\\ln 2}", "2"), ("\\frac{1}{\\sqrt2 + 1}", "\\sqrt2 - 1"),
        ("\\sqrt{2}\\sqrt{3}", "\\sqrt{6}"), ("\\arctan 1", "\\frac{\\pi}{4}"), ("e^{i\\pi}", "-1"), ("(1/2)!", "\\frac{\\sqrt{\\pi}}{2}"),
        ("\\sqrt[3]{8}", "2"), ("\\sqrt{2}\\cdot\\sqrt{2}", "2"), ("(\\sqrt{2}+1)(\\sqrt{2}-1)", "1"), ("4^{1/2}", "2"),
    ])
    func exactlyEqualConstants(_ p: (String, String)) {
        #expect(CloseConstantTests.same(p.0, p.1))
    }
}
