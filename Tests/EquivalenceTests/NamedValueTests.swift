import Testing
@testable import Equivalence

/// `name = value`: a bare value matches any name, two names must be the same name.
struct NamedValueTests {
    static func same(_ a: String, _ b: String) -> Bool {
        let ab = MathEquivalence.equivalent(a, b)
        #expect(ab == MathEquivalence.equivalent(b, a), "asymmetric: \(a) | \(b)")
        return ab
    }

    @Test(arguments: [
        ("x = 2", "y = 2"), ("x = -\\frac{1}{4}", "y = -\\frac14"), ("a = 3", "b = 3"), ("x = 1, y = 2", "x = 2, y = 1"),
        ("f(x) = x^2", "g(x) = x^2"), ("x_1 = 5", "x_2 = 5"),
    ])
    func differentNamesDiffer(_ p: (String, String)) {
        #expect(!NamedValueTests.same(p.0, p.1))
        let a = MathAnswer(p.0)
        let b = MathAnswer(p.1)
        if let ka = a.canonicalKey, let kb = b.canonicalKey { #expect(ka != kb) }
    }

    @Test(arguments: [
        ("x = 2", "2"), ("y = 2", "2"), ("y = 2", "y=\\frac{4}{2}"), ("x = 1, y = 2", "y = 2, x = 1"), ("\\text{Area} = 5", "x = 5"),
        ("y = 2x + 1", "x = \\frac{y - 1}{2}"),
    ])
    func sameNameOrBareValue(_ p: (String, String)) {
        #expect(NamedValueTests.same(p.0, p.1))
    }
}
