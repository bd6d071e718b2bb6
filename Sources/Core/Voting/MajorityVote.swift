/// The outcome of a majority vote over some answers.
public struct Vote: Sendable, Equatable {
    /// The winning class, or nil when no answer voted.
    public let winner: Int?
    /// Index (into the full answer list) of the winner's first member in the pool: the pseudo-label as written.
    public let labelIndex: Int?
    /// Votes for the winner.
    public let winnerCount: Int
    /// Answers that voted.
    public let valid: Int
    /// Answers in the pool, voting or not.
    public let total: Int
    /// Votes per class over the pool (indexed by class id; zero for classes absent from the pool).
    public let counts: [Int]
}

/// Majority voting with first-seen tie-breaking.
public enum MajorityVote {
    /// Elects the class with the most members among `pool` (indices into the answers that `classes` describes).
    /// A tie goes to the class whose first member in the pool comes first, which equals Python's
    /// `Counter(answers).most_common(1)` on the pool in exact mode.
    public static func elect<Pool: Sequence<Int>>(_ pool: Pool, classes: AnswerClasses) -> Vote {
        var counts = [Int](repeating: 0, count: classes.count)
        var firstInPool = [Int](repeating: -1, count: classes.count)
        var order: [Int] = []  // classes in order of first appearance in the pool
        var valid = 0
        var total = 0
        for index in pool {
            total += 1
            guard let id = classes.classOf[index] else { continue }
            valid += 1
            if counts[id] == 0 {
                firstInPool[id] = index
                order.append(id)
            }
            counts[id] += 1
        }
        var winner: Int?
        for id in order where winner.map({ counts[id] > counts[$0] }) ?? true {
            winner = id
        }
        return Vote(winner: winner, labelIndex: winner.map { firstInPool[$0] },
                    winnerCount: winner.map { counts[$0] } ?? 0,
                    valid: valid, total: total, counts: counts)
    }
}
