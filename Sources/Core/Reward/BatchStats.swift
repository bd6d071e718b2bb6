/// Figures over a whole batch, for a trainer's dashboards.
public struct BatchStats: Sendable, Equatable {
    public private(set) var groups = 0
    public private(set) var rollouts = 0
    public private(set) var rewardSum = 0.0
    public private(set) var emptyAnswers = 0
    public private(set) var groupsAgreeing = 0
    public private(set) var labelledViews = 0
    public private(set) var correctLabels = 0

    public init() {}

    /// Adds one scored group.
    public mutating func add(_ group: ScoredGroup) {
        groups += 1
        for view in group.views {
            rollouts += view.rewards.count
            rewardSum += view.rewards.reduce(0, +)
        }
        emptyAnswers += group.emptyAnswers
        if group.viewsAgree { groupsAgreeing += 1 }
        if let correct = group.labelCorrect {
            labelledViews += correct.count
            correctLabels += correct.lazy.filter { $0 }.count
        }
    }

    /// Adds the figures of another part of the batch.
    public mutating func add(_ other: BatchStats) {
        groups += other.groups
        rollouts += other.rollouts
        rewardSum += other.rewardSum
        emptyAnswers += other.emptyAnswers
        groupsAgreeing += other.groupsAgreeing
        labelledViews += other.labelledViews
        correctLabels += other.correctLabels
    }

    /// Mean reward over all rollouts (0 for an empty batch).
    public var meanReward: Double { rollouts == 0 ? 0 : rewardSum / Double(rollouts) }
    /// Share of rollouts without a voting answer.
    public var emptyRate: Double { rollouts == 0 ? 0 : Double(emptyAnswers) / Double(rollouts) }
    /// Share of groups whose views' own majorities agree.
    public var viewsAgreeRate: Double { groups == 0 ? 0 : Double(groupsAgreeing) / Double(groups) }
    /// Share of pseudo-labels equivalent to the given labels; nil when no group had a label.
    public var labelAccuracy: Double? { labelledViews == 0 ? nil : Double(correctLabels) / Double(labelledViews) }
}
