import Testing
import Core

/// The `rules` backend on 1,000 MATH test questions.
@Suite(.quality)
struct RulesRewriterTests {
    let rewriter = RulesRewriter()

    @Test func keepsEveryNumberAndMathSpanOfAThousandQuestions() throws {
        let questions = QualityFixtures.testQuestions
        try #require(questions.count == 1000)
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
        #expect(numbers == 1000)
        #expect(math == 1000)
    }

    @Test func isDeterministicForASeedAndVariesWithIt() throws {
        let questions = QualityFixtures.testQuestions
        try #require(!questions.isEmpty)
        var differs = 0
        for question in questions {
            let first = rewriter.rewrite(question, seed: 7)
            #expect(rewriter.rewrite(question, seed: 7) == first)
            if rewriter.rewrite(question, seed: 8) != first || rewriter.rewrite(question, seed: 7, variant: 1) != first { differs += 1 }
        }
        #expect(differs >= questions.count / 2)
    }

    @Test func atLeastNinetyFivePercentPassTheValidator() throws {
        let questions = QualityFixtures.testQuestions
        try #require(questions.count == 1000)
        let model = try #require(QualityFixtures.model)
        let rewrites = questions.map { rewriter.rewrite($0, seed: 0) }
        let similarities = QualityFixtures.similarities(Array(zip(questions, rewrites)), model: model)
        let validator = AugmentationValidator()
        var accepted = 0
        for (index, question) in questions.enumerated() {
            let report = validator.validate(original: question, rewrite: rewrites[index], similarity: similarities[index])
            if report.accepted { accepted += 1 }
        }
        print("rules rewrites accepted: \(accepted)/1000")
        #expect(accepted >= 950)
    }
}
