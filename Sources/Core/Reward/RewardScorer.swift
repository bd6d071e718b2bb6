/// Scores groups of views of rollouts: pseudo-labels, rewards, advantages.
public struct RewardScorer: Sendable {
    public let options: RewardOptions

    public init(options: RewardOptions) {
        self.options = options
    }

    /// Scores one group. `pointer` is the group's JSON Pointer, used in errors.
    public func score(_ group: GroupAnswers, pointer: String = "") throws(CoreError) -> ScoredGroup {
        try validate(group, pointer: pointer)
        // Every answer of the group, view after view, and then the label, classed once: each text is parsed
        // once, and "equivalent to the label" is "in the label's class", as "agrees with the vote" is.
        var flat: [String?] = []
        var viewStart: [Int] = []
        for view in group.views {
            viewStart.append(flat.count)
            flat.append(contentsOf: view)
        }
        viewStart.append(flat.count)
        let rollouts = flat.count
        if let label = group.label { flat.append(label) }
        let classes = options.equivalence.classify(flat)
        let labelClass = group.label == nil ? nil : classes.classOf[rollouts]
        let ownVotes = group.views.indices.map { v in
            MajorityVote.elect(viewStart[v] ..< viewStart[v + 1], classes: classes)
        }

        var views: [ScoredView] = []
        views.reserveCapacity(group.views.count)
        var pseudoLabelClasses: [Int?] = []
        for v in group.views.indices {
            let own = viewStart[v] ..< viewStart[v + 1]
            let rewards: [Double]
            let pseudoLabel: String
            var votes: VoteCounts?
            switch options.mode {
            case .groundTruth:
                pseudoLabel = group.label ?? ""
                pseudoLabelClasses.append(labelClass)
                rewards = own.map { i in
                    guard let id = classes.classOf[i], let labelClass else { return 0 }
                    return id == labelClass ? 1 : 0
                }
            case .coReward, .selfVote:
                let vote: Vote
                if options.mode == .selfVote {
                    vote = ownVotes[v]
                } else {
                    let others = group.views.indices.lazy.filter { $0 != v }
                        .flatMap { viewStart[$0] ..< viewStart[$0 + 1] }
                    vote = MajorityVote.elect(others, classes: classes)
                }
                pseudoLabel = vote.labelIndex.flatMap { flat[$0] } ?? ""
                pseudoLabelClasses.append(vote.winner)
                votes = VoteCounts(winner: vote.winnerCount, valid: vote.valid, total: vote.total)
                rewards = own.map { i in
                    guard let id = classes.classOf[i], let winner = vote.winner else { return 0 }
                    switch options.reward {
                    case .binary: return id == winner ? 1 : 0
                    case .soft: return Double(vote.counts[id]) / Double(vote.valid)
                    }
                }
            }
            views.append(ScoredView(pseudoLabel: pseudoLabel, rewards: rewards,
                                    advantages: options.advantage?.advantages(rewards),
                                    votes: votes))
        }

        let majorities = ownVotes.map(\.winner)
        let viewsAgree = majorities.allSatisfy { $0 != nil } && Set(majorities).count == 1
        let labelCorrect = labelClass.map { label in pseudoLabelClasses.map { $0 == label } }
            ?? group.label.map { _ in Array(repeating: false, count: views.count) }
        let empty = classes.classOf[0 ..< rollouts].lazy.filter { $0 == nil }.count
        return ScoredGroup(views: views, viewsAgree: viewsAgree, labelCorrect: labelCorrect, emptyAnswers: empty)
    }

    private func validate(_ group: GroupAnswers, pointer: String) throws(CoreError) {
        if group.views.isEmpty {
            throw CoreError(pointer: pointer + "/views", detail: "a group needs at least one view")
        }
        if options.mode == .coReward, group.views.count < 2 {
            throw CoreError(pointer: pointer + "/views",
                            detail: "co_reward needs at least 2 views (the question and a rephrasing), got \(group.views.count)")
        }
        if options.mode == .groundTruth, group.label == nil {
            throw CoreError(pointer: pointer + "/label", detail: "ground_truth mode needs a label on every group")
        }
        for (v, view) in group.views.enumerated() where view.isEmpty {
            throw CoreError(pointer: pointer + "/views/\(v)/responses", detail: "a view needs at least one rollout")
        }
    }
}
