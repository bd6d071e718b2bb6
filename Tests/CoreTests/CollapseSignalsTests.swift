import Testing
@testable import Core

/// The collapse signals of a batch (issue 17), on groups scored the way /v1/reward scores them.
struct CollapseSignalsTests {
    func scored(_ views: [[String?]], mode: RewardMode = .coReward) throws -> ScoredGroup {
        try RewardScorer(options: RewardOptions(mode: mode)).score(GroupAnswers(views: views), pointer: "")
    }

    @Test func aHealthyBatchSpreadsItsAnswers() throws {
        let groups = [
            try scored([["1", "1", "2"], ["1", "1", "1"]]),
            try scored([["5", "5", "5"], ["5", "6", "5"]]),
            try scored([["\\frac12", "0.5", "1/3"], ["1/2", "1/2", "7"]]),
            try scored([["9", "9", "9"], ["9", "9", "9"]]),
        ]
        let signals = CollapseSignals(groups: groups, responseBytes: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
                                      equivalence: .math)
        #expect(signals.answerConcentration == 0.25)
        #expect(signals.answerClassesPerGroup == 1)
        #expect(signals.meanResponseBytes == 55)
        #expect(signals.p10ResponseBytes == 10)
        // Co-Reward: each view's vote is the other view's answers. Group 1: 3/3 and 2/3; group 2: 2/3 and 3/3;
        // group 3: 2/3 (1/2 twice of 1/2,1/2,7) and 2/3 (\frac12, 0.5 of three); group 4: 1 and 1.
        let expected = (1 + 2.0 / 3 + 2.0 / 3 + 1 + 2.0 / 3 + 2.0 / 3 + 1 + 1) / 8
        #expect(abs(signals.consensus - expected) < 1e-12)
    }

    @Test func oneAnswerForEveryQuestionIsFullConcentration() throws {
        // The same answer written three ways: one class under math equivalence, three of one group each under exact.
        let groups = [
            try scored([["42", "42"], ["42", "42"]]),
            try scored([["42.0", "42.0"], ["42.0", "42.0"]]),
            try scored([["42.00", "42.00"], ["42.00", "42.00"]]),
            try scored([["7", "7"], ["7", "7"]]),
        ]
        #expect(CollapseSignals(groups: groups, responseBytes: [], equivalence: .math).answerConcentration == 0.75)
        #expect(CollapseSignals(groups: groups, responseBytes: [], equivalence: .exact).answerConcentration == 0.25)
    }

    @Test func viewsThatDisagreeCountTwoClasses() throws {
        let groups = [try scored([["1", "1"], ["2", "2"]]), try scored([["3", "3"], ["3", "3"]])]
        #expect(CollapseSignals(groups: groups, responseBytes: [], equivalence: .math).answerClassesPerGroup == 1.5)
    }

    @Test func noAnswersAtAllIsNoConcentrationAndNoConsensus() throws {
        let groups = [try scored([[nil, nil], [nil, nil]]), try scored([[nil, ""], [nil, nil]])]
        let signals = CollapseSignals(groups: groups, responseBytes: [1, 1, 1, 1], equivalence: .math)
        #expect(signals.answerConcentration == 0)
        #expect(signals.consensus == 0)
        #expect(signals.answerClassesPerGroup == 0)
        #expect(CollapseSignals(groups: [], responseBytes: [], equivalence: .math).answerConcentration == 0)
    }

    /// Only the largest buckets are merged by the engine: past `mergedClasses` distinct forms the count is a lower
    /// bound, never a hang.
    @Test func manyDistinctAnswersCostAConstantNumberOfEngineCalls() {
        let answers = (0..<2000).map { "x^{\($0)}+\\sqrt{\($0)}" }
        #expect(CollapseSignals.largestClass(answers, .math) == 1)
        #expect(CollapseSignals.largestClass(["\\frac12", "0.5", "1/2", "2"], .math) == 3)
    }

    @Test(arguments: [([Int](), 0.1, 0), ([5], 0.1, 5), (Array(1...20), 0.1, 2), (Array(1...9), 0.1, 1)])
    func percentileIsNearestRank(values: [Int], p: Double, expected: Int) {
        #expect(CollapseSignals.percentile(values, p) == expected)
    }
}
