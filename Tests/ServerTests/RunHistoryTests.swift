import Core
import Foundation
import Testing
@testable import Server

/// The bounded history of the runs trainers name.
struct RunHistoryTests {
    static func step(empty: Double = 0.02) -> RunStep {
        var step = RunStep(stats: BatchStats(), signals: CollapseSignals(groups: [], answers: [], responseBytes: [], equivalence: .exact))
        step.emptyRate = empty
        step.viewsAgreeRate = 0.8
        step.meanResponseBytes = 1000
        step.p10ResponseBytes = 400
        return step
    }

    func settings(runs: Int = 3, steps: Int = 20) -> RunSettings {
        var settings = RunSettings()
        settings.maxRuns = runs
        settings.maxSteps = steps
        return settings
    }

    @Test func stepsAreNumberedAndBounded() {
        let history = RunHistory(settings: settings(steps: 10))
        for _ in 0..<25 { _ = history.record(run: "a", step: Self.step()) }
        let kept = history.history(of: "a")
        #expect(kept?.steps.count == 10)
        #expect(kept?.steps.first?.step == 16)
        #expect(kept?.steps.last?.step == 25)
        #expect(history.summaries() == [RunHistory.Summary(run: "a", steps: 25, verdict: CollapseVerdict(state: .healthy, reasons: []))])
    }

    @Test func theRunUpdatedLongestAgoIsEvicted() {
        let history = RunHistory(settings: settings(runs: 2))
        _ = history.record(run: "a", step: Self.step())
        _ = history.record(run: "b", step: Self.step())
        _ = history.record(run: "a", step: Self.step())
        let (_, evicted) = history.record(run: "c", step: Self.step())
        #expect(evicted == "b")
        #expect(history.summaries().map(\.run) == ["a", "c"])
        #expect(history.history(of: "b") == nil)
    }

    /// The baseline outlives the rolling window: a run that drifts slowly is judged against how it started.
    @Test func theVerdictKeepsItsBaselineAfterOldStepsAreDropped() {
        let history = RunHistory(settings: settings(steps: 10))
        for _ in 0..<30 { _ = history.record(run: "a", step: Self.step()) }
        var last: RunHistory.Recorded?
        for _ in 0..<5 { last = history.record(run: "a", step: Self.step(empty: 0.3)).recorded }
        #expect(last?.verdict.state == .collapseSuspected)
        #expect(last?.verdict.reasons.first?.hasPrefix("empty_rate 0.3 over the last 5 steps, 0.02 over the first 5") == true)
    }

    @Test(arguments: [("grpo-qwen-7b-17", true), ("a.b_c:d", true), ("", false), ("has space", false), ("x/y", false),
                      ("é", false), (String(repeating: "a", count: 128), true), (String(repeating: "a", count: 129), false)])
    func runNames(name: String, valid: Bool) {
        #expect(RunHistory.isValidName(name) == valid)
    }
}
