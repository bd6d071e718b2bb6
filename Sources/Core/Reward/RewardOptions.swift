/// Where a view's pseudo-label comes from.
public enum RewardMode: String, Sendable, CaseIterable {
    /// Co-Reward: the vote over the pooled answers of all other views of the question.
    case coReward = "co_reward"
    /// Majority voting (TTRL, SRT): the vote over the view's own rollouts.
    case selfVote = "self_vote"
    /// RLVR: the group's given label.
    case groundTruth = "ground_truth"
}

/// How a rollout's agreement with its pseudo-label becomes a number.
public enum RewardKind: String, Sendable, CaseIterable {
    /// 1 when the answer is equivalent to a non-empty pseudo-label, else 0.
    case binary
    /// The share of the electing pool's valid votes that fall in the rollout's class
    /// (in `ground_truth` mode, the same as binary).
    case soft
}

/// Per-view advantage normalisation.
public enum AdvantageKind: String, Sendable, CaseIterable {
    /// (r - mean) / (std + 1e-6), std unbiased; a single rollout gets mean 0 and std 1 (as verl does).
    case grpo
    /// r - mean (Dr. GRPO); a single rollout gets mean 0.
    case drGrpo = "dr_grpo"
}

/// Everything that decides how a batch is scored.
public struct RewardOptions: Sendable, Equatable {
    public var mode: RewardMode
    public var reward: RewardKind
    public var advantage: AdvantageKind?
    public var equivalence: Equivalence

    public init(mode: RewardMode = .coReward, reward: RewardKind = .binary, advantage: AdvantageKind? = nil,
                equivalence: Equivalence = .math) {
        self.mode = mode
        self.reward = reward
        self.advantage = advantage
        self.equivalence = equivalence
    }
}
