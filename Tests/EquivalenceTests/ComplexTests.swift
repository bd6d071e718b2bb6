import Testing
@testable import Equivalence

/// Complex numbers and infinity.
struct ComplexTests {
    @Test(arguments: [
        ("14 - i", "14.0 + -1.0i"), ("\\frac34i", "\\frac{3}{4}i"), ("(1+i)^2", "2i"), ("\\frac{1}{i}", "-i"), ("\\sqrt{-4}", "2i"),
        ("e^{i\\pi}", "-1"), ("3+4i", "4i+3"), ("\\infty", "+\\infty"), ("-\\infty", "-\\infty"), ("|3+4i|", "5"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("14 - i", "14 + i"), ("3+4i", "4+3i"), ("\\infty", "-\\infty"), ("i", "1"), ("\\infty", "10^{100}"), ("2i", "2"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
