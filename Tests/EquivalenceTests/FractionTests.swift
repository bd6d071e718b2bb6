import Testing
@testable import Equivalence

/// Fractions in LaTeX and plain text, decimals, mixed numbers.
struct FractionTests {
    @Test(arguments: [
        ("\\frac{1}{2}", "0.5"), ("\\dfrac12", "1/2"), ("\\tfrac{1}{2}", "\\frac{1}{2}"), ("\\cfrac{1}{3}", "1/3"),
        ("\\frac12", "\\frac{1}{2}"), ("2/(-3)", "-2/3"), ("\\frac{-2}{3}", "-\\frac{2}{3}"), ("\\frac{3}{3}", "1"),
        ("12\\frac{3}{5}", "12.6"), ("918\\frac{1}{2}", "918.5"), ("12 \\frac{3}{5}", "\\frac{63}{5}"), ("\\frac{8}{46}", "\\frac{4}{23}"),
        ("\\frac {1}{2}", "0.5"), ("\\left( \\frac{1}{3} \\right)", "1/3"), ("\\frac{1}{2}+\\frac{1}{3}", "5/6"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("\\frac{1}{2}", "0.51"), ("\\frac{1}{3}", "0.333"), ("\\frac{1}{12}", "0.0833333333333333"), ("12\\frac{3}{5}", "12.35"),
        ("\\frac{1}{2^{60}}", "\\frac{1}{2^{61}}"), ("1/2", "2/1"), ("\\frac{2}{3}", "\\frac{3}{2}"), ("33.3", "\\frac{100}{3}"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
