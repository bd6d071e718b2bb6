import Testing
@testable import Equivalence

/// equivalent(a, b) == equivalent(b, a) on every corpus pair and on generated pairs.
struct SymmetryTests {
    static let pieces = [
        "1/2", "0.5", "\\frac{1}{2}", "x", "2x", "x^2", "(x+1)^2", "\\sqrt{2}", "2\\sqrt{2}", "\\pi", "3.14", "e", "i", "-1",
        "(1,2)", "[1,2)", "\\{1,2\\}", "1, 2", "x > 1", "1 < x", "x = 1", "y = 2x", "\\infty", "-\\infty", "A", "(B)", "\\text{odd}",
        "10\\%", "90^\\circ", "\\pm 1", "\\begin{pmatrix}1&2\\end{pmatrix}", "12\\frac{3}{5}", "1,000", "", " ", "\\frac{1}{0}", "0^0",
        // Forms added by the second round (issue 15): each also meets every piece above, both ways.
        "7:15 a.m.", "14:05", "11:21", "22:42", "4:2", "2:1", "y = 2", "x = 2", "2", "\\text{fifteen}", "4 \\text{ thousand}", "4000",
        "\\mathbb{R}", "(-\\infty,\\infty)", "x \\ne 5", "|x| \\le 4", "[-4,4]", "101_2", "5", "\\pi + 10^{-14}", "e^{-50}", "0",
        "\\begin{pmatrix}1\\\\2\\end{pmatrix}", "(1,2)", "\\cos 60^\\circ", "5 1/4",
    ]

    @Test func corpusPairsAreSymmetric() throws {
        let rows = try CorpusData.rows()
        for r in rows {
            let a = MathAnswer(r.gold)
            let b = MathAnswer(r.pred)
            #expect(MathEquivalence.equivalent(a, b) == MathEquivalence.equivalent(b, a), "\(r.gold) | \(r.pred)")
        }
    }

    @Test func generatedPairsAreSymmetricAndKeysAgree() {
        var texts = SymmetryTests.pieces
        for a in SymmetryTests.pieces.prefix(20) {
            for b in SymmetryTests.pieces.prefix(12) { texts.append(a + " + " + b) ; texts.append(a + ", " + b) }
        }
        let answers = texts.map { MathAnswer($0) }
        for a in answers {
            #expect(MathEquivalence.equivalent(a, a))
            for b in answers {
                let ab = MathEquivalence.equivalent(a, b)
                #expect(ab == MathEquivalence.equivalent(b, a), "\(a.text) | \(b.text)")
                if let ka = a.canonicalKey, let kb = b.canonicalKey, ka == kb {
                    #expect(ab, "equal keys but not equivalent: \(a.text) | \(b.text)")
                }
            }
        }
    }
}
