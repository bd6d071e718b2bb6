import Testing
@testable import Equivalence

/// Last-box extraction (DESIGN.md) and the trailing-run variant used by the corpus test.
struct BoxedExtractionTests {
    @Test(arguments: [
        ("so \\boxed{1} then \\boxed{\\frac{1}{2}}.", "\\frac{1}{2}"), ("\\boxed{{a}{b}}", "{a}{b}"), ("\\fbox{3}", "3"),
        ("answer \\boxed 5 done", "5"), ("\\boxed{x", ""), ("no box", ""),
    ])
    func lastBoxed(_ c: (String, String)) {
        #expect((BoxedExtraction.lastBoxed(in: c.0) ?? "") == c.1)
    }

    @Test(arguments: [
        ("$\\boxed{1}\\boxed{2}$", "1, 2"), ("\\boxed{1} and \\boxed{2}", "1, 2"), ("\\boxed{1} no no \\boxed{2}", "2"),
        ("\\boxed{(2, 2)} \\quad \\text{and} \\quad \\boxed{(6, 2)}", "(2, 2), (6, 2)"), ("\\boxed{7}", "7"),
    ])
    func lastBoxedRun(_ c: (String, String)) {
        #expect((BoxedExtraction.lastBoxedRun(in: c.0) ?? "") == c.1)
    }

    @Test(arguments: [
        ("The final answer is $28 \\%$. I hope it is correct.", "28 \\%"), ("Thus $x <= 2$ is our answer.", "x <= 2"),
        ("thinking about it I think the correct answer is C", "C"), ("D. it can't be A or B", "D"),
    ])
    func prose(_ c: (String, String)) {
        let found = ProseExtraction.candidate(c.0) ?? ""
        #expect(MathEquivalence.equivalent(found, c.1), "\(found)")
    }
}
