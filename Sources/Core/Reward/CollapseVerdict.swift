/// One step of a run: the signals of one scored batch (`BatchStats` and `CollapseSignals`).
public struct RunStep: Sendable, Equatable {
    public var groups: Int
    public var rollouts: Int
    public var meanReward: Double
    public var emptyRate: Double
    public var viewsAgreeRate: Double
    public var labelAccuracy: Double?
    public var answerConcentration: Double
    public var topAnswerShare: Double
    public var answerClassesPerGroup: Double
    public var consensus: Double
    public var meanResponseBytes: Double
    public var p10ResponseBytes: Int

    /// The step of a batch.
    public init(stats: BatchStats, signals: CollapseSignals) {
        groups = stats.groups
        rollouts = stats.rollouts
        meanReward = stats.meanReward
        emptyRate = stats.emptyRate
        viewsAgreeRate = stats.viewsAgreeRate
        labelAccuracy = stats.labelAccuracy
        answerConcentration = signals.answerConcentration
        topAnswerShare = signals.topAnswerShare
        answerClassesPerGroup = signals.answerClassesPerGroup
        consensus = signals.consensus
        meanResponseBytes = signals.meanResponseBytes
        p10ResponseBytes = signals.p10ResponseBytes
    }
}

/// The state of a run as its steps show it: healthy, warning, or collapse suspected, with the reasons.
///
/// Each rule compares the mean of the run's last `window` steps with the mean of its first `window` steps (its
/// baseline): a run is judged against how it started, not against numbers from another model or data set. A rule
/// fires at `collapse` or, at half that change, at `warning`; with fewer than two windows of steps nothing is judged.
/// The rules, one per failure the signals were chosen for:
/// - one answer for every question: `top_answer_share` risen by `answerShareRise`, or `answer_concentration` by
///   `concentrationRise`;
/// - no answer: `empty_rate` risen by `emptyRateRise`;
/// - ever shorter answers: `p10_response_bytes` or `mean_response_bytes` fallen to `lengthRatio` of the baseline;
/// - each view agreeing with itself but not with the other: `views_agree_rate` fallen by `viewsAgreeDrop`;
/// - rewards rising while accuracy falls (when labels exist): `mean_reward` risen and `label_accuracy` fallen, each
///   by `rewardAccuracyGap`.
public struct CollapseVerdict: Sendable, Equatable {
    /// The three states, worst last.
    public enum State: String, Sendable, Comparable, CaseIterable {
        case healthy, warning
        case collapseSuspected = "collapse_suspected"

        public static func < (a: State, b: State) -> Bool {
            allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
        }
    }

    /// The thresholds; the defaults come from replaying real rollouts with growing corruption (docs/collapse-watch.md).
    public struct Thresholds: Sendable, Equatable {
        public var window = 5
        public var answerShareRise = 0.08
        public var concentrationRise = 0.25
        public var emptyRateRise = 0.12
        public var lengthRatio = 0.6
        public var viewsAgreeDrop = 0.15
        public var rewardAccuracyGap = 0.10

        public init() {}
    }

    public let state: State
    /// One sentence per rule that fired: the signal, its value and baseline, and the threshold.
    public let reasons: [String]

    public init(state: State, reasons: [String]) {
        self.state = state
        self.reasons = reasons
    }

    /// The verdict on a run's steps, oldest first.
    public static func judge(_ steps: [RunStep], thresholds t: Thresholds) -> CollapseVerdict {
        let w = max(1, t.window)
        guard steps.count >= 2 * w else { return CollapseVerdict(state: .healthy, reasons: []) }
        let base = steps.prefix(w)
        let recent = steps.suffix(w)
        func mean(_ slice: ArraySlice<RunStep>, _ value: (RunStep) -> Double?) -> Double? {
            let values = slice.compactMap(value)
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        var state = State.healthy
        var reasons: [String] = []
        func judge(_ name: String, _ value: (RunStep) -> Double?, change limit: Double, rising: Bool) {
            guard let now = mean(recent, value), let then = mean(base, value) else { return }
            let change = rising ? now - then : then - now
            let fired: State? = change >= limit ? .collapseSuspected : change >= limit / 2 ? .warning : nil
            guard let fired else { return }
            state = max(state, fired)
            reasons.append("\(name) \(format(now)) over the last \(w) steps, \(format(then)) over the first \(w): "
                + "\(rising ? "up" : "down") \(format(change)), \(fired == .collapseSuspected ? "at least" : "at least half of") \(format(limit))")
        }
        func judgeRatio(_ name: String, _ value: (RunStep) -> Double, ratio: Double) {
            guard let now = mean(recent, value), let then = mean(base, value), then > 0 else { return }
            let share = now / then
            let fired: State? = share <= ratio ? .collapseSuspected : share <= (1 + ratio) / 2 ? .warning : nil
            guard let fired else { return }
            state = max(state, fired)
            reasons.append("\(name) \(format(now)) over the last \(w) steps is \(format(share)) of its first \(w) steps' "
                + "\(format(then)), \(fired == .collapseSuspected ? "at most" : "at most halfway to") \(format(ratio))")
        }
        judge("top_answer_share", { $0.topAnswerShare }, change: t.answerShareRise, rising: true)
        judge("answer_concentration", { $0.answerConcentration }, change: t.concentrationRise, rising: true)
        judge("empty_rate", { $0.emptyRate }, change: t.emptyRateRise, rising: true)
        judgeRatio("p10_response_bytes", { Double($0.p10ResponseBytes) }, ratio: t.lengthRatio)
        judgeRatio("mean_response_bytes", { $0.meanResponseBytes }, ratio: t.lengthRatio)
        judge("views_agree_rate", { $0.viewsAgreeRate }, change: t.viewsAgreeDrop, rising: false)
        if let rewardNow = mean(recent, { $0.meanReward }), let rewardThen = mean(base, { $0.meanReward }),
           let accuracyNow = mean(recent, { $0.labelAccuracy }), let accuracyThen = mean(base, { $0.labelAccuracy }) {
            let up = rewardNow - rewardThen
            let down = accuracyThen - accuracyNow
            let gap = min(up, down)
            let fired: State? = gap >= t.rewardAccuracyGap ? .collapseSuspected : gap >= t.rewardAccuracyGap / 2 ? .warning : nil
            if let fired {
                state = max(state, fired)
                reasons.append("mean_reward up \(format(up)) while label_accuracy down \(format(down)) over the last \(w) steps "
                    + "against the first \(w), each \(fired == .collapseSuspected ? "at least" : "at least half of") \(format(t.rewardAccuracyGap))")
            }
        }
        return CollapseVerdict(state: state, reasons: reasons)
    }

    /// Three decimals, trailing zeros dropped.
    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        var text = "\(rounded)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
