import Testing
@testable import Core

/// The verdict on a run's steps: each rule against the run's own baseline.
struct CollapseVerdictTests {
    static func step(_ change: (inout RunStep) -> Void = { _ in }) -> RunStep {
        var step = RunStep(stats: BatchStats(), signals: CollapseSignals(groups: [], answers: [], responseBytes: [], equivalence: .exact))
        step.groups = 64
        step.rollouts = 1024
        step.meanReward = 0.6
        step.emptyRate = 0.02
        step.viewsAgreeRate = 0.85
        step.answerConcentration = 0.06
        step.topAnswerShare = 0.04
        step.answerClassesPerGroup = 1.15
        step.consensus = 0.8
        step.meanResponseBytes = 1500
        step.p10ResponseBytes = 600
        return { var s = step; change(&s); return s }()
    }

    let thresholds = CollapseVerdict.Thresholds()

    func verdict(baseline: Int = 5, then recent: RunStep, count: Int = 5) -> CollapseVerdict {
        CollapseVerdict.judge(Array(repeating: Self.step(), count: baseline) + Array(repeating: recent, count: count),
                              thresholds: thresholds)
    }

    @Test func aSteadyRunIsHealthy() {
        let judged = verdict(then: Self.step())
        #expect(judged.state == .healthy)
        #expect(judged.reasons.isEmpty)
    }

    @Test func tooFewStepsAreNotJudged() {
        #expect(CollapseVerdict.judge(Array(repeating: Self.step { $0.emptyRate = 1 }, count: 9), thresholds: thresholds).state == .healthy)
    }

    /// The step with one signal set.
    static func step(_ signal: String, _ value: Double) -> RunStep {
        step { s in
            switch signal {
            case "top_answer_share": s.topAnswerShare = value
            case "answer_concentration": s.answerConcentration = value
            case "empty_rate": s.emptyRate = value
            case "p10_response_bytes": s.p10ResponseBytes = Int(value)
            case "mean_response_bytes": s.meanResponseBytes = value
            case "views_agree_rate": s.viewsAgreeRate = value
            case "mean_reward": s.meanReward = value; s.labelAccuracy = 0.5
            default: Issue.record("no signal \(signal)")
            }
        }
    }

    @Test(arguments: [
        ("top_answer_share", 0.15, CollapseVerdict.State.collapseSuspected),
        ("top_answer_share", 0.10, .warning),
        ("top_answer_share", 0.07, .healthy),
        ("answer_concentration", 0.40, .collapseSuspected),
        ("empty_rate", 0.20, .collapseSuspected),
        ("empty_rate", 0.12, .warning),
        ("p10_response_bytes", 300, .collapseSuspected),
        ("mean_response_bytes", 1150, .warning),
        ("mean_response_bytes", 1400, .healthy),
        ("views_agree_rate", 0.65, .collapseSuspected),
        ("mean_reward", 0.8, .healthy),  // the baseline has no label accuracy to compare with
    ])
    func eachRuleFiresOnItsSignal(signal: String, value: Double, state: CollapseVerdict.State) {
        let judged = verdict(then: Self.step(signal, value))
        #expect(judged.state == state)
        if state != .healthy {
            #expect(judged.reasons.count == 1)
            #expect(judged.reasons.first?.hasPrefix(signal) == true, "\(judged.reasons)")
        }
    }

    @Test func rewardUpWhileAccuracyDownIsCollapse() {
        let steps = Array(repeating: Self.step { $0.labelAccuracy = 0.7 }, count: 5)
            + Array(repeating: Self.step { $0.meanReward = 0.75; $0.labelAccuracy = 0.55 }, count: 5)
        let judged = CollapseVerdict.judge(steps, thresholds: thresholds)
        #expect(judged.state == .collapseSuspected)
        #expect(judged.reasons == ["mean_reward up 0.15 while label_accuracy down 0.15 over the last 5 steps against the first 5, each at least 0.1"])
    }

    @Test func theWorstRuleDecidesAndEveryFiredRuleIsAReason() {
        let judged = verdict(then: Self.step { $0.emptyRate = 0.12; $0.viewsAgreeRate = 0.6 })
        #expect(judged.state == .collapseSuspected)
        #expect(judged.reasons.count == 2)
    }
}
