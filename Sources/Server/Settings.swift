import Logging

extension Setting {
    // The server. `/v1/info` lists the reported ones in the order of this table.
    public static let host = Setting("host", .text(\.host), "Address to listen on")
    public static let port = Setting("port", .integer(\.port, 0 ... 65535), "TCP port, 0 for any free one")
    public static let maxBodyBytes = Setting(
        "max-body-bytes", .integer(\.maxBodyBytes, 1 ... Int(Int32.max)), unit: .bytes, info: true,
        "Largest request body in bytes")
    public static let maxGroups = Setting(
        "max-groups", .integer(\.maxGroups, 1 ... 10_000_000), info: true, "Most groups per request")
    public static let maxViews = Setting(
        "max-views", .integer(\.maxViews, 1 ... 1024), info: true, "Most views per group")
    public static let maxRollouts = Setting(
        "max-rollouts", .integer(\.maxRollouts, 1 ... 10_000_000), info: true,
        "Most rollouts per view, or responses per vote group or extract call")
    public static let maxBatchRollouts = Setting(
        "max-batch-rollouts", .integer(\.maxBatchRollouts, 1 ... 100_000_000), info: true,
        "Most responses in one /v1/reward or /v1/vote request over all its groups and views")
    public static let maxResponseBytes = Setting(
        "max-response-bytes", .integer(\.maxResponseBytes, 1 ... Int(Int32.max)), unit: .bytes, info: true,
        "Largest single response text in UTF-8 bytes")
    public static let maxPairs = Setting(
        "max-pairs", .integer(\.maxPairs, 1 ... 10_000_000), info: true, "Most answer pairs per /v1/equivalent call")
    public static let maxTexts = Setting(
        "max-texts", .integer(\.maxTexts, 2 ... 100_000), info: true,
        "Most texts per /v1/embed call; /v1/similarity takes half as many pairs")
    public static let maxTextBytes = Setting(
        "max-text-bytes", .integer(\.maxTextBytes, 1 ... Int(Int32.max)), unit: .bytes, info: true,
        "Largest text given to the encoder, in UTF-8 bytes")
    public static let maxJSONDepth = Setting(
        "max-json-depth", .integer(\.maxJSONDepth, 2 ... 1024), info: true, "Deepest JSON nesting accepted")
    public static let maxConnections = Setting(
        "max-connections", .integer(\.maxConnections, 1 ... 1_000_000), info: true,
        "Most simultaneous connections; a /get_reward sample waiting for its group holds one")
    public static let connectionTimeoutSeconds = Setting(
        "connection-timeout-seconds", .integer(\.connectionTimeoutSeconds, 0 ... 86400), unit: .seconds, info: true,
        "Seconds before an idle or stalled connection is closed")
    public static let headerTimeoutSeconds = Setting(
        "header-timeout-seconds", .integer(\.headerTimeoutSeconds, 0 ... 86400), unit: .seconds, info: true,
        "Seconds a connection gets to send a request's headers, counted from its opening or its last answer (so also the keep-alive idle time); 0 for no limit")
    public static let maxConnectionsPerClient = Setting(
        "max-connections-per-client", .integer(\.maxConnectionsPerClient, 0 ... 1_000_000), info: true,
        "Most simultaneous connections from one client address; 0 for no cap (a proxy in front is one address)")
    public static let connectionMemoryBytes = Setting(
        "connection-memory-bytes", .integer(\.connectionMemoryBytes, 8192 ... 64 * 1024 * 1024), unit: .bytes, info: true,
        "Memory per connection for its request head and buffers; a head must fit in about half of it, and an idle keep-alive connection holds it")
    public static let drainTimeoutSeconds = Setting(
        "drain-timeout-seconds", .integer(\.drainTimeoutSeconds, 0 ... 86400), unit: .seconds, info: true,
        "Seconds in-flight requests get to finish after SIGTERM")
    public static let threads = Setting(
        "threads", .integer(\.threads, 1 ... 1024), info: true, default: "the number of CPUs", "HTTP worker threads")
    public static let encoderWorkers = Setting(
        "encoder-workers", .integer(\.encoderWorkers, 1 ... 1024), info: true, default: "--threads",
        "Encoder forward passes at once, one core each")
    public static let assemblyRetentionSeconds = Setting(
        "assembly-retention-seconds", .integer(\.assembly.retentionSeconds, 0 ... 86400), unit: .seconds, info: true,
        "/get_reward: seconds answers are kept so that a retry gets the same answer")
    public static let assemblyMaxWaiting = Setting(
        "assembly-max-waiting", .integer(\.assembly.maxWaiting, 1 ... 1_000_000), info: true,
        "/get_reward: most samples the open groups may wait for (n x views each); a request opening a group past it gets a 503 with Retry-After")
    public static let assemblyMaxBytes = Setting(
        "assembly-max-bytes", .integer(\.assembly.maxBytes, 1 ... Int(Int32.max) * 64), unit: .bytes, info: true,
        "/get_reward: most bytes held by waiting samples and kept answers; a request opening a group past it gets a 503")
    public static let assemblyGuardSeconds = Setting(
        "assembly-guard-seconds", .integer(\.assembly.guardSeconds, 0 ... 86400), unit: .seconds, info: true,
        "/get_reward: seconds after a group completes during which its pair may not start another (a sample beyond n gets 409)")
    public static let requestTimeoutSeconds = Setting(
        "request-timeout-seconds", .seconds(\.requestTimeoutSeconds), unit: .seconds, info: true,
        "Time budget of one request in seconds (fractions allowed); past it a 503 with Retry-After. Its body must arrive within it too, or the connection is closed")
    public static let assemblyTimeoutSeconds = Setting(
        "assembly-timeout-seconds", .seconds(\.assembly.timeoutSeconds), unit: .seconds, info: true,
        "/get_reward: seconds from a group's first sample until it is scored with what it holds, flagged")
    public static let maxRuns = Setting(
        "max-runs", .integer(\.runs.maxRuns, 1 ... 10_000), info: true,
        "Most runs followed at once (named by \"run\"); a new one evicts the run updated longest ago")
    public static let runHistorySteps = Setting(
        "run-history-steps", .integer(\.runs.maxSteps, 10 ... 1_000_000), info: true,
        "Most steps kept per run; the oldest go first (the first few stay as the verdict's baseline)")
    public static let runGroupsPerStep = Setting(
        "run-groups-per-step", .integer(\.runs.groupsPerStep, 1 ... 1_000_000), info: true,
        "/get_reward: assembled groups of a run that make one step of its history")
    public static let statsLog = Setting(
        "stats-log", .text(\.runs.statsLog),
        "File every step of every run is appended to as a JSON line (for coreward report); empty for none")
    public static let collapseWindow = Setting(
        "collapse-window", .integer(\.runs.thresholds.window, 1 ... 1000),
        "Steps the verdict averages: the last ones against a run's first ones")
    public static let collapseAnswerShareRise = Setting(
        "collapse-answer-share-rise", .number(\.runs.thresholds.answerShareRise, positive: true),
        "Rise of top_answer_share over a run's baseline that suggests collapse (half of it: a warning)")
    public static let collapseConcentrationRise = Setting(
        "collapse-concentration-rise", .number(\.runs.thresholds.concentrationRise, positive: true),
        "Rise of answer_concentration over a run's baseline that suggests collapse (half of it: a warning)")
    public static let collapseEmptyRateRise = Setting(
        "collapse-empty-rate-rise", .number(\.runs.thresholds.emptyRateRise, positive: true),
        "Rise of empty_rate over a run's baseline that suggests collapse (half of it: a warning)")
    public static let collapseLengthRatio = Setting(
        "collapse-length-ratio", .number(\.runs.thresholds.lengthRatio, positive: true),
        "Share of its baseline that mean or p10 response bytes may fall to before collapse is suspected (halfway: a warning)")
    public static let collapseViewsAgreeDrop = Setting(
        "collapse-views-agree-drop", .number(\.runs.thresholds.viewsAgreeDrop, positive: true),
        "Fall of views_agree_rate below a run's baseline that suggests collapse (half of it: a warning)")
    public static let collapseRewardAccuracyGap = Setting(
        "collapse-reward-accuracy-gap", .number(\.runs.thresholds.rewardAccuracyGap, positive: true),
        "Rise of mean_reward with an equal fall of label_accuracy (labels given) that suggests collapse (half: a warning)")
    public static let modelDir = Setting(
        "model-dir", .text(\.modelDirectory), note: "`make model` fetches it",
        "Folder with the encoder's model.safetensors and vocab.txt")
    public static let metricsPort = Setting(
        "metrics-port", .port(\.metricsPort), "Serve /metrics on this port instead of the main one")
    public static let apiKeyFile = Setting(
        "api-key-file", .file,
        "File holding the API key that every /v1 route then requires as 'Authorization: Bearer <key>'")

