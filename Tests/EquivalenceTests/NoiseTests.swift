import Testing
@testable import Equivalence

/// Units, degrees, \text{} noise, "x =" prefixes and LaTeX presentation commands.
struct NoiseTests {
    @Test(arguments: [
        ("90^\\circ", "90"), ("90^{\\circ}", "90"), ("5\\text{ cm}", "5"), ("10\\text{ units}", "10"), ("15\\mbox{ cm}^2", "15"),
        ("72 degrees", "72"), ("64", "64 square feet"), ("\\text{13}", "13"), ("x=3", "3"), ("k = \\frac{1}{3}", "1/3"),
        ("y = x^2+2x+1", "2x+ 1+x^2"), ("\\left(x-2\\right)\\left(x+2\\right)", "(x-2)(x+2)"), ("$\\frac{1}{2}$", "1/2"),
        ("\\displaystyle\\frac{1}{2}", "0.5"), ("\\frac{1}{2}.", "0.5"), ("1{,}000", "1000"), ("\\boxed{7}", "7"),
        ("\\text{odd}", "odd"), ("\\text{No solution}", "no solution"), ("\\text{Even}", "Even"), ("\\frac{\\sqrt{3}}{3} \\approx 0.577", "\\frac{\\sqrt{3}}{3}"),
        ("x \\approx 11", "11"), ("x = 5+5+1 = 7 = 11", "11"), ("|AB| = 1", "1"), ("f(x) = 1", "1"), ("\\$ 1,000.99", "1000.99"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("10\\text{ units}", "100"), ("90^\\circ", "45"), ("odd", "\\text{oddd}"), ("x+z=1", "1"), ("a^2 + b = 0", "0"),
        ("7 = 11a+c", "11a+c"), ("2x + z = 1", "1"), ("x = 4", "5"), ("\\text{Evelyn}", "\\text{Carla}"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
