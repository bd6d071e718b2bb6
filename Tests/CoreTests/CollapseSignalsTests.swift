import Testing
@testable import Core

/// The collapse signals of a batch (issue 17), on groups scored the way /v1/reward scores them.
struct CollapseSignalsTests {
    func scored(_ views: [[String?]], mode: RewardMode = .coReward) throws -> ScoredGroup {
        try RewardScorer(options: RewardOptions(mode: mode)).score(GroupAnswers(views: views), pointer: "")
    }

    func signals(_ groups: [[[String?]]], bytes: [Int] = [], _ equivalence: Equivalence = .math) throws -> CollapseSignals {
        CollapseSignals(groups: try groups.map { try scored($0) }, answers: groups.flatMap { $0.flatMap { $0 } },
                        responseBytes: bytes, equivalence: equivalence)
    }

    @Test func aHealthyBatchSpreadsItsAnswers() throws {
        let signals = try signals([
            [["1", "1", "2"], ["1", "1", "1"]],
            [["5", "5", "5"], ["5", "6", "5"]],
            [["\\frac12", "0.5", "1/3"], ["1/2", "1/2", "7"]],
            [["9", "9", "9"], ["9", "9", "9"]],
        ], bytes: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        #expect(signals.answerConcentration == 0.25)
        #expect(signals.topAnswerShare == 6.0 / 24)  // the six 9s; 1/2 has four, 1 and 5 five each
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
        let groups: [[[String?]]] = [
            [["42", "42"], ["42", "42"]],
            [["42.0", "42.0"], ["42.0", "42.0"]],
            [["42.00", "42.00"], ["42.00", "42.00"]],
            [["7", "7"], ["7", "7"]],
        ]
        #expect(try signals(groups).answerConcentration == 0.75)
        #expect(try signals(groups).topAnswerShare == 0.75)
        #expect(try signals(groups, .exact).answerConcentration == 0.25)
    }

    /// A constant answer spreading as a minority in every group moves the top answer share before any vote.
    @Test func aSpreadingConstantAnswerShowsInTheTopAnswerShareFirst() throws {
        let healthy: [[[String?]]] = (1...8).map { q in [["\(q)", "\(q)", "\(q)", "\(q)"], ["\(q)", "\(q)", "\(q)", "\(q)"]] }
        let spreading: [[[String?]]] = (1...8).map { q in [["\(q)", "\(q)", "\(q)", "42"], ["\(q)", "\(q)", "\(q)", "42"]] }
        let before = try signals(healthy)
        let after = try signals(spreading)
        #expect(before.topAnswerShare == 0.125)
        #expect(after.topAnswerShare == 0.25)
        #expect(after.answerConcentration == before.answerConcentration)
    }

    @Test func viewsThatDisagreeCountTwoClasses() throws {
        #expect(try signals([[["1", "1"], ["2", "2"]], [["3", "3"], ["3", "3"]]]).answerClassesPerGroup == 1.5)
    }

    @Test func noAnswersAtAllIsNoConcentrationAndNoConsensus() throws {
        let signals = try signals([[[nil, nil], [nil, nil]], [[nil, ""], [nil, nil]]], bytes: [1, 1, 1, 1])
        #expect(signals.answerConcentration == 0)
        #expect(signals.topAnswerShare == 0)
        #expect(signals.consensus == 0)
        #expect(signals.answerClassesPerGroup == 0)
        #expect(try self.signals([]).answerConcentration == 0)
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
