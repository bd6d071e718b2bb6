@testable import Core
import Testing

/// Groups assembled from samples that arrived one by one: scored by DESIGN's Co-Reward, in canonical order.
struct AssembledGroupTests {
    private func sample(_ response: String) -> AssembledGroup.Sample {
        AssembledGroup.Sample(response: Array(response.utf8), answer: AnswerExtractor.extract(response)?.answer)
    }

    /// View 1 splits 2-2 between "5" and "7": the tie goes to the class whose first member comes first in the
    /// canonical (byte) order, whatever order the samples arrived in.
    @Test func arrivalOrderNeverChangesARewardEvenInATie() throws {
        let view0 = ["a \\boxed{5}", "b \\boxed{7}", "c \\boxed{5}"]
        let view1 = ["z \\boxed{5}", "m \\boxed{7}", "y \\boxed{5}", "k \\boxed{7}"]
        let reference = try AssembledGroup(views: [view0.map(sample), view1.map(sample)]).score(equivalence: .math)
        // Canonical order of view 1 starts with "k \boxed{7}": 7 wins the tie, so view 0's "7" earns the reward.
        #expect(reference[0].map(\.reward) == [0, 1, 0])
        #expect(reference[1].map(\.reward) == [1, 0, 1, 0])
        for rotation in 1 ..< 4 {
            let shuffled1 = Array(view1[rotation...] + view1[..<rotation])
            let shuffled0 = Array(view0.reversed())
            let scores = try AssembledGroup(views: [shuffled0.map(sample), shuffled1.map(sample)]).score(equivalence: .math)
            for (i, text) in shuffled0.enumerated() {
                #expect(scores[0][i] == reference[0][view0.firstIndex(of: text)!])
            }
            for (i, text) in shuffled1.enumerated() {
                #expect(scores[1][i] == reference[1][view1.firstIndex(of: text)!])
            }
        }
    }

    /// The same numbers as `/v1/reward` gives the canonically ordered group.
    @Test func equalsTheRewardScorerOnTheSortedGroup() throws {
        let views = [["\\boxed{\\frac12}", "x \\boxed{3}", "no answer"], ["\\boxed{0.5}", "\\boxed{1/2}"]]
        let scores = try AssembledGroup(views: views.map { $0.map(sample) }, label: "1/2").score(equivalence: .math)
        let sorted = views.map { $0.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
        let scored = try RewardScorer(options: RewardOptions()).score(
            GroupAnswers(views: sorted.map { $0.map { AnswerExtractor.extract($0)?.answer } }, label: "1/2"))
        for (v, view) in views.enumerated() {
            for (i, text) in view.enumerated() {
                let rank = try #require(sorted[v].firstIndex(of: text))
                #expect(scores[v][i].reward == scored.views[v].rewards[rank])
                #expect(scores[v][i].labelCorrect == scored.labelCorrect?[v])
                #expect(scores[v][i].viewsAgree == scored.viewsAgree)
            }
        }
    }

    /// Incomplete at the timeout: views that hold samples are scored among themselves; a view with no other view
    /// holding samples has an empty pseudo-label, so reward 0.
    @Test func anIncompleteGroupUsesWhatItHolds() throws {
        let three = try AssembledGroup(views: [["\\boxed{2}"].map(sample), [], ["\\boxed{2}", "\\boxed{3}"].map(sample)])
            .score(equivalence: .math)
        #expect(three[0].map(\.reward) == [1])
        #expect(three[1].isEmpty)
        #expect(three[2].map(\.reward) == [1, 0])
        let lonely = try AssembledGroup(views: [["\\boxed{2}", "\\boxed{2}"].map(sample), []], label: "2").score(equivalence: .math)
        #expect(lonely[0].map(\.reward) == [0, 0])
        #expect(lonely[0].allSatisfy { $0.labelCorrect == false && !$0.viewsAgree })
    }

    /// Every shape the assembler can hand over is scored without an error: no views, empty views, one view
    /// holding samples (all rewards 0), and two or more (the scorer's own rule).
    @Test(arguments: [[[String]](), [[], []], [["\\boxed{1}"], []], [[], ["\\boxed{1}"], []], [["\\boxed{1}"], ["\\boxed{2}"]],
                      [["\\boxed{1}"], [], ["\\boxed{1}"]]])
    func scoresEveryShapeWithoutAnError(views: [[String]]) throws {
        let scores = try AssembledGroup(views: views.map { $0.map(sample) }, label: "1").score(equivalence: .math)
        #expect(scores.map(\.count) == views.map(\.count))
    }
}
