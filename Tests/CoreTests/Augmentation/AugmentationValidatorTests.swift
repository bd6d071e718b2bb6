import Testing
@testable import Core

/// The validator's invariants one at a time.
struct AugmentationValidatorTests {
    let validator = AugmentationValidator()

    func check(_ name: String, _ original: String, _ rewrite: String, similarity: Double = 0.8) -> InvariantCheck? {
        validator.validate(original: original, rewrite: rewrite, similarity: similarity).checks.first { $0.name == name }
    }

    @Test(arguments: [
        ("A farm has 1,000 cows and 25 pigs.", "There are 1000 cows and 25 pigs on a ranch.", true),
        ("A farm has 1,000 cows.", "There are 1{,}000 cows on a ranch.", true),
        ("It costs 2.50 dollars.", "The price is 2.5 dollars.", true),
        ("Two trains leave 3 hours apart.", "2 trains depart 3 hours apart.", true),
        ("A farm has 1,000 cows.", "There are 1001 cows on a ranch.", false),
        ("A farm has 12 cows and 5 pigs.", "There are 12 cows on a ranch.", false),
        ("Find $x$ if $a>0$ and $x = a + 2$.", "Let $a$ be positive and $x = a + 2$; find $x$.", true),
        ("What is $\\frac12 + 3$?", "Compute $\\frac{1}{2} + 3$.", true),
    ])
    func numbers(original: String, rewrite: String, held: Bool) {
        #expect(check("numbers", original, rewrite)?.held == held)
    }

    @Test(arguments: [
        ("Let $f(x) = 2x+3$. Find $f(4)$.", "A shop charges $g(w) = 2w+3$ for $w$ kilos. What is $g(4)$?", true),
        ("Solve $x^2 - 5x + 6 < 0$.", "For which $t$ is $t^2 - 5t + 6 > 0$?", false),
        ("What is the degree of $(4 +5x^3 +2x^4)$?", "Find the highest power in $(2x^4 + 4 + 5x^3)$.", true),
        ("If $x-y=15$ and $xy=4$, what is $x^2+y^2$?", "Two numbers differ by 15 and multiply to 4; find the sum of their squares.", true),
    ])
    func math(original: String, rewrite: String, held: Bool) {
        #expect(check("math", original, rewrite)?.held == held)
    }

    @Test func renamingMustBeConsistent() {
        let result = MathSpanMatcher().compare(original: QuestionText("$f(x)=x+1$ and $f(2x)$"),
                                               rewrite: QuestionText("$g(w)=w+1$ and $g(2w)$"))
        #expect(result.kept == 2)
        #expect(result.renaming == ["f→g", "x→w"])
        let inconsistent = MathSpanMatcher().compare(original: QuestionText("$f(x)=x+1$ and $f(2x)$"),
                                                     rewrite: QuestionText("$g(w)=w+1$ and $g(2t)$"))
        #expect(inconsistent.kept == 1)
    }

    /// The formula search is quadratic in the formulas' lengths: past `MathSpanMatcher.workBudget` it stops and
    /// the math check fails, saying why, instead of holding a request thread for seconds.
    @Test func formulasTooLongToCompareFailTheMathCheck() {
        func sum(_ terms: Int) -> String { "Find $" + (0 ..< terms).map { "a_{\($0)}" }.joined(separator: "+") + "$." }
        let result = MathSpanMatcher().compare(original: QuestionText(sum(1500)), rewrite: QuestionText(sum(3000)))
        #expect(result.exhausted)
        let math = check("math", sum(1500), sum(3000))
        #expect(math?.held == false)
        #expect(math?.detail.contains("too many or too long formulas") == true)
        #expect(!MathSpanMatcher().compare(original: QuestionText("If $x-y=15$, find $x$."),
                                           rewrite: QuestionText("Given $x-y=15$, find $x$.")).exhausted)
    }

    @Test(arguments: [(0.3, false), (0.7, true), (0.9999, false)])
    func similarityBand(similarity: Double, held: Bool) {
        #expect(check("similarity", "Find $x$ if $2x=4$.", "Determine $x$ when $2x=4$.", similarity: similarity)?.held == held)
    }

    @Test func aCopyHasNoNovelty() {
        let report = validator.validate(original: "What is $1+1$?", rewrite: "What is $1+1$?", similarity: 1)
        #expect(report.novelty == 0)
        #expect(!report.accepted)
        #expect(report.reasons.contains { $0.hasPrefix("novelty:") })
        #expect(report.reasons.contains { $0.hasPrefix("similarity:") })
    }

    @Test func aDroppedDiagramTheTextNeedsIsRejected() {
        let original = "In the diagram, what is $x$?\n[asy]draw((0,0)--(3,4));label(\"$x$\",(1,2));[/asy]"
        let report = validator.validate(original: original, rewrite: "A ladder leans on a wall; find its length $x$.", similarity: 0.7)
        #expect(report.checks.first { $0.name == "diagram" }?.held == false)
    }

    @Test func anEmptyRewriteIsRejected() {
        let report = validator.validate(original: "What is 2+2?", rewrite: "  \n", similarity: 0)
        #expect(!report.accepted)
        #expect(report.reasons == ["text: the rewrite is empty"])
    }

    @Test func segmentsMathAndDiagrams() {
        let text = QuestionText("Cost \\$5: find $x$ and \\[y^2\\] with \\begin{align*}a&=1\\end{align*}[asy]dot((0,0));[/asy] end")
        #expect(text.mathSpans == ["$x$", "\\[y^2\\]", "\\begin{align*}a&=1\\end{align*}"])
        #expect(text.diagrams == ["[asy]dot((0,0));[/asy]"])
        #expect(text.segments.map(\.text).joined() == "Cost \\$5: find $x$ and \\[y^2\\] with \\begin{align*}a&=1\\end{align*}[asy]dot((0,0));[/asy] end")
    }
}