    // Augmentation.
    public static let llmURL = Setting(
        "llm-url", .url(\.augmentation.llmURL), section: .augmentation,
        "Base URL of an OpenAI-compatible server for the llm backend, e.g. http://127.0.0.1:8000/v1")
    public static let llmModel = Setting(
        "llm-model", .text(\.augmentation.llmModel), section: .augmentation, "Model name sent to the LLM server")
    public static let llmAPIKeyFile = Setting(
        "llm-api-key-file", .file, section: .augmentation,
        "File holding the LLM server's API key, sent as 'Authorization: Bearer <key>'")
    public static let llmPromptFile = Setting(
        "llm-prompt-file", .file, section: .augmentation, default: "the paper's prompt",
        "Prompt template file with {question} once")
    public static let llmTimeout = Setting(
        "llm-timeout", .number(\.augmentation.llmTimeoutSeconds, positive: true), section: .augmentation, unit: .seconds,
        "Seconds one completion attempt may take")
    public static let llmConcurrency = Setting(
        "llm-concurrency", .count(\.augmentation.llmConcurrency, atLeast: 1), section: .augmentation,
        "Requests to the LLM server in flight at once (one request may ask for n completions)")
    public static let llmRetries = Setting(
        "llm-retries", .count(\.augmentation.llmRetries, atLeast: 0), section: .augmentation,
        "Retries after HTTP 408, 429 or 5xx, with exponential backoff")
    public static let augmentMinSimilarity = Setting(
        "augment-min-similarity", .number(\.augmentation.thresholds.minSimilarity, positive: false),
        section: .augmentation, "Lowest encoder cosine a rewrite may have")
    public static let augmentMaxSimilarity = Setting(
        "augment-max-similarity", .number(\.augmentation.thresholds.maxSimilarity, positive: false),
        section: .augmentation, "Highest encoder cosine before a rewrite counts as a copy")
    public static let augmentMinNovelty = Setting(
        "augment-min-novelty", .number(\.augmentation.thresholds.minNovelty, positive: false),
        section: .augmentation, "Lowest novelty, 1 - word-set Jaccard")
    public static let augmentMaxQuestions = Setting(
        "augment-max-questions", .count(\.augmentation.maxQuestions, atLeast: 1), section: .augmentation,
        "Most questions per /v1/augment call, or pairs per /v1/augment/check call")
    public static let augmentMaxVariants = Setting(
        "augment-max-variants", .count(\.augmentation.maxVariants, atLeast: 1), section: .augmentation,
        "Largest n (variants per question) of a /v1/augment call")

