import ArgumentParser
import Encoder
import Core
import Foundation
import Server

/// The augmentation options `coreward augment` and `coreward serve` share: thresholds and the LLM backend.
struct AugmentOptions: ParsableArguments {
    @Option(help: "Base URL of an OpenAI-compatible server for the llm backend, e.g. http://127.0.0.1:8000/v1 (env COREWARD_LLM_URL).")
    var llmURL: String?
    @Option(help: "Model name sent to the LLM server (env COREWARD_LLM_MODEL; default Qwen/Qwen3-32B).")
    var llmModel: String?
    @Option(help: "File holding the LLM server's API key, sent as 'Authorization: Bearer <key>' (env COREWARD_LLM_API_KEY_FILE).")
    var llmAPIKeyFile: String?
    @Option(help: "Prompt template file with {question} once (env COREWARD_LLM_PROMPT_FILE; default: the paper's prompt).")
    var llmPromptFile: String?
    @Option(help: "Seconds one completion attempt may take (env COREWARD_LLM_TIMEOUT; default 120).")
    var llmTimeout: Double?
    @Option(help: "Completions in flight at once (env COREWARD_LLM_CONCURRENCY; default 8).")
    var llmConcurrency: Int?
    @Option(help: "Retries after HTTP 408, 429 or 5xx, with exponential backoff (env COREWARD_LLM_RETRIES; default 3).")
    var llmRetries: Int?
    @Option(help: "Lowest encoder cosine a rewrite may have (env COREWARD_AUGMENT_MIN_SIMILARITY; default \(ValidationThresholds.default.minSimilarity)).")
    var augmentMinSimilarity: Double?
    @Option(help: "Highest encoder cosine before a rewrite counts as a copy (env COREWARD_AUGMENT_MAX_SIMILARITY; default \(ValidationThresholds.default.maxSimilarity)).")
    var augmentMaxSimilarity: Double?
    @Option(help: "Lowest novelty, 1 - word-set Jaccard (env COREWARD_AUGMENT_MIN_NOVELTY; default \(ValidationThresholds.default.minNovelty)).")
    var augmentMinNovelty: Double?

    /// The settings these options and the environment give.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AugmentationSettings {
        var settings = AugmentationSettings()
        func double(_ value: Double?, _ name: String) throws -> Double? {
            if let value { return value }
            guard let text = environment[name] else { return nil }
            guard let parsed = Double(text) else { throw ValidationError("\(name) is not a number: \(text)") }
            return parsed
        }
        func int(_ value: Int?, _ name: String) throws -> Int? {
            if let value { return value }
            guard let text = environment[name] else { return nil }
            guard let parsed = Int(text) else { throw ValidationError("\(name) is not an integer: \(text)") }
            return parsed
        }
        settings.llmURL = llmURL ?? environment["COREWARD_LLM_URL"]
        if let url = settings.llmURL, ChatCompletionClient(settings: settings) == nil {
            throw ValidationError("--llm-url must be an http(s) URL, got \(url)")
        }
        if let model = llmModel ?? environment["COREWARD_LLM_MODEL"] { settings.llmModel = model }
        if let path = llmAPIKeyFile ?? environment["COREWARD_LLM_API_KEY_FILE"] {
            guard let key = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the LLM API key file \(path)")
            }
            settings.llmAPIKey = key.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let path = llmPromptFile ?? environment["COREWARD_LLM_PROMPT_FILE"] {
            guard let template = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the prompt file \(path)")
            }
            do { settings.prompt = try RewritePrompt(template: template) } catch { throw ValidationError("\(path): \(error)") }
        }
        if let value = try double(llmTimeout, "COREWARD_LLM_TIMEOUT") {
            guard value > 0 else { throw ValidationError("--llm-timeout must be positive") }
            settings.llmTimeoutSeconds = value
        }
        if let value = try int(llmConcurrency, "COREWARD_LLM_CONCURRENCY") {
            guard value >= 1 else { throw ValidationError("--llm-concurrency must be at least 1") }
            settings.llmConcurrency = value
        }
        if let value = try int(llmRetries, "COREWARD_LLM_RETRIES") {
            guard value >= 0 else { throw ValidationError("--llm-retries must not be negative") }
            settings.llmRetries = value
        }
        if let value = try double(augmentMinSimilarity, "COREWARD_AUGMENT_MIN_SIMILARITY") { settings.thresholds.minSimilarity = value }
        if let value = try double(augmentMaxSimilarity, "COREWARD_AUGMENT_MAX_SIMILARITY") { settings.thresholds.maxSimilarity = value }
        if let value = try double(augmentMinNovelty, "COREWARD_AUGMENT_MIN_NOVELTY") { settings.thresholds.minNovelty = value }
        guard settings.thresholds.minSimilarity <= settings.thresholds.maxSimilarity else {
            throw ValidationError("--augment-min-similarity is above --augment-max-similarity")
        }
        return settings
    }
}
