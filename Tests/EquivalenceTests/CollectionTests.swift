import Testing
@testable import Equivalence

/// Tuples (ordered), sets and root lists (unordered), ± expansions, intervals and unions.
struct CollectionTests {
    @Test(arguments: [
        ("(1,\\frac{9}{2})", "(1,4.5)"), ("\\left( 3, \\frac{\\pi}{2} \\right)", "(3, \\frac{\\pi}{2})"), ("(p,q)=(3,2)", "(3,2)"),
        ("\\{1,2,3\\}", "\\{3,2,1\\}"), ("10, 4, -2", "4, 10, -2"), ("1 \\pm \\sqrt{19}", "1+\\sqrt{19}, 1-\\sqrt{19}"),
        ("\\pm 2021", "\\{-2021, 2021\\}"), ("\\{1\\pm\\sqrt{5},-2\\}", "-2, 1-\\sqrt5, 1+\\sqrt5"), ("x = 2, x = 3", "3, 2"),
        ("6 \\text{ and } 8", "6,8"), ("19, 46, and 82", "19, 46, \\text{ and } 82"), ("(11,7)or(7,11)", "(7,11),\\ (11,7)"),
        ("-12;-11;-10", "\\{-12, -11, -10\\}"), ("a=4,\\,-8,\\,-10", "-10,-8,4"), ("p=5,q=2;p=7,q=2", "(5,2),(7,2)"),
        ("[0,1)", "[0, 1)"), ("(-\\infty, -3] \\cup [2, \\infty)", "(-\\infty,-3]\\cup[2,+\\infty)"), ("[-36,104]", "[-36, 104]"),
        ("(2, 12) \\cup (12, 102)", "(12,102) \\cup (2,12)"), ("\\{-1\\} \\cup [0,7)", "\\{-1\\}\\cup[0,7)"), ("\\{5\\}", "5"),
        ("x \\in [-2,7]", "[-2,7]"), ("(0, 12.5)", "0 < x < 12.5"), ("-793 < a < 10", "(-793, 10)"), ("x > 2", "(2, \\infty)"),
        ("m \\geq \\sqrt{2}", "[\\sqrt{2}, +\\infty)"), ("1:2", "1 : 2"), ("V_{1}:V_{2}=11:21", "11:21"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [
        ("(1,2)", "(2,1)"), ("(3,1)", "\\{1,3\\}"), ("[0,1)", "(0,1)"), ("(0,9)", "[0,9)"), ("[0,9)", "[0,1)"), ("1", "-[0,1)"),
        ("\\pm 2021", "2021"), ("10, 4, 2", "4, 12, 2"), ("\\sqrt{67},-\\sqrt{85}", "\\sqrt{67}"), ("1, 2, \\ldots, n", "1, 3, 5, \\ldots, 2n-1"),
        ("12:00", "1:00"), ("19, 46, and 82", "21, 36, and 82"), ("(1,2,3)", "(1,2)"), ("x > 2", "[2, \\infty)"), ("(2,12)\\cup(12,102)", "(2,102)"),
        ("\\{1,2\\}", "\\{1,2,3\\}"),
    ])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
