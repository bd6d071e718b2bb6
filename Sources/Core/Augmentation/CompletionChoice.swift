/// One choice of an OpenAI-compatible chat completion, as far as the `llm` backend reads it.
///
/// Reasoning models answer in one of two ways: the server's reasoning parser returns the reasoning apart
/// (`message.reasoning_content`, or `message.reasoning` in newer vLLM) and `content` holds only the answer; or
/// no parser runs and `content` starts with the reasoning, between `<think>` and `</think>` (the opening tag
/// missing when the chat template already put it in the prompt). `RewriteResponseParser` reads the rewrite
/// from the answer only.
public struct CompletionChoice: Sendable, Equatable {
    /// `message.content`; nil when the server sent null (e.g. a completion cut inside its reasoning).
    public var content: String?
    /// `message.reasoning_content` or `message.reasoning`; nil when the server sent none.
    public var reasoning: String?
    /// `finish_reason`: `stop`, `length` (cut at `max_tokens`), or another the server names; nil when absent.
    public var finishReason: String?

    /// A choice.
    public init(content: String?, reasoning: String? = nil, finishReason: String? = "stop") {
        self.content = content
        self.reasoning = reasoning
        self.finishReason = finishReason
    }

    /// Whether the server cut the completion at `max_tokens`.
    public var isTruncated: Bool { finishReason == "length" }
}
