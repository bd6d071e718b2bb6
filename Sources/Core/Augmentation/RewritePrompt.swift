/// The prompt that asks a language model for one rewrite of a question (the `llm` backend).
///
/// The default follows the Co-Reward paper's rewriting step: different wording and a new real-world
/// scenario, the mathematics and the answer kept exactly, and the result between `### RESULT_START`,
/// `ORIGINAL:`, `REWRITE:` and `### RESULT_END` markers (parsed by `RewriteResponseParser`). A template
/// from a file replaces it; `{question}` marks where the question goes.
public struct RewritePrompt: Sendable, Equatable {
    /// The template text, with `{question}` where the question goes.
    public let template: String

    /// The placeholder the question replaces.
    public static let placeholder = "{question}"

    /// A prompt from `template`; throws unless it holds `{question}` exactly once.
    public init(template: String) throws(AugmentationError) {
        guard template.ranges(of: RewritePrompt.placeholder).count == 1 else {
            throw .invalidTemplate("the template must contain \(RewritePrompt.placeholder) exactly once")
        }
        self.template = template
    }

    private init(uncheckedTemplate: String) {
        template = uncheckedTemplate
    }

    /// The paper's prompt, in its words where the issue gives them, with its output format.
    public static let paper = RewritePrompt(uncheckedTemplate: """
        You are given a math problem. Rewrite it so that it reads as a different problem: use different \
        wording and place it in a new real-world scenario, but keep the mathematics exactly the same, so \
        that the rewritten problem has exactly the same answer as the original. Keep every number, every \
        quantity and every condition; do not solve the problem and do not add hints.

        Write your result in exactly this format:
        ### RESULT_START
        ORIGINAL:
        <the original problem, unchanged>
        REWRITE:
        <the rewritten problem>
        ### RESULT_END

        Problem:
        {question}
        """)

    /// The prompt for `question`.
    public func render(question: String) -> String {
        template.replacing(RewritePrompt.placeholder, with: question)
    }
}
