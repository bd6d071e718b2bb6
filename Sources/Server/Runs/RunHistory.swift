import Core
import Foundation
import Synchronization

/// The runs a trainer named, each with a bounded rolling history of steps and its verdict (issue 17).
///
/// Bounded by construction: at most `maxRuns` runs (a new one evicts the run updated longest ago) and `maxSteps`
/// steps each (the oldest go first; the first `window` steps are kept apart, as the verdict's baseline). A step is
/// a few hundred bytes, so the whole history is at most about maxRuns × maxSteps × 300 bytes (19 MB at the defaults).
final class RunHistory: Sendable {
    /// One step as recorded: its number in the run, when, its signals, and the run's verdict after it.
    struct Recorded: Sendable, Equatable {
        let run: String
        let step: Int
        let time: Date
        let signals: RunStep
        let verdict: CollapseVerdict
    }

    /// A run's summary.
    struct Summary: Sendable, Equatable {
        let run: String
        let steps: Int
        let verdict: CollapseVerdict
    }

    private struct Run {
        var baseline: [RunStep] = []
        var recent: [Recorded] = []
        var count = 0
        var verdict = CollapseVerdict(state: .healthy, reasons: [])
        var touched: UInt64 = 0
    }

    private struct State {
        var runs: [String: Run] = [:]
        var clock: UInt64 = 0
    }

    let settings: RunSettings
    private let state = Mutex(State())

    init(settings: RunSettings) {
        self.settings = settings
    }

    /// Records a step of `run`; returns it with its number and the verdict, and the run it evicted, if any.
    func record(run name: String, step: RunStep, time: Date = Date()) -> (recorded: Recorded, evicted: String?) {
        state.withLock { state in
            state.clock += 1
            var evicted: String?
            if state.runs[name] == nil, state.runs.count >= max(1, settings.maxRuns),
               let oldest = state.runs.min(by: { $0.value.touched < $1.value.touched })?.key {
                state.runs.removeValue(forKey: oldest)
                evicted = oldest
            }
            var run = state.runs[name] ?? Run()
            run.count += 1
            run.touched = state.clock
            let window = max(1, settings.thresholds.window)
            if run.baseline.count < window { run.baseline.append(step) }
            // The steps judged: every step while they all fit, else the baseline and the latest window.
            let kept = run.recent.map(\.signals) + [step]
            let judged = run.count == kept.count ? kept : run.baseline + kept.suffix(window)
            run.verdict = CollapseVerdict.judge(judged, thresholds: settings.thresholds)
            let recorded = Recorded(run: name, step: run.count, time: time, signals: step, verdict: run.verdict)
            run.recent.append(recorded)
            if run.recent.count > max(1, settings.maxSteps) { run.recent.removeFirst(run.recent.count - max(1, settings.maxSteps)) }
            state.runs[name] = run
            return (recorded, evicted)
        }
    }

    /// A run's kept steps (oldest first) and its verdict, or nil for a run not (or no longer) kept.
    func history(of name: String) -> (steps: [Recorded], verdict: CollapseVerdict)? {
        state.withLock { state in state.runs[name].map { ($0.recent, $0.verdict) } }
    }

    /// Every kept run, by name.
    func summaries() -> [Summary] {
        state.withLock { state in
            state.runs.map { Summary(run: $0.key, steps: $0.value.count, verdict: $0.value.verdict) }.sorted { $0.run < $1.run }
        }
    }

    /// What a run name is, for error messages.
    static let nameRule = "1 to 128 letters, digits and . _ : - (it labels metrics and URLs)"

    /// Whether `name` is a run name: 1 to 128 bytes of letters, digits and `._:-` (it becomes a metric label and a
    /// path segment).
    static func isValidName(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x3A || byte == 0x2D
        }
    }
}
