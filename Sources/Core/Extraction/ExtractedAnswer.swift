/// How an answer was found in a response.
public enum ExtractionMethod: String, Sendable, CaseIterable {
    /// `\boxed{...}` with balanced braces.
    case boxed
    /// `\boxed 5`: the text after `\boxed` and white space, up to `$` or the end of the line.
    case boxedSpace = "boxed_space"
    /// `\fbox{...}` with balanced braces, used only when the response has no `\boxed`.
    case fbox
    /// Lenient fallback: `The answer is X` or `The final answer is X`.
    case answerIs = "answer_is"
    /// Lenient fallback: `Answer: X` (also `Final Answer: X`).
    case answerLabel = "answer_label"
    /// Lenient fallback: GSM8K's `#### X`.
    case gsm8k
}

/// Which fallbacks extraction may use.
public enum ExtractionMode: String, Sendable, CaseIterable {
    /// Only the last `\boxed{}` (or `\boxed 5`, `\fbox{}`), as the Co-Reward reference does.
    case strict
    /// The box first; without one, in order: `The (final) answer is X`, `Answer: X`, `#### X`
    /// (the last occurrence of each, X up to the end of its line).
    case lenient
}

/// An answer found in a response.
public struct ExtractedAnswer: Sendable, Equatable {
    /// The answer text, exactly as written inside the box.
    public let answer: String
    /// How it was found.
    public let method: ExtractionMethod
    /// Byte offsets (UTF-8) of the whole matched expression, e.g. of `\boxed{1/2}`; `end` is exclusive.
    public let byteRange: Range<Int>

    public init(answer: String, method: ExtractionMethod, byteRange: Range<Int>) {
        self.answer = answer
        self.method = method
        self.byteRange = byteRange
    }
}
