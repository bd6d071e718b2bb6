import Foundation

extension RunReport {
    /// One run's history as the report shows it: its steps in step order and its current verdict.
    public struct Run: Equatable, Sendable {
        /// The run's name, as the trainer gave it.
        public var name: String
        /// The steps, in increasing step order, one per step number.
        public var steps: [Step]
        /// The run's current verdict: the server's, or the last step's.
        public var verdict: State
        /// Why the current verdict is what it is.
        public var reasons: [String]

        /// A run of `steps` (sorted by step number, the last of steps with one number kept); its verdict is the
        /// one given, else the last step's.
        public init(name: String, steps: [Step], verdict: State? = nil, reasons: [String]? = nil) {
            var byNumber: [Int: Step] = [:]
            for step in steps { byNumber[step.step] = step }
            self.name = name
            self.steps = byNumber.values.sorted { $0.step < $1.step }
            self.verdict = verdict ?? self.steps.last?.verdict ?? .healthy
            self.reasons = reasons ?? (verdict == nil ? self.steps.last?.reasons : nil) ?? []
        }

        /// The signals that at least one step recorded, in chart order.
        public var signals: [Signal] {
            Signal.allCases.filter { signal in steps.contains { $0.signals[signal] != nil } }
        }

        /// The steps at which the verdict changed, with the reasons given then. The first step counts when its
        /// verdict is not healthy (`from` is nil: the history does not say what came before).
        public var changes: [Change] {
            var changes: [Change] = []
            var previous: State?
            for step in steps {
                if step.verdict != (previous ?? .healthy) {
                    changes.append(Change(step: step.step, time: step.time, from: previous, to: step.verdict, reasons: step.reasons))
                }
                previous = step.verdict
            }
            return changes
        }
    }

    /// A change of a run's verdict.
    public struct Change: Equatable, Sendable {
        /// The step after which the verdict changed.
        public var step: Int
        /// When that step was scored, when known.
        public var time: String?
        /// The verdict before; nil for a run's first recorded step.
        public var from: State?
        /// The verdict after.
        public var to: State
        /// The reasons given with the new verdict.
        public var reasons: [String]
    }

    /// The runs of a stats log (JSON Lines, one step a line with its "run"), in order of first appearance.
    /// Lines that are not a step (a line cut short by a crash, say) are skipped and listed in `skipped` as
    /// "line N: why"; the log is refused only when no line is a step.
    public static func runs(statsLog text: String) throws(Failure) -> (runs: [Run], skipped: [String]) {
        var order: [String] = []
        var steps: [String: [Step]] = [:]
        var skipped: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do throws(Failure) {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                    throw Failure(description: "not a JSON object")
                }
                guard let run = object["run"] as? String, !run.isEmpty else { throw Failure(description: "no \"run\"") }
                let step = try Step(object: object)
                if steps[run] == nil { order.append(run) }
                steps[run, default: []].append(step)
            } catch {
                skipped.append("line \(index + 1): \(error.description)")
            }
        }
        guard !order.isEmpty else {
            throw Failure(description: "no step in the stats log" + (skipped.isEmpty ? "" : " (\(skipped.count) unreadable line\(skipped.count == 1 ? "" : "s"), \(skipped[0]))"))
        }
        return (order.compactMap { name in steps[name].map { Run(name: name, steps: $0) } }, skipped)
    }

    /// The run that a `GET /v1/runs/{run}` answer describes.
    public static func run(history data: Data) throws(Failure) -> Run {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw Failure(description: "the run history is not a JSON object")
        }
        guard let name = object["run"] as? String else { throw Failure(description: "the run history has no \"run\"") }
        guard let elements = object["steps"] as? [Any] else { throw Failure(description: "the run history has no \"steps\" array") }
        var steps: [Step] = []
        for (index, element) in elements.enumerated() {
            guard let fields = element as? [String: Any] else { throw Failure(description: "steps/\(index): not an object") }
            do throws(Failure) {
                steps.append(try Step(object: fields))
            } catch {
                throw Failure(description: "steps/\(index): \(error.description)")
            }
        }
        let verdict = object["verdict"] as? [String: Any]
        let state = (verdict?["state"] as? String).flatMap(State.init(rawValue:))
        return Run(name: name, steps: steps, verdict: state, reasons: state == nil ? nil : (verdict?["reasons"] as? [String] ?? []))
    }
}
