/// What can go wrong in augmentation's pure parts.
public enum AugmentationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A prompt template without exactly one `{question}`.
    case invalidTemplate(String)
    /// A completion without the `### RESULT_START` ... `REWRITE:` ... `### RESULT_END` markers, or empty between them.
    case unparseableCompletion(String)
    /// A completion that never came: transport error, timeout, or an HTTP error after the retries allowed.
    case completionFailed(String)
    /// A completion the server cut at `max_tokens` (`finish_reason: "length"`), even after the one retry with more.
    case truncatedCompletion(String)
    /// A rewrite the same, after whitespace normalisation, as an earlier variant of the same question: dropped, not replaced.
    case duplicateVariant(String)
    /// The `rules` backend found only `found` distinct valid variants of a question where `asked` were asked for.
    case tooFewVariants(found: Int, asked: Int)

    /// A sentence for `reasons` and logs.
    public var description: String {
        switch self {
        case .invalidTemplate(let detail): return "invalid prompt template: \(detail)"
        case .unparseableCompletion(let detail): return "unparseable completion: \(detail)"
        case .completionFailed(let detail): return "completion failed: \(detail)"
        case .truncatedCompletion(let detail): return "truncated completion: \(detail)"
        case .duplicateVariant(let detail): return "duplicate variant: \(detail)"
        case .tooFewVariants(let found, let asked):
            return "no variant: the rules found only \(found) distinct valid variant\(found == 1 ? "" : "s") of this question, \(asked) asked for"
        }
    }
}
