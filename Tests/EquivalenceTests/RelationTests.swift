import Testing
@testable import Equivalence

/// Equations and inequalities.
struct RelationTests {
    @Test(arguments: [
        ("x > 2", "2 < x"), ("x \\leq 5", "5 \\geq x"), ("x < 1", "-x > -1"), ("x <= 1", "-x >= -1"), ("x \\neq 3", "x != 3"),
        ("2x+4y-3=0", "y = -1/2*x + 3/4"), ("x^2/4 + y^2/3 = 1", "x^2/16 + y^2/12 = 1/4"), ("34x+45y-20z+100=0", "-34x-45y+20z-100=0"),
        ("k \\ge 2", "k\\geq2"), ("x \\lt 3", "x < 3"), ("-2 \\le x \\le 7", "x \\in [-2,7]"), ("z = 1 + 1 = 2", "z = 3+3 = 2"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("x > 5", "x < 5"), ("x \\geq 5", "x \\leq 5"), ("x < 1", "x > -1"), ("x < 1", "x \\le 1"), ("x > 2", "y > 2"),
        ("3x-y+13=0", "3x + 4y + 14=0"), ("5x - 7y + 11z + 4 = 0", "x + y - z + 2 = 0"), ("x = 1", "x = -1"), ("x^2 = 1", "x = 1"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
