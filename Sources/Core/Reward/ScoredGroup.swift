/// One question's views of rollouts, as extracted answers, ready to score.
public struct GroupAnswers: Sendable, Equatable {
    /// Per view, per rollout: the extracted answer, or nil when none was found.
    public var views: [[String?]]
    /// Optional ground truth.
    public var label: String?

    public init(views: [[String?]], label: String? = nil) {
        self.views = views
        self.label = label
    }
}

/// The vote counts behind a pseudo-label.
public struct VoteCounts: Sendable, Equatable {
    /// Votes for the winning answer.
    public let winner: Int
    /// Answers that voted.
    public let valid: Int
    /// Answers in the pool.
    public let total: Int

    public init(winner: Int, valid: Int, total: Int) {
        self.winner = winner
        self.valid = valid
        self.total = total
    }
}

/// One view's scores.
public struct ScoredView: Sendable, Equatable {
    /// The pseudo-label as written ("" when the pool had no valid vote).
    public let pseudoLabel: String
    /// One reward per rollout.
    public let rewards: [Double]
    /// One advantage per rollout, when asked for.
    public let advantages: [Double]?
    /// The vote that elected the pseudo-label (nil in `ground_truth` mode, where nothing is voted).
    public let votes: VoteCounts?
}

/// One question's scores.
public struct ScoredGroup: Sendable, Equatable {
    public let views: [ScoredView]
    /// True when every view's own majority answer is non-empty and all are equivalent.
    public let viewsAgree: Bool
    /// Per view, whether its pseudo-label is equivalent to the given label (nil without a label).
    public let labelCorrect: [Bool]?
    /// Rollouts with no voting answer.
    public let emptyAnswers: Int
}
