import Core
import Testing

struct MajorityVoteTests {
    private func vote(_ answers: [String?]) -> (label: String?, winner: Int, valid: Int, total: Int) {
        let classes = Equivalence.exact.classify(answers)
        let result = MajorityVote.elect(answers.indices, classes: classes)
        return (result.labelIndex.flatMap { answers[$0] }, result.winnerCount, result.valid, result.total)
    }

    @Test(arguments: [
        // answers, expected pseudo-label, winner count, valid votes
        (["1", "2", "2", "1"] as [String?], "1" as String?, 2, 4),   // tie: the class seen first wins
        (["2", "1", "1", "2"], "2", 2, 4),
        (["a", "b", "c"], "a", 1, 3),
        (["x", "y", "y"], "y", 2, 3),
        ([nil, "", "  ", "\t\n"], nil, 0, 0),                        // nothing votes
        ([nil, "3", nil], "3", 1, 1),
        (["\u{1F}", "5"], "5", 1, 1),                                 // Python's strip() removes U+001F
        ([" 5", "5", "5 ", "5"], "5", 2, 4),                          // exact: white space matters
    ])
    func electsTheLargestClassFirstSeenOnTies(answers: [String?], label: String?, winner: Int, valid: Int) {
        let result = vote(answers)
        #expect(result.label == label)
        #expect(result.winner == winner)
        #expect(result.valid == valid)
        #expect(result.total == answers.count)
    }

    @Test func classesAreNumberedInOrderOfFirstAppearance() {
        let classes = Equivalence.exact.classify(["b", nil, "a", "b", " ", "c", "a"])
        #expect(classes.classOf == [0, nil, 1, 0, nil, 2, 1])
        #expect(classes.firstMember == [0, 2, 5])
    }

    @Test func votesOverAPoolOnly() {
        let answers: [String?] = ["1", "1", "1", "2", "2", "3"]
        let classes = Equivalence.exact.classify(answers)
        let result = MajorityVote.elect(3 ..< 6, classes: classes)
        #expect(result.labelIndex == 3)
        #expect(result.winnerCount == 2)
        #expect(result.counts == [0, 2, 1])
    }
}
