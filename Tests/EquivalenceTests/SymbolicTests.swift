import Testing
@testable import Equivalence

/// Plain-text maths and symbolic expressions that are identical as functions.
struct SymbolicTests {
    @Test(arguments: [
        ("(x+1)^2", "x^2+2x+1"), ("x^2+2x+1", "x^2 + 2*x + 1"), ("x^2+2x+1", "x^2 + 2*x - (-1)"), ("(r+5)(r+5)", "(r+5)^2"),
        ("2x+3", "3+2x"), ("\\frac{x+2}{7}", "\\frac{x}{7}+\\frac{2}{7}"), ("\\tan^2(y)+1", "\\sec^2(y)"), ("2*x", "2x"),
        ("sqrt(2)", "\\sqrt{2}"), ("2 \\sin b \\cos a", "\\sin(a+b) - \\sin(a-b)"), ("\\frac{\\pi r}{h+r}", "\\pi r/(r+h)"),
        ("x^{2/3}", "\\sqrt[3]{x}^2"), ("\\frac{1}{x}+\\frac{1}{y}", "\\frac{x+y}{xy}"), ("e^{\\ln x}", "x"), ("\\sqrt{x^2}", "|x|"),
        ("-\\frac{2(x^2+6)}{9(x^2-2)\\sqrt[3]{x^2-2}^2}", "-\\frac{8x^2}{9(x^2-2)^{5/3}}+\\frac{2}{3(x^2-2)^{2/3}}"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("x^2+2x+1", "x^3+2x+1"), ("x^2+2x+1", "y^2+2y+1"), ("x+2n+1", "x+1"), ("(a+5)(b+2)", "(+5)(b+2)"), ("\\sqrt{x^2}", "x"),
        ("f(x)", "f(y)"), ("2 \\sin b \\cos a", "2 \\sin a \\cos b"), ("x", "x+10^{-20}"), ("\\frac{1}{x}", "x"), ("x + 3.141592653589793", "x + \\pi"), ("2.718281828459045x", "ex"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
