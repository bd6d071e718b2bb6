import Core
import Testing

struct RewardScorerTests {
    private func score(_ views: [[String?]], label: String? = nil, mode: RewardMode = .coReward,
                       reward: RewardKind = .binary) throws -> ScoredGroup {
        try RewardScorer(options: RewardOptions(mode: mode, reward: reward))
            .score(GroupAnswers(views: views, label: label))
    }

    @Test func coRewardWithTwoViewsCrossesTheMajorities() throws {
        let group = try score([["1", "1", "2", nil], ["2", "2", "1", "2"]])
        #expect(group.views[0].pseudoLabel == "2")  // majority of view 1
        #expect(group.views[1].pseudoLabel == "1")  // majority of view 0
        #expect(group.views[0].rewards == [0, 0, 1, 0])
        #expect(group.views[1].rewards == [0, 0, 1, 0])
        #expect(group.views[0].votes == VoteCounts(winner: 3, valid: 4, total: 4))
        #expect(group.views[1].votes == VoteCounts(winner: 2, valid: 3, total: 4))
        #expect(!group.viewsAgree)
        #expect(group.emptyAnswers == 1)
    }

    @Test func coRewardWithThreeViewsPoolsTheOthers() throws {
        // view 0 is elected by views 1 + 2: "b" x2, "a" x2, "b" first seen -> "b"
        let group = try score([["a", "a", "a"], ["b", "a"], ["b", "a"]])
        #expect(group.views[0].pseudoLabel == "b")
        #expect(group.views[0].rewards == [0, 0, 0])
        // view 1 is elected by views 0 + 2: "a" x4
        #expect(group.views[1].pseudoLabel == "a")
        #expect(group.views[1].rewards == [0, 1])
        #expect(group.views[2].pseudoLabel == "a")
        #expect(group.views[2].votes == VoteCounts(winner: 4, valid: 5, total: 5))
        #expect(!group.viewsAgree)  // own majorities: a, b, b
    }

    @Test func noValidVoteMeansNoRewardAtAll() throws {
        let group = try score([["5", "5"], [nil, "  "]])
        #expect(group.views[0].pseudoLabel == "")
        #expect(group.views[0].rewards == [0, 0])
        #expect(group.views[1].pseudoLabel == "5")
        #expect(group.views[1].rewards == [0, 0])
        #expect(!group.viewsAgree)
    }

    @Test func softRewardIsTheShareOfThePoolsVotes() throws {
        let group = try score([["1", "2", nil, "3"], ["1", "1", "2", nil]], reward: .soft)
        // pool of view 0 = view 1: valid 3 ("1" x2, "2" x1)
        let third: Double = 1.0 / 3
        let twoThirds: Double = 2.0 / 3
        #expect(group.views[0].rewards == [twoThirds, third, 0, 0])
        // pool of view 1 = view 0: valid 3 ("1", "2", "3")
        #expect(group.views[1].rewards == [third, third, third, 0])
    }

    @Test func selfVoteUsesTheViewsOwnMajority() throws {
        let group = try score([["7", "7", "8"]], mode: .selfVote)
        #expect(group.views[0].pseudoLabel == "7")
        #expect(group.views[0].rewards == [1, 1, 0])
        #expect(group.viewsAgree)
        let soft = try score([["7", "7", "8", nil]], mode: .selfVote, reward: .soft)
        let expected: [Double] = [2.0 / 3, 2.0 / 3, 1.0 / 3, 0]
        #expect(soft.views[0].rewards == expected)
    }

    @Test func groundTruthComparesWithTheLabel() throws {
        let group = try score([["4", "5", nil], ["4"]], label: "4", mode: .groundTruth)
        #expect(group.views[0].pseudoLabel == "4")
        #expect(group.views[0].rewards == [1, 0, 0])
        #expect(group.views[0].votes == nil)
        #expect(group.views[1].rewards == [1])
        #expect(group.labelCorrect == [true, true])
    }

    @Test func labelsOnlyDiagnoseInOtherModes() throws {
        let group = try score([["1", "1"], ["2", "1", "2"]], label: "2")
        #expect(group.views[0].pseudoLabel == "2")
        #expect(group.views[1].pseudoLabel == "1")
        #expect(group.labelCorrect == [true, false])
        #expect(try score([["1"], ["1"]]).labelCorrect == nil)
    }

    @Test func viewsAgreeWhenEveryOwnMajorityIsTheSame() throws {
        #expect(try score([["3", "3", "1"], ["3", "2"]]).viewsAgree)
        #expect(try !score([["3"], [nil]]).viewsAgree)
    }

    @Test(arguments: [
        (RewardMode.coReward, [["1"]] as [[String?]], nil as String?, "/views"),
        (.groundTruth, [["1"], ["1"]], nil, "/label"),
        (.selfVote, [], nil, "/views"),
        (.coReward, [["1"], []], nil, "/views/1/responses"),
    ])
    func refusesGroupsItCannotScore(mode: RewardMode, views: [[String?]], label: String?, pointer: String) {
        #expect(throws: CoreError.self) {
            try score(views, label: label, mode: mode)
        }
        do {
            _ = try RewardScorer(options: RewardOptions(mode: mode)).score(GroupAnswers(views: views, label: label),
                                                                          pointer: "/groups/2")
        } catch {
            #expect(error.pointer == "/groups/2" + pointer)
        }
    }

    @Test func batchStatsAddUp() throws {
        var stats = BatchStats()
        stats.add(try score([["1", "1"], ["1", nil]], label: "1"))
        stats.add(try score([["2", "3"], ["4", "4"]]))
        #expect(stats.groups == 2)
        #expect(stats.rollouts == 8)
        #expect(stats.meanReward == 3.0 / 8)  // group 1: 1,1 | 1,0 ; group 2: all 0
        #expect(stats.emptyRate == 1.0 / 8)
        #expect(stats.viewsAgreeRate == 0.5)
        #expect(stats.labelAccuracy == 1.0)
    }
}
