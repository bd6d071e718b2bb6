import Core

/// What `/v1/augment`, `/v1/augment/check` and `coreward augment` are told: thresholds and the LLM backend.
public struct AugmentationSettings: Sendable, Equatable {
    /// The validator's bounds (`--augment-min-similarity`, `--augment-max-similarity`, `--augment-min-novelty`).
    public var thresholds = ValidationThresholds.default
    /// Most questions in one `/v1/augment` call, and pairs in one `/v1/augment/check` call.
    public var maxQuestions = 64
    /// Most variants per question (`n`).
    public var maxVariants = 8
    /// Base URL of an OpenAI-compatible server (`--llm-url`, e.g. `http://127.0.0.1:8000/v1`); nil: no `llm` backend.
    public var llmURL: String?
    /// Model name sent in each request (`--llm-model`).
    public var llmModel = "Qwen/Qwen3-32B"
    /// Bearer token, read once from `--llm-api-key-file` at the edge; nil: no Authorization header.
    public var llmAPIKey: String?
    /// The prompt (`--llm-prompt-file`; default the paper's).
    public var prompt = RewritePrompt.paper
    /// Sampling temperature (the paper: 0.7).
    public var temperature = 0.7
    /// Nucleus sampling (the paper: 0.8).
    public var topP = 0.8
    /// `max_tokens` of each request (`--llm-max-tokens`).
    public var maxTokens = 2048
    /// Time limit of one completion attempt, in seconds (`--llm-timeout`).
    public var llmTimeoutSeconds = 120.0
    /// Completions in flight at once (`--llm-concurrency`).
    public var llmConcurrency = 8
    /// Retries after a 408, 429 or 5xx (`--llm-retries`); other failures are not retried.
    public var llmRetries = 3
    /// First backoff, doubled at each retry (a `Retry-After` header, when longer, wins, up to 60 s).
    public var llmBackoffSeconds = 1.0
    /// Largest `max_tokens` of the one retry after a truncated completion, which doubles `maxTokens`
    /// (`--llm-max-tokens-cap`); at or below `maxTokens`, a truncated completion is not retried.
    public var maxTokensCap = 8192

    /// `max_tokens` of the retry after a truncated completion; nil when the cap leaves no room for a larger one.
    public var retryMaxTokens: Int? {
        let larger = min(maxTokens > Int.max / 2 ? Int.max : maxTokens * 2, maxTokensCap)
        return larger > maxTokens ? larger : nil
    }

    public init() {}
}
