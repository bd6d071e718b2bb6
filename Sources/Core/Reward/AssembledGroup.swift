/// A Co-Reward group gathered from samples that arrived one by one (OpenRLHF's per-sample `/get_reward`),
/// scored so that arrival order never matters: each view's samples are put in canonical order, by their
/// response bytes, before voting.
public struct AssembledGroup: Sendable {
    /// One rollout: its response text's bytes (the canonical sort key) and its extracted answer.
    public struct Sample: Sendable {
        public let response: [UInt8]
        public let answer: String?

        public init(response: [UInt8], answer: String?) {
            self.response = response
            self.answer = answer
        }
    }

    /// One rollout's scores.
    public struct SampleScore: Sendable, Equatable {
        public let reward: Double
        /// True when the group's views' own majority answers agree.
        public let viewsAgree: Bool
        /// Whether the rollout's pseudo-label is equivalent to the group's ground truth (nil without one).
        public let labelCorrect: Bool?
    }

    /// Per view, the samples in any order. A view may be empty when the group is scored incomplete.
    public var views: [[Sample]]
    /// Optional ground truth, for diagnostics only.
    public var label: String?

    public init(views: [[Sample]], label: String? = nil) {
        self.views = views
        self.label = label
    }

    /// Scores every sample, by view, in the order given. The definition is DESIGN's Co-Reward over the views
    /// that hold samples; a view whose other views hold none has an empty pseudo-label, so reward 0.
    /// Throws what `RewardScorer` throws; it is given only views that hold samples, two or more, which it
    /// accepts, so an error here is a broken invariant that the caller reports.
    public func score(equivalence: Equivalence, reward: RewardKind = .binary) throws(CoreError) -> [[SampleScore]] {
        try scoreWithGroup(equivalence: equivalence, reward: reward).scores
    }

    /// `score`, and the group as `RewardScorer` scored it (nil when fewer than two views hold samples), for
    /// statistics over groups.
    public func scoreWithGroup(equivalence: Equivalence, reward: RewardKind = .binary) throws(CoreError)
        -> (scores: [[SampleScore]], group: ScoredGroup?) {
        let orders = views.map { samples in
            samples.indices.sorted { samples[$0].response.lexicographicallyPrecedes(samples[$1].response) }
        }
        let present = views.indices.filter { !views[$0].isEmpty }
        var scores = views.map { samples in
            [SampleScore](repeating: SampleScore(reward: 0, viewsAgree: false, labelCorrect: label.map { _ in false }),
                          count: samples.count)
        }
        guard present.count >= 2 else { return (scores, nil) }
        let group = GroupAnswers(views: present.map { v in orders[v].map { views[v][$0].answer } }, label: label)
        let scorer = RewardScorer(options: RewardOptions(mode: .coReward, reward: reward, equivalence: equivalence))
        let scored = try scorer.score(group)
        for (position, v) in present.enumerated() {
            let view = scored.views[position]
            let correct = scored.labelCorrect?[position]
            for (rank, index) in orders[v].enumerated() {
                scores[v][index] = SampleScore(reward: view.rewards[rank], viewsAgree: scored.viewsAgree,
                                               labelCorrect: correct)
            }
        }
        return (scores, scored)
    }
}
