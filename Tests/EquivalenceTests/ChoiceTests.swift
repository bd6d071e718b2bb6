import Testing
@testable import Equivalence

/// Multiple-choice letters.
struct ChoiceTests {
    @Test(arguments: [
        ("(A)", "A"), ("\\text{(A)}", "A"), ("\\textbf{A}", "A"), ("\\mathrm{E}", "E"), ("(D) Alina", "D"), ("C Cecile", "C"),
        ("\\text{C}", "(C)"), ("The answer is C", "C"),
    ])
    func equal(_ p: (String, String)) {
        #expect(MathEquivalence.equivalent(p.0, p.1))
        #expect(MathEquivalence.equivalent(p.1, p.0))
    }

    @Test(arguments: [("(A) Cecile", "C"), ("A", "B"), ("d", "\\text{E}"), ("E", "\\mathrm{E}*2"), ("(A)", "(B)")])
    func different(_ p: (String, String)) {
        #expect(!MathEquivalence.equivalent(p.0, p.1))
        #expect(!MathEquivalence.equivalent(p.1, p.0))
    }
}