    // Logging.
    public static let logLevel = Setting(
        "log-level", .choice(names: { Logger.Level.allCases.map(\.rawValue) }, default: Logger.Level.info.rawValue), section: .logging,
        "trace, debug, info (access log), notice, warning, error or critical")
    public static let logFormat = Setting(
        "log-format", .choice(names: { LogFormat.allCases.map(\.rawValue) }, default: LogFormat.text.rawValue), section: .logging,
        "text or json")

    // Augmentation, added after the others (so listed last in `all`).
    public static let llmMaxTokens = Setting(
        "llm-max-tokens", .count(\.augmentation.maxTokens, atLeast: 1), section: .augmentation,
        "max_tokens of each request to the LLM server (reasoning included)")
    public static let llmMaxTokensCap = Setting(
        "llm-max-tokens-cap", .count(\.augmentation.maxTokensCap, atLeast: 1), section: .augmentation,
        "Largest max_tokens of the one retry after a truncated completion (finish_reason length), which doubles --llm-max-tokens; at or below it, no retry")

    // Added after the others (so listed last in `all`).
    public static let encoderBatchTokens = Setting(
        "encoder-batch-tokens", .integer(\.encoderBatchTokens, 256 ... 1_000_000),
        "Most tokens in one encoder forward pass: each of --encoder-workers holds about 14 KB of buffers per token")

    /// Every setting `coreward serve` reads, in the order of the docs (and of `/v1/info`'s limits).
    public static let all: [Setting] = [
        host, port, maxBodyBytes, maxGroups, maxViews, maxRollouts, maxBatchRollouts, maxResponseBytes, maxPairs, maxTexts, maxTextBytes,
        maxJSONDepth, maxConnections, connectionTimeoutSeconds, headerTimeoutSeconds, maxConnectionsPerClient,
        connectionMemoryBytes, drainTimeoutSeconds, threads, encoderWorkers,
        assemblyRetentionSeconds, assemblyMaxWaiting, assemblyMaxBytes, assemblyGuardSeconds, requestTimeoutSeconds,
        assemblyTimeoutSeconds, maxRuns, runHistorySteps, runGroupsPerStep, statsLog, collapseWindow,
        collapseAnswerShareRise, collapseConcentrationRise, collapseEmptyRateRise, collapseLengthRatio,
        collapseViewsAgreeDrop, collapseRewardAccuracyGap,
        modelDir, metricsPort, apiKeyFile,
        llmURL, llmModel, llmAPIKeyFile, llmPromptFile, llmTimeout, llmConcurrency, llmRetries,
        augmentMinSimilarity, augmentMaxSimilarity, augmentMinNovelty, augmentMaxQuestions, augmentMaxVariants,
        logLevel, logFormat,
        llmMaxTokens, llmMaxTokensCap,
        encoderBatchTokens,
    ]
}

/// How log lines look (`--log-format`).
public enum LogFormat: String, CaseIterable, Sendable {
    case text, json
}
