import Core
import Synchronization

/// `/get_reward`'s steps: groups assembled from per-sample requests come one at a time, so each run's groups are
/// gathered into windows of `--run-groups-per-step`; a full window is one step of the run. At most `--max-runs`
/// windows are open (a new run past it drops the window updated longest ago, whose groups are then not counted).
final class RunWindows: Sendable {
    private struct Window {
        var stats = BatchStats()
        var signals: CollapseSignals.Accumulator
        var touched: UInt64 = 0
    }

    private struct State {
        var windows: [String: Window] = [:]
        var clock: UInt64 = 0
    }

    private let watch: RunWatch
    private let groupsPerStep: Int
    private let maxWindows: Int
    private let state = Mutex(State())

    init(watch: RunWatch, settings: RunSettings) {
        self.watch = watch
        groupsPerStep = max(1, settings.groupsPerStep)
        maxWindows = max(1, settings.maxRuns)
    }

    /// Adds a scored group of `run` with its answers and response lengths; records a step when the window is full.
    func add(run: String, group: ScoredGroup, answers: [String?], lengths: [UInt32]) {
        let full: RunStep? = state.withLock { state in
            state.clock += 1
            if state.windows[run] == nil, state.windows.count >= maxWindows,
               let oldest = state.windows.min(by: { $0.value.touched < $1.value.touched })?.key {
                state.windows.removeValue(forKey: oldest)
            }
            var window = state.windows[run] ?? Window(signals: CollapseSignals.Accumulator(equivalence: .math))
            window.touched = state.clock
            window.stats.add(group)
            window.signals.add(group)
            window.signals.add(answers: answers)
            window.signals.add(responseLengths: lengths)
            guard window.stats.groups >= groupsPerStep else {
                state.windows[run] = window
                return nil
            }
            state.windows.removeValue(forKey: run)
            return RunStep(stats: window.stats, signals: window.signals.signals())
        }
        if let full { watch.record(run: run, step: full) }
    }
}
