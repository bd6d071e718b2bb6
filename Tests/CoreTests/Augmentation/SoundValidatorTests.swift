import Testing
@testable import Core

/// The validator is sound for Co-Reward (issue 16): a rewrite accepted must have the original's answer, written the
/// same way, so that the two views' answers can agree.
struct SoundValidatorTests {
    let validator = AugmentationValidator()

    func check(_ name: String, _ original: String, _ rewrite: String, allowRenaming: Bool = false) -> InvariantCheck? {
        validator.validate(original: original, rewrite: rewrite, similarity: 0.8, allowRenaming: allowRenaming)
            .checks.first { $0.name == name }
    }

    @Test(arguments: [
        // The case: the answer f^{-1}(x) = (x-1)/2 could never equal g^{-1}(w) = (w-1)/2.
        ("Let $f(x)=2x+1$. Find $f^{-1}(x)$.", "Suppose $g(w)=2w+1$. Determine $g^{-1}(w)$.", "f→g, x→w"),
        ("Solve for $r$: $\\frac{r+3}{r-2} = 1$.", "Find $x$ with $\\frac{x+3}{x-2} = 1$.", "r→x"),
        // Formulas too short to match: the letters that left and came in.
        ("Find $x$ if $2x = 6$.", "Find $w$ if $2w = 6$.", "w"),
        ("What is $x$ when $y$ is 3?", "What is $a$ when $b$ is 3?", "x, y left the formulas and a, b came in"),
    ])
    func aRenamingIsRejectedNamingIt(original: String, rewrite: String, names: String) throws {
        let found = try #require(check("names", original, rewrite))
        #expect(!found.held)
        #expect(found.detail.contains(names), "\(found.detail)")
        #expect(check("names", original, rewrite, allowRenaming: true)?.held == true)
    }

    @Test func theRenamingIsNamedInTheReason() {
        let report = validator.validate(original: "Let $f(x)=2x+1$. Find $f^{-1}(x)$.",
                                        rewrite: "Suppose $g(w)=2w+1$. Determine $g^{-1}(w)$.", similarity: 0.8)
        #expect(!report.accepted)
        #expect(report.reasons.contains { $0.hasPrefix("names: renamed f→g, x→w") })
    }

    @Test(arguments: [
        ("Find $x$ if $2x = 6$.", "Determine $x$ given that $2x = 6$."),
        ("How many apples are there?", "Let $n$ be the number of apples. Find $n$."),
        ("Let $x$ be a number with $x+1=5$. Find $x$.", "A number plus one is five; find $x$."),
    ])
    func keptNamesPass(original: String, rewrite: String) {
        #expect(check("names", original, rewrite)?.held == true)
    }

    @Test(arguments: [
        ("Six circles are drawn.", "Twelve circles are drawn.", false),
        ("Six circles are drawn.", "There are 12 circles.", false),
        ("Six circles are drawn.", "There are 6 circles.", true),
        ("There are 6 circles.", "Six circles are drawn.", true),
        ("A dozen eggs cost 3 dollars.", "Twelve eggs cost 3 dollars.", true),
        ("A dozen eggs cost 3 dollars.", "Ten eggs cost 3 dollars.", false),
        ("Twenty-five students sit.", "25 students sit.", true),
        ("Twenty-five students sit.", "Twenty-six students sit.", false),
        ("One of the two numbers is 5.", "Either number may be 5; the two differ.", true),
    ])
    func numberWordsAreValues(original: String, rewrite: String, held: Bool) {
        #expect(check("numbers", original, rewrite)?.held == held)
    }

    static let drawing = "[asy]\ndraw((0,0)--(15,0)--(0,8)--cycle);\nlabel(\"$A$\",(0,0),SW);\nlabel(\"$B$\",(15,0),SE);\n[/asy]"

    @Test(arguments: [
        (drawing, true, true),
        (drawing.replacingOccurrences(of: "\n", with: " "), true, true),
        (drawing.replacingOccurrences(of: "(15,0)", with: "(22,0)"), false, true),
        (drawing.replacingOccurrences(of: "(0,8)", with: "(3,8)"), false, true),
        (drawing.replacingOccurrences(of: "$B$", with: "$Q$"), true, false),
    ])
    func aKeptDiagramKeepsItsDrawing(rewrittenDiagram: String, diagramHeld: Bool, namesHeld: Bool) {
        let original = "In the right triangle shown, find $AB$.\n" + Self.drawing
        let rewrite = "Find $AB$ in the right triangle drawn below.\n" + rewrittenDiagram
        #expect(check("diagram", original, rewrite)?.held == diagramHeld)
        #expect(check("names", original, rewrite)?.held == namesHeld)
    }

    @Test(arguments: [
        ("Solve $x^3-5x^2+6x=9$.", "Find the roots of $x^3-5x^2+6x-9=0$.", true),
        ("Solve $x^3-5x^2+6x=9$.", "Find the roots of $9=x^3-5x^2+6x$.", true),
        ("Solve $x^3-5x^2+6x=9$.", "Find the roots of $x^3-5x^2+6x-9=3$.", false),
        ("Solve $2x+3y=12$.", "Solve $3y=12-2x$.", true),
        ("Solve $2x+3y=12$.", "Solve $3y=12+2x$.", false),
    ])
    func aRestatedEquationIsTheSameEquation(original: String, rewrite: String, held: Bool) {
        #expect(check("math", original, rewrite)?.held == held)
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
