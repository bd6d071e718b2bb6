import Testing
@testable import Core

/// The `rules` backend on 100 MATH test questions (the quality suite runs 500 training questions) and rule by rule.
struct RulesRewriterTests {
    let rewriter = RulesRewriter()

    /// A placeholder as the rules see a math span.
    static func p(_ index: Int) -> String { RulesRewriter.placeholder(index) }

    /// Every output a sentence rule gives over 64 seeds ("nil" when it does not apply).
    static func outputs(_ rule: RulesRewriter.SentenceRule, _ sentence: String, protected: [String] = [],
                        asksWhoOrWhich: Bool = false) -> Set<String> {
        let context = RulesRewriter.Context(protected: protected, asksWhoOrWhich: asksWhoOrWhich)
        var result: Set<String> = []
        for seed in 0..<64 {
            var rng = SplitMix64(seed: UInt64(seed))
            result.insert(rule(sentence, context, &rng) ?? "nil")
        }
        return result
    }

    // MARK: On a hundred questions

    @Test func keepsEveryMathSpanAndValueOfAHundredQuestions() throws {
        let questions = AugmentationFixtures.testQuestions
        try #require(questions.count == 100)
        var kept = 0
        for question in questions {
            for rewrite in rewriter.variants(of: question, seed: 0, count: 2) {
                let a = QuestionText(question)
                let b = QuestionText(rewrite)
                // Values may move between digits and words ("12" as "twelve"), never change.
                let numbers = NumberCheck.check(original: a, rewrite: b)
                if numbers.held { kept += 1 } else { Issue.record("numbers changed (\(numbers.detail)): \(rewrite)") }
                #expect(a.mathSpans.sorted() == b.mathSpans.sorted() && a.diagrams == b.diagrams, "math changed: \(rewrite)")
            }
        }
        #expect(kept >= 190)
    }

    @Test func variantsAreDistinctValidAndDeterministic() throws {
        let questions = AugmentationFixtures.testQuestions
        try #require(!questions.isEmpty)
        let validator = AugmentationValidator()
        for question in questions.prefix(40) {
            let variants = rewriter.variants(of: question, seed: 7, count: 4)
            #expect(variants.count <= 4)
            #expect(Set(variants).count == variants.count, "duplicate variants of: \(question)")
            #expect(!variants.contains(question))
            #expect(rewriter.variants(of: question, seed: 7, count: 4) == variants)
            for variant in variants {
                let report = validator.validate(original: question, rewrite: variant, similarity: 0.8)
                #expect(report.accepted, "\(report.reasons): \(variant)")
            }
        }
    }

    @Test func noSettingHoldsANumberWord() {
        for setting in RulesRewriter.settings {
            #expect(NumericValues(setting).words.filter { $0.value > 0 }.isEmpty, "\(setting)")
        }
    }

    /// 150 distinct made-up words that no rule knows: the setting in front is all that changes.
    static let unrewritable: String = {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var words: [String] = []
        for i in 0..<150 {
            let word: String = "zq" + String(letters[i % 26]) + String(letters[i / 26])
            words.append(word)
        }
        return words.joined(separator: " ") + "?"
    }()

    @Test func returnsFewerRatherThanInvalidOrRepeatedVariants() {
        // The setting alone changes too little of so long a question (novelty under 0.08): nothing is returned.
        #expect(rewriter.variants(of: Self.unrewritable, seed: 0, count: 2).isEmpty)
    }

