extension RunReport {
    /// A signal that a step records and the report charts, in chart order; the raw value is its JSON name
    /// (the `signal` label of `coreward_run_signal`).
    public enum Signal: String, CaseIterable, Sendable {
        case answerConcentration = "answer_concentration"
        case topAnswerShare = "top_answer_share"
        case answerClassesPerGroup = "answer_classes_per_group"
        case consensus
        case emptyRate = "empty_rate"
        case meanResponseBytes = "mean_response_bytes"
        case p10ResponseBytes = "p10_response_bytes"
        case meanReward = "mean_reward"
        case viewsAgreeRate = "views_agree_rate"
        case labelAccuracy = "label_accuracy"

        /// What the signal measures, in one line under its chart's title.
        public var meaning: String {
            switch self {
            case .answerConcentration: "share of groups whose pseudo-label is the batch's most common answer"
            case .topAnswerShare: "share of all valid answers in the batch's most common answer class"
            case .answerClassesPerGroup: "distinct pseudo-label classes per group"
            case .consensus: "mean share of a view's valid votes won by its winner"
            case .emptyRate: "share of responses with no extractable answer"
            case .meanResponseBytes: "mean response length in bytes"
            case .p10ResponseBytes: "10th percentile of response length in bytes"
            case .meanReward: "mean reward of the batch"
            case .viewsAgreeRate: "share of groups whose two views agree"
            case .labelAccuracy: "share of pseudo-labels equal to the given labels (labelled batches only)"
            }
        }

        /// True for shares and rates, charted on a fixed 0 to 1 axis; counts and lengths get an axis from 0 to
        /// their largest value.
        public var isShare: Bool {
            switch self {
            case .answerClassesPerGroup, .meanResponseBytes, .p10ResponseBytes: false
            default: true
            }
        }
    }
}
