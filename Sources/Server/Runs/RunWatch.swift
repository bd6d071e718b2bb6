import Core
import Foundation

/// Follows the runs trainers name (issue 17): records each step's signals in the bounded history, judges the run,
/// exports the run's series to Prometheus and appends the step to the stats log.
final class RunWatch: Sendable {
    let history: RunHistory
    private let metrics: ServiceMetrics
    private let log: StatsLog?

    init(settings: RunSettings, metrics: ServiceMetrics, log: StatsLog?) {
        history = RunHistory(settings: settings)
        self.metrics = metrics
        self.log = log
    }

    /// Records one step of `run` (a name `RunHistory.isValidName` accepted); returns it as recorded.
    @discardableResult
    func record(run: String, step: RunStep) -> RunHistory.Recorded {
        let (recorded, evicted) = history.record(run: run, step: step)
        if let evicted { metrics.forgetRun(evicted) }
        metrics.recordRunStep(run: run, step: step, verdict: recorded.verdict.state)
        if let log, let line = JSONWriter.string(RunWatch.render(recorded, withRun: true)) {
            log.append(Array(line.utf8))
        }
        return recorded
    }

    /// A recorded step as JSON: the shape of a stats log line and of an element of `GET /v1/runs/{run}`'s steps.
    static func render(_ recorded: RunHistory.Recorded, withRun: Bool) -> JSON {
        let s = recorded.signals
        var fields: [(String, JSON)] = withRun ? [("run", .string(recorded.run))] : []
        fields += [
            ("step", .int(recorded.step)),
            ("time", .string(timestamp(recorded.time))),
            ("groups", .int(s.groups)),
            ("rollouts", .int(s.rollouts)),
            ("mean_reward", .double(s.meanReward)),
            ("empty_rate", .double(s.emptyRate)),
            ("views_agree_rate", .double(s.viewsAgreeRate)),
        ]
        if let accuracy = s.labelAccuracy { fields.append(("label_accuracy", .double(accuracy))) }
        fields += signalFields(s)
        fields += [
            ("verdict", .string(recorded.verdict.state.rawValue)),
            ("reasons", .array(recorded.verdict.reasons.map(JSON.string))),
        ]
        return .object(fields)
    }

    /// The collapse signals of a step, named as in `/v1/reward`'s stats.
    static func signalFields(_ s: RunStep) -> [(String, JSON)] {
        [
            ("answer_concentration", .double(s.answerConcentration)),
            ("top_answer_share", .double(s.topAnswerShare)),
            ("answer_classes_per_group", .double(s.answerClassesPerGroup)),
            ("consensus", .double(s.consensus)),
            ("mean_response_bytes", .double(s.meanResponseBytes)),
            ("p10_response_bytes", .int(s.p10ResponseBytes)),
        ]
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