    @Test func asksForNothingGivesNothing() {
        #expect(rewriter.variants(of: "What is $1+1$?", seed: 0, count: 0).isEmpty)
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
        ("Tom has 3 apples and gives Tom's sister 2 apples. How many apples does Tom have left?", "left"),
    ])
    func leavesMathAndNumbersAlone(question: String, kept: String) {
        let rewrite = rewriter.rewrite(question, seed: 1)
        #expect(rewrite != question)
        #expect(rewrite.contains(kept))
        #expect(NumberCheck.check(original: QuestionText(question), rewrite: QuestionText(rewrite)).held)
    }

    // MARK: Renaming

    @Test func renamesPeopleAndObjectsConsistently() {
        let rewrite = rewriter.rewrite("Tom has 3 apples. Tom eats one apple. How many apples does Tom have?", seed: 3)
        #expect(!rewrite.contains("Tom"))
        #expect(!rewrite.contains("apple"))
        let words = rewrite.split(whereSeparator: { !$0.isLetter })
        let names = Set(words.filter { RulesRewriter.names.joined().contains(String($0)) })
        #expect(names.count == 1)
    }

    @Test func aPossessiveFollowsItsName() {
        var rng = SplitMix64(seed: 4)
        var words = RulesRewriter.tokens("Tom gives Tom's book to Mary.")
        rewriter.renameEntities(&words, context: .init(protected: [], asksWhoOrWhich: false), rng: &rng)
        let text = words.joined()
        let renamed = words[0]
        #expect(renamed != "Tom")
        #expect(text.contains(renamed + "'s"))
    }

    @Test(arguments: ["Tom and Mary share 10 apples. Who gets more?", "Which of Tom and Mary has more apples?"])
    func neverRenamesWhenTheAnswerMayBeAName(question: String) {
        for variant in rewriter.variants(of: question, seed: 2, count: 4) {
            #expect(variant.contains("Tom") && variant.contains("Mary"), "\(variant)")
        }
    }

    @Test func leavesANameThatIsAlsoInTheMath() {
        var rng = SplitMix64(seed: 1)
        var words = RulesRewriter.tokens("Tom runs \(Self.p(0)) miles.")
        rewriter.renameEntities(&words, context: .init(protected: ["$\\text{Tom}$"], asksWhoOrWhich: false), rng: &rng)
        #expect(words.joined() == "Tom runs \(Self.p(0)) miles.")
    }

    // MARK: Question forms

    @Test(arguments: [
        ("What is the first term of the sequence?",
         ["Find the first term of the sequence.", "Determine the first term of the sequence."]),
        ("What is the value of \(p(0))?",
         ["Find the value of \(p(0)).", "Determine the value of \(p(0)).", "Evaluate \(p(0)).", "Compute \(p(0)).", "Find \(p(0))."]),
        ("What is \(p(0)) equal to?", ["nil"]),
        ("What is left?", ["nil"]),
    ])
    func whatIsBecomesAnInstruction(sentence: String, expected: [String]) {
        #expect(Self.outputs(RulesRewriter.whatIs, sentence, protected: ["$x$"]).isSubset(of: Set(expected)))
    }

    @Test(arguments: [
        ("Find the sum of the roots.",
         ["What is the sum of the roots?", "Determine the sum of the roots.", "Compute the sum of the roots.", "Calculate the sum of the roots."]),
        ("Find the roots of \(p(0)).", ["What are the roots of \(p(0))?", "Determine the roots of \(p(0))."]),
        ("Evaluate \(p(0)).", ["What is the value of \(p(0))?", "Find \(p(0)).", "Determine \(p(0)).", "Compute \(p(0)).", "Calculate \(p(0))."]),
        ("Determine if the graph is a circle.", ["nil"]),
    ])
    func anInstructionBecomesAQuestionOrAnotherVerb(sentence: String, expected: [String]) {
        let outputs = Self.outputs(RulesRewriter.imperative, sentence, protected: ["$x^2-1$"])
        #expect(outputs.isSubset(of: Set(expected)), "\(outputs)")
        #expect(outputs.count >= min(2, expected.count))
    }

    @Test(arguments: [
        ("How many multiples of 10 are there?",
         ["Find the number of multiples of 10.", "Determine the number of multiples of 10.",
          "Compute the number of multiples of 10.", "Count the multiples of 10."]),
        ("How many multiples of 10 are between 9 and 101?",
         ["Find the number of multiples of 10 that are between 9 and 101.", "Determine the number of multiples of 10 that are between 9 and 101.",
          "Compute the number of multiples of 10 that are between 9 and 101."]),
        ("How many ways can the eight All-Stars be seated in a row?",
         ["Find the number of ways the eight All-Stars can be seated in a row.",
          "Determine the number of ways the eight All-Stars can be seated in a row.",
          "Compute the number of ways the eight All-Stars can be seated in a row."]),
        ("How many apples does Tom have?",
         ["Find the number of apples that Tom has.", "Determine the number of apples that Tom has.",
          "Compute the number of apples that Tom has."]),
        ("In how many ways can we choose a team?", ["How many ways can we choose a team?"]),
        ("How many more apples does Tom have?", ["nil"]),
        ("How many ways can we choose a team?", ["nil"]),
    ])
    func howManyBecomesTheNumberOf(sentence: String, expected: [String]) {
        #expect(Self.outputs(RulesRewriter.howMany, sentence) == Set(expected))
    }

    @Test(arguments: [
        ("Find the number of ordered pairs \(p(0)) such that \(p(1)).", "How many ordered pairs \(p(0)) are there such that \(p(1))?"),
        ("Find the number of positive divisors of 8400.", "How many positive divisors of 8400 are there?"),
        ("Find the number of ways to arrange the letters.", "How many ways are there to arrange the letters?"),
        ("Find the number of odd digits in the base-4 representation of \(p(0)).",
         "How many odd digits are there in the base-4 representation of \(p(0))?"),
        ("Find the number of \(p(0)).", "nil"),
    ])
    func theNumberOfBecomesHowMany(sentence: String, expected: String) {
        #expect(Self.outputs(RulesRewriter.numberOfAsHowMany, sentence) == [expected])
    }

    // MARK: Clauses

    @Test(arguments: [
        ("Let \(p(0)) be a real number such that \(p(1)).",
         ["Suppose \(p(0)) is a real number such that \(p(1)).", "Assume \(p(0)) is a real number such that \(p(1)).",
          "Take \(p(0)) to be a real number such that \(p(1))."]),
        ("Let \(p(0)) and \(p(1)) be the roots of \(p(2)).",
         ["Suppose \(p(0)) and \(p(1)) are the roots of \(p(2)).", "Assume \(p(0)) and \(p(1)) are the roots of \(p(2)).",
          "Take \(p(0)) and \(p(1)) to be the roots of \(p(2))."]),
        ("Let \(p(2)).", ["Define \(p(2)).", "Consider \(p(2))."]),
        ("Let the function be odd.", ["nil"]),
    ])
    func letBeBecomesSuppose(sentence: String, expected: [String]) {
        #expect(Self.outputs(RulesRewriter.letBe, sentence, protected: ["$x$", "$y$", "$f(x)=x^2$"]) == Set(expected))
    }

    @Test func movesALeadingCondition() {
        #expect(rewriter.moveLeadingCondition("If \u{E000}0\u{E001}, what is \u{E000}1\u{E001}?")
            == "What is \u{E000}1\u{E001} if \u{E000}0\u{E001}?")
        #expect(rewriter.moveLeadingCondition("If a, b, what is c?") == "If a, b, what is c?")
        #expect(Self.outputs(RulesRewriter.moveCondition, "If teammates sit together, how many ways can they sit?")
            == ["How many ways can they sit if teammates sit together?"])
        #expect(Self.outputs(RulesRewriter.moveCondition, "Given that \(Self.p(0)), find \(Self.p(1)).")
            == ["Find \(Self.p(1)), given that \(Self.p(0))."])
    }

    @Test(arguments: [
        ("Find \(p(0)) if the function is continuous.", "If the function is continuous, find \(p(0))."),
        ("What is \(p(0)) if \(p(1))?", "If \(p(1)), what is \(p(0))?"),
        ("Find \(p(0)) if and only if \(p(1)).", "nil"),
    ])
    func aTrailingConditionGoesFirst(sentence: String, expected: String) {
        #expect(Self.outputs(RulesRewriter.conditionFirst, sentence) == [expected])
    }

    @Test(arguments: [
        ("A fair coin is tossed six times and the result is recorded.", "tosses a fair coin six times and the result is recorded."),
        ("Two dice are rolled.", "rolls two dice."),
        ("A card is then drawn at random.", "then draws a card at random."),
        ("The triangle is inscribed in a circle.", "nil"),
        ("A number \(p(0)) is chosen.", "nil"),
    ])
    func aPassiveBecomesActive(sentence: String, expected: String) {
        let outputs = Self.outputs(RulesRewriter.activeVoice, sentence)
        if expected == "nil" {
            #expect(outputs == ["nil"])
        } else {
            #expect(outputs == Set(["Someone", "A player", "A student"].map { $0 + " " + expected }))
        }
    }

    @Test func instructionsAreReworded() {
        let outputs = Self.outputs(RulesRewriter.instructionWords, "Express your answer as a common fraction.")
        #expect(outputs.contains("Give your answer as a common fraction."))
        #expect(outputs.allSatisfy { $0.hasSuffix(" as a common fraction.") && !$0.hasPrefix("Express") })
    }

    @Test func aFactMovesIntoTheQuestion() {
        let text = "The third and fourth terms of a geometric sequence are 12 and 16, respectively. What is the first term?"
        var sentences = RulesRewriter.sentences(text, protected: [])
        #expect(sentences.count == 2)
        var rng = SplitMix64(seed: 0)
        RulesRewriter.mergeFactIntoQuestion(&sentences, context: .init(protected: [], asksWhoOrWhich: false), rng: &rng)
        #expect(sentences.map(\.text) == ["Given that the third and fourth terms of a geometric sequence are 12 and 16, respectively, what is the first term?"])
    }

    @Test(arguments: [
        "Let \(p(0)) be real. Find \(p(1)).",
        "If \(p(0)), then \(p(1)). What is \(p(2))?",
        "Mr. Smith has 3 cats. What is \(p(0))?",
        "After eating one, Donna has 9 left. What is \(p(0))?",
    ])
    func noFactMovesFromAnInstructionOrACondition(text: String) {
        var sentences = RulesRewriter.sentences(text, protected: ["$x$", "$y$", "$z$"])
        let before = sentences
        var rng = SplitMix64(seed: 0)
        RulesRewriter.mergeFactIntoQuestion(&sentences, context: .init(protected: [], asksWhoOrWhich: false), rng: &rng)
        if text.hasPrefix("Mr.") {
            #expect(sentences.first?.text.hasPrefix("Given that Mr. Smith") == true)
        } else {
            #expect(sentences == before)
        }
    }

    @Test func sentencesEndInsideMathAndAfterADisplay() {
        let protected = ["$r.$", "\\[x^2=1\\]"]
        let sentences = RulesRewriter.sentences("Find \(Self.p(0)) Let \(Self.p(1))Find it.", protected: protected)
        #expect(sentences.map(\.text) == ["Find \(Self.p(0))", "Let \(Self.p(1))", "Find it."])
    }

    // MARK: Words

    @Test(arguments: [
        ("the largest value", "the greatest value"),
        ("the least common multiple", "the least common multiple"),
        ("at least two", "at least two"),
        ("the greatest common divisor", "the greatest common divisor"),
        ("Maria buys three pens", "Maria purchases three pens"),
    ])
    func synonymsMeanTheSame(text: String, swapped: String) {
        var seen: Set<String> = []
        for seed in 0..<32 {
            var rng = SplitMix64(seed: UInt64(seed))
            var words = RulesRewriter.tokens(text)
            RulesRewriter.swapSynonyms(&words, rng: &rng)
            seen.insert(words.joined())
        }
        #expect(seen.isSubset(of: [text, swapped]))
        #expect(seen.contains(swapped))
    }

    @Test(arguments: [
        ("The terms are 12 and 16, respectively.", "The terms are twelve and sixteen, respectively."),
        ("12 students came.", "Twelve students came."),
        ("A 3-inch cube (of side 3) weighs 45 grams.", "A three-inch cube (of side three) weighs forty-five grams."),
        ("It is 10cm, 2,000 m, 1.5 kg, 3:00, 5% and \\$5.", "It is 10cm, 2,000 m, 1.5 kg, 3:00, 5% and \\$5."),
        ("The numbers 1, 2, 3 and 100 and 1.", "The numbers 1, 2, 3 and 100 and 1."),
        ("Solve \(p(12)) for 7 values.", "Solve \(p(12)) for seven values."),
        ("A 25-gallon tub and a 20-gallon tub.", "A 25-gallon tub and a twenty-gallon tub."),
    ])
    func digitsBecomeWords(text: String, expected: String) {
        #expect(RulesRewriter.digitsToWords(text) == expected)
    }

    @Test(arguments: [
        ("There are eight All-Stars and twenty-five cents.", "There are 8 All-Stars and 25 cents."),
        ("Eight All-Stars came.", "Eight All-Stars came."),
        ("It takes two-thirds of the time, two hundred days, one hour and the two numbers.",
         "It takes two-thirds of the time, two hundred days, one hour and the two numbers."),
        ("A three-inch cube.", "A 3-inch cube."),
    ])
    func wordsBecomeDigits(text: String, expected: String) {
        #expect(RulesRewriter.wordsToDigits(text) == expected)
    }

    @Test func smallNumbersPassTheNumbersCheckBothWays() {
        let question = "Seven boys share 12 marbles and three girls share 20 marbles. How many marbles are there?"
        for rewrite in [RulesRewriter.digitsToWords(question), RulesRewriter.wordsToDigits(question)] {
            #expect(rewrite != question)
            #expect(NumberCheck.check(original: QuestionText(question), rewrite: QuestionText(rewrite)).held, "\(rewrite)")
        }
    }
}
