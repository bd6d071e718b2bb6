import Testing
@testable import Core

/// The `rules` backend on 100 MATH test questions (the quality suite runs 1,000) and on small cases.
struct RulesRewriterTests {
    let rewriter = RulesRewriter()

    @Test func keepsEveryNumberAndMathSpanOfAHundredQuestions() throws {
        let questions = AugmentationFixtures.testQuestions
        try #require(questions.count == 100)
        var numbers = 0
        var math = 0
        for question in questions {
            let rewrite = rewriter.rewrite(question, seed: 0)
            let a = QuestionText(question)
            let b = QuestionText(rewrite)
            if NumericValues(question) == NumericValues(rewrite) { numbers += 1 } else { Issue.record("numbers changed: \(rewrite)") }
            if a.mathSpans.sorted() == b.mathSpans.sorted() && a.diagrams == b.diagrams { math += 1 } else {
                Issue.record("math changed: \(rewrite)")
            }
        }
        #expect(numbers == 100)
        #expect(math == 100)
    }

    @Test func isDeterministicForASeedAndVariesWithIt() throws {
        let questions = AugmentationFixtures.testQuestions
        try #require(!questions.isEmpty)
        var differs = 0
        for question in questions {
            let first = rewriter.rewrite(question, seed: 7)
            #expect(rewriter.rewrite(question, seed: 7) == first)
            if rewriter.rewrite(question, seed: 8) != first || rewriter.rewrite(question, seed: 7, variant: 1) != first { differs += 1 }
        }
        #expect(differs >= questions.count / 2)
    }

    @Test(arguments: [
        ("Find $x$ if $2x+3=7$.", "$2x+3=7$"),
        ("If $a=5$, what is $a^2$?", "$a=5$"),
        ("Tom has 3 apples and gives Tom's sister 2 apples. How many apples does Tom have left?", "3"),
    ])
    func leavesMathAndNumbersAlone(question: String, kept: String) {
        let rewrite = rewriter.rewrite(question, seed: 1)
        #expect(rewrite != question)
        #expect(rewrite.contains(kept))
        #expect(NumericValues(rewrite) == NumericValues(question))
    }

    @Test func renamesPeopleAndObjectsConsistently() {
        let rewrite = rewriter.rewrite("Tom has 3 apples. Tom eats one apple. How many apples does Tom have?", seed: 3)
        #expect(!rewrite.contains("Tom"))
        #expect(!rewrite.contains("apple"))
        let words = rewrite.split(whereSeparator: { !$0.isLetter })
        let names = Set(words.filter { RulesRewriter.names.joined().contains(String($0)) })
        #expect(names.count == 1)
    }

    @Test func movesALeadingCondition() {
        #expect(rewriter.moveLeadingCondition("If \u{E000}0\u{E001}, what is \u{E000}1\u{E001}?")
            == "What is \u{E000}1\u{E001} if \u{E000}0\u{E001}?")
        #expect(rewriter.moveLeadingCondition("If a, b, what is c?") == "If a, b, what is c?")
    }
}
