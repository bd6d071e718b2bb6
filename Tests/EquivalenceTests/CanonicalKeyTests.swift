import Testing
@testable import Equivalence

/// canonicalKey: equal keys only for equivalent answers; exact values share keys across notations.
struct CanonicalKeyTests {
    @Test(arguments: [
        ("\\frac{1}{2}", "0.5"), ("1/2", "\\dfrac12"), ("7,425,000", "7425000"), ("x=3", "3"), ("\\{1,2\\}", "2, 1"),
        ("(1,\\frac{9}{2})", "(1,4.5)"), ("\\text{odd}", "odd"), ("10\\%", "10"), ("2\\sqrt{4}", "4"),
    ])
    func sameKey(_ p: (String, String)) {
        let a = MathAnswer(p.0)
        let b = MathAnswer(p.1)
        #expect(a.canonicalKey != nil)
        #expect(a.canonicalKey == b.canonicalKey)
    }

    @Test(arguments: [
        ("\\frac{1}{2}", "0.51"), ("(1,2)", "(2,1)"), ("[0,1)", "(0,1)"), ("\\frac{1}{2^{60}}", "\\frac{1}{2^{61}}"), ("A", "B"),
    ])
    func differentKeys(_ p: (String, String)) {
        let a = MathAnswer(p.0)
        let b = MathAnswer(p.1)
        if let ka = a.canonicalKey, let kb = b.canonicalKey { #expect(ka != kb) }
        #expect(!MathEquivalence.equivalent(a, b))
    }

    @Test func approximateValuesHaveNoKey() {
        #expect(MathAnswer("\\sqrt{2}").canonicalKey == nil)
        #expect(MathAnswer("\\pi").canonicalKey == nil)
        #expect(MathAnswer("x+1").canonicalKey == nil)
    }
}
