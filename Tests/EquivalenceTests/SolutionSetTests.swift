import Testing
@testable import Equivalence

/// The reals, set difference, and one-variable conditions as the sets they describe.
struct SolutionSetTests {
    static func same(_ a: String, _ b: String) -> Bool {
        let ab = MathEquivalence.equivalent(a, b)
        #expect(ab == MathEquivalence.equivalent(b, a), "asymmetric: \(a) | \(b)")
        return ab
    }

    @Test(arguments: [
        ("\\mathbb{R}", "(-\\infty,\\infty)"), ("\\mathbb R", "(-\\infty, +\\infty)"), ("x \\in \\mathbb{R}", "\\mathbb{R}"),
        ("\\text{all real numbers}", "\\mathbb{R}"), ("ℝ", "(-\\infty,\\infty)"),
        ("\\mathbb{R}\\setminus\\{1\\}", "(-\\infty,1)\\cup(1,\\infty)"),
        ("\\mathbb{R}\\setminus\\{-1, 1\\}", "(-\\infty,-1)\\cup(-1,1)\\cup(1,\\infty)"), ("[0,2]\\setminus\\{0\\}", "(0,2]"),
        ("[0,2]\\setminus\\{1\\}", "[0,1)\\cup(1,2]"), ("\\mathbb{R} \\backslash \\{1\\}", "(-\\infty,1)\\cup(1,\\infty)"),
        ("\\mathbb{R} - \\{1\\}", "(-\\infty,1)\\cup(1,\\infty)"),
    ])
    func realsAndSetDifference(_ p: (String, String)) {
        #expect(SolutionSetTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("|x| \\le 4", "[-4,4]"), ("|x+2| < 1", "(-3,-1)"), ("x \\ne 5", "(-\\infty,5)\\cup(5,\\infty)"), ("2x - 1 < 3", "(-\\infty, 2)"),
        ("3 - x > 1", "(-\\infty, 2)"), ("-1 < x + 2 \\le 4", "(-3, 2]"), ("|2x-1| \\ge 3", "(-\\infty,-1]\\cup[2,\\infty)"),
        ("1 \\le |z| \\le \\frac{3}{2}", "[-\\frac32,-1]\\cup[1,\\frac32]"), ("|x| < \\sqrt{2}", "(-\\sqrt2, \\sqrt2)"),
        ("x \\ne 5", "\\mathbb{R}\\setminus\\{5\\}"),
    ])
    func conditionsAsSets(_ p: (String, String)) {
        #expect(SolutionSetTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("|x| \\le 4", "(-\\infty,4]"), ("|x| > 4", "[-4,4]"), ("x \\ne 5", "(-\\infty,5)"), ("2x - 1 < 3", "(-\\infty, 3)"),
        ("\\mathbb{R}", "(0,\\infty)"), ("\\mathbb{Z}", "(-\\infty,\\infty)"), ("\\mathbb{R}\\setminus\\{1\\}", "\\mathbb{R}"),
        ("|x+2| < 1", "(-3,-1]"),
    ])
    func differentSets(_ p: (String, String)) {
        #expect(!SolutionSetTests.same(p.0, p.1))
    }
}
