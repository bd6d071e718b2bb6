import Testing
@testable import Equivalence

/// Notations that name the same number or object: mixed numbers with a space, TeX thin spaces, a trailing
/// point, symbolic binomials and factorials, degrees in trigonometric arguments, ratios, column vectors, bases.
struct NotationTests {
    static func same(_ a: String, _ b: String) -> Bool {
        let ab = MathEquivalence.equivalent(a, b)
        #expect(ab == MathEquivalence.equivalent(b, a), "asymmetric: \(a) | \(b)")
        return ab
    }

    @Test(arguments: [("5 1/4", "\\frac{21}{4}"), ("-5 1/4", "-\\frac{21}{4}"), ("2 3/8", "2.375"), ("1 1/2", "\\frac32")])
    func mixedNumbersWithASpace(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("2\\,500\\,000", "2.5\\times10^6"), ("1\\,000", "1000"), ("12\\;345", "12345"), ("3\\!000", "3000"), ("1 000 000", "10^6"),
        ("2\u{2009}500", "2500"), ("7\u{00A0}000", "7000"),
    ])
    func thinSpacesAsThousandsSeparators(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [("3.", "3"), ("x = 3.", "3"), ("-12.", "-12"), ("\\boxed{3.}", "3")])
    func trailingPoint(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("\\binom{m}{2}", "\\frac{m(m-1)}{2}"), ("\\frac{m!}{(m-2)!}", "m^2-m"), ("\\binom{n}{3}", "\\frac{n(n-1)(n-2)}{6}"),
        ("\\frac{(n+1)!}{n!}", "n+1"), ("\\binom{n+1}{2}", "\\frac{n^2+n}{2}"), ("{m \\choose 2}", "\\binom{m}{2}"),
        ("\\frac{m!}{2!(m-2)!}", "\\binom{m}{2}"),
    ])
    func binomialsAndFactorialsOfSymbols(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("\\cos 60^\\circ", "\\frac12"), ("\\cos(90^\\circ - t)", "\\sin t"), ("\\tan 45^{\\circ}", "1"), ("\\sin 30°", "0.5"),
        ("2\\sin(30^\\circ)\\cos(30^\\circ)", "\\sin 60^\\circ"), ("\\sin^2 45^\\circ", "\\frac12"),
    ])
    func degreesInTrigonometricArguments(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [("4:2", "2:1"), ("1:2:3", "2:4:6"), ("\\frac12 : \\frac13", "3:2"), ("0.5:1", "1:2"), ("V_1:V_2=11:21", "22:42")])
    func ratiosUpToScaling(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("\\begin{pmatrix}1\\\\2\\end{pmatrix}", "(1,2)"), ("\\begin{bmatrix}3\\\\-1\\\\\\frac12\\end{bmatrix}", "(3,-1,0.5)"),
    ])
    func columnVectorIsItsTuple(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [("101_2", "5"), ("0.01_2", "\\frac14"), ("17_{8}", "15"), ("1010_{2}", "10"), ("12_3", "5"), ("0.1_2", "0.5"), ("(101)_2", "5"),
        ("101_{\\text{two}}", "5")])
    func numbersInAnotherBase(_ p: (String, String)) {
        #expect(NotationTests.same(p.0, p.1))
    }

    @Test(arguments: [
        ("5 1/4", "5"), ("\\cos 60", "\\frac12"), ("90^\\circ", "\\frac{\\pi}{2}"), ("4:2", "2:3"), ("101_2", "101"),
        ("\\begin{pmatrix}1&2\\end{pmatrix}", "(1,2)"), ("\\begin{pmatrix}1\\\\2\\end{pmatrix}", "[1,2]"), ("2\\,500", "2.5"),
        ("\\binom{m}{2}", "m^2"), ("19_2", "19"),
    ])
    func differentNotationsStayDifferent(_ p: (String, String)) {
        #expect(!NotationTests.same(p.0, p.1))
    }

    /// Letters glued to a number are a product of variables, except the two-letter unit symbols.
    @Test(arguments: [
        ("2xy", "2", false), ("2xy", "2yx", true), ("4ab", "4", false), ("4mn", "4nm", true), ("3ab", "3ba", true),
        ("5 cm", "5", true), ("35cm", "35", true), ("2 ft", "2", true), ("3 km^2", "3", true),
    ])
    func lettersAfterANumber(_ p: (String, String, Bool)) {
        #expect(NotationTests.same(p.0, p.1) == p.2)
    }
}
