import Core

/// How runs are followed over time: how many, how long, where their steps are logged, and the verdict's thresholds.
public struct RunSettings: Sendable, Equatable {
    /// Most runs kept; a new run past it evicts the one updated longest ago.
    public var maxRuns = 64
    /// Most steps kept per run (the oldest go first; the first `window` are kept apart as the baseline).
    public var maxSteps = 1000
    /// `/get_reward`: assembled groups of a run that make one step.
    public var groupsPerStep = 64
    /// File every step is appended to as a JSON line; empty for none.
    public var statsLog = ""
    /// The verdict's window and thresholds.
    public var thresholds = CollapseVerdict.Thresholds()

    public init() {}
}
