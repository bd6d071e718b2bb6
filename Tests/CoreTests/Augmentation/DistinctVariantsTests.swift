import Testing
@testable import Core

/// Repeated variants of one question, found after whitespace normalisation.
struct DistinctVariantsTests {
    @Test(arguments: [
        (["a b", "a  b", "c"], [nil, 0, nil]),
        (["a b", "a\nb ", " a\tb"], [nil, 0, 0]),
        (["x", nil, "x"], [nil, nil, 0]),
        (["A b", "a b"], [nil, nil]),  // case is kept: only whitespace is normalised
        ([nil, nil], [nil, nil]),
    ] as [([String?], [Int?])])
    func earlierDuplicates(texts: [String?], expected: [Int?]) {
        #expect(DistinctVariants.earlierDuplicates(texts) == expected)
    }

    @Test func normalisesWhitespaceRuns() {
        #expect(DistinctVariants.normalised("  Find\t$x$\n\nnow ") == "Find $x$ now")
    }
}
