import Foundation
import Testing
@testable import Core

/// Majority votes on real rollouts: math equivalence against exact strings, strict and lenient extraction.
struct MathVoteTests {
    /// Problems whose vote winner is equivalent to the ground truth, judged by the vote's own equivalence.
    private func voteAccuracy(file: String, equivalence: Equivalence, extraction: ExtractionMode) throws -> (Int, Int) {
        let problems = AugmentationFixtures.jsonLines("data/rollouts/" + file)
        var correct = 0
        for problem in problems {
            guard let gold = problem["answer"] as? String, let responses = problem["responses"] as? [String] else {
                continue
            }
            let answers = responses.map { AnswerExtractor.extract($0, mode: extraction)?.answer }
            let vote = MajorityVote.elect(answers.indices, classes: equivalence.classify(answers))
            if let winner = vote.labelIndex, let answer = answers[winner], equivalence.equivalent(answer, gold) {
                correct += 1
            }
        }
        return (correct, problems.count)
    }

    @Test func mathVoteBeatsExactStringVoteOnQwenMath() throws {
        let (math, total) = try voteAccuracy(file: "math_qwen25math_instruct_n8.jsonl", equivalence: .math, extraction: .strict)
        let (exact, _) = try voteAccuracy(file: "math_qwen25math_instruct_n8.jsonl", equivalence: .exact, extraction: .strict)
        #expect(total == 100)
        #expect(Double(math) / Double(total) >= 0.90, "math vote \(math)/\(total)")
        #expect(exact == 87, "exact vote \(exact)/\(total): the data README's figure")
        #expect(math > exact)
    }

    @Test func lenientExtractionVotesOnGSM8K() throws {
        let (lenient, total) = try voteAccuracy(file: "gsm8k_open_models_5x_greedy.jsonl", equivalence: .math, extraction: .lenient)
        let (strict, _) = try voteAccuracy(file: "gsm8k_open_models_5x_greedy.jsonl", equivalence: .math, extraction: .strict)
        #expect(total == 1319)
        #expect(Double(lenient) / Double(total) >= 0.85, "lenient \(lenient)/\(total)")
        #expect(lenient > strict)
    }

    @Test(arguments: [
        (["1/2", "0.5", "\\frac12", "3", "3"] as [String?], 0 as Int?, 3),
        (["3", "", "  ", "x=3", "4", "4"], 0, 2),
        (["4", "5", "5", "4"], 0, 2),
        (["", " ", nil], nil, 0),
        (["7", "8", "8"], 1, 2),
        (["\\dfrac{1}{2}", "1/3", "0.5", "1/3", "\\frac13"], 1, 3),
    ])
    func mathClassesFollowTheVoteRules(answers: [String?], label: Int?, winnerCount: Int) {
        let vote = MajorityVote.elect(answers.indices, classes: Equivalence.math.classify(answers))
        #expect(vote.labelIndex == label)
        #expect(vote.winnerCount == winnerCount)
    }

    @Test func classifyingParsesEachDistinctAnswerOnce() {
        let answers: [String?] = Array(repeating: "\\frac{1}{2}", count: 500) + Array(repeating: "0.5", count: 500)
        let classes = Equivalence.math.classify(answers)
        #expect(classes.count == 1)
        #expect(classes.classOf.allSatisfy { $0 == 0 })
    }
}
