import Foundation

extension RunReport {
    /// A run's verdict after a step.
    public enum State: String, CaseIterable, Sendable {
        case healthy
        case warning
        case collapseSuspected = "collapse_suspected"
    }

    /// One step of a run: its number, when it was scored, its signals and the run's verdict after it.
    public struct Step: Equatable, Sendable {
        /// The step's number, from 1 per run.
        public var step: Int
        /// When the step was scored (RFC 3339, as the server wrote it); nil when absent.
        public var time: String?
        /// The signals the step recorded; a signal the batch could not measure (label accuracy without labels)
        /// is absent.
        public var signals: [Signal: Double]
        /// The run's verdict after this step.
        public var verdict: State
        /// Why the verdict is what it is: sentences naming the signal, its value and the threshold.
        public var reasons: [String]

        /// A step made of its parts.
        public init(step: Int, time: String? = nil, signals: [Signal: Double], verdict: State, reasons: [String] = []) {
            self.step = step
            self.time = time
            self.signals = signals
            self.verdict = verdict
            self.reasons = reasons
        }

        /// The step that a decoded JSON object describes (a stats-log line, or an element of "steps").
        init(object: [String: Any]) throws(Failure) {
            guard let number = object["step"] as? NSNumber, let step = Int(exactly: number.doubleValue), step >= 0,
                  !RunReport.isBool(number) else {
                throw Failure(description: "\"step\" must be a non-negative integer")
            }
            guard let name = object["verdict"] as? String, let verdict = State(rawValue: name) else {
                throw Failure(description: "\"verdict\" must be one of \(State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var signals: [Signal: Double] = [:]
            for signal in Signal.allCases {
                guard let value = object[signal.rawValue], !(value is NSNull) else { continue }
                guard let number = value as? NSNumber, !RunReport.isBool(number), number.doubleValue.isFinite else {
                    throw Failure(description: "\"\(signal.rawValue)\" must be a number")
                }
                signals[signal] = number.doubleValue
            }
            guard let reasons = (object["reasons"] ?? [String]()) as? [String] else {
                throw Failure(description: "\"reasons\" must be an array of strings")
            }
            self.init(step: step, time: object["time"] as? String, signals: signals, verdict: verdict, reasons: reasons)
        }
    }

    /// True when JSONSerialization decoded `true` or `false`: it hands booleans over as numbers of type "c"
    /// (char), a type it never gives a JSON number.
    static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
