import Testing
@testable import Equivalence

/// Radicals, pi, e, logarithms, trigonometric values, factorials and binomials.
struct ConstantTests {
    @Test(arguments: [
        ("2\\sqrt{2}", "\\sqrt{8}"), ("\\sqrt{3}", "\\sqrt3"), ("10\\sqrt{3} + \\sqrt4", "10\\sqrt3 + 2"), ("\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt{3}}"),
        ("\\sqrt[3]{8}", "2"), ("\\sqrt[3]{-27}", "-3"), ("\\sqrt{12}", "2\\sqrt{3}"), ("3\\sqrt{13}", "\\sqrt{117}"),
        ("\\pi", "pi"), ("\\dfrac{\\pi}{2}", "pi/2"), ("-2\\pi", "-2*pi"), ("\\frac{9}{4}\\pi", "\\frac94\\pi"),
        ("e^{16} - 1", "-1 + exp(16)"), ("\\ln(e^2)", "2"), ("\\log_2 8", "3"), ("\\log_{10} 1000", "3"), ("\\ln 1", "0"),
        ("\\sin(\\pi/6)", "\\frac{1}{2}"), ("\\cos 0", "1"), ("\\tan(\\pi/4)", "1"), ("\\sin^2(x)+\\cos^2(x)", "1"),
        ("5!", "120"), ("\\binom{5}{2}", "10"), ("\\dbinom{10}{3}", "120"), ("\\frac{10!}{8!}", "90"), ("\\sqrt{2}\\cdot\\sqrt{8}", "4"),
        ("\\frac{10\\sqrt{10.5}}{27}", "\\frac{5\\sqrt{42}}{27}"), ("2^{10}", "1024"), ("2^{-2}", "0.25"), ("4^{1/2}", "2"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("3.14", "\\pi"), ("3.141592653589793", "\\pi"), ("2.718281828459045", "e"), ("4.123105625617661", "\\sqrt{17}"),
        ("2\\sqrt{2}", "\\sqrt{6}"), ("4", "4\\sqrt{2}"), ("\\frac{\\sqrt{3}}{3}", "0.577"), ("\\log_2 8", "\\log_2 9"),
        ("\\frac{1}{2004!}", "\\frac{1}{2006!}"), ("\\frac{1}{2^{99}}", "\\frac{1}{2^{98}}"), ("6!", "700"), ("\\binom{5}{2}", "\\binom{5}{3}+1"),
        ("\\frac{2^{2005}+1}{3 \\cdot 2^{2006}}", "\\frac{1}{3 \\cdot 2^{2006}}"), ("1 - \\frac{1}{e}", "1 + \\frac{1}{e}"), ("\\sin 1", "\\cos 1"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
