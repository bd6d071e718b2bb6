import Foundation
import Logging
import Server
import Testing

/// The settings table: names derived one way, help as `serve --help` shows it, the docs generated from it.
struct SettingTests {
    @Test func docsAreCurrent() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/configuration.md").standardizedFileURL
        let committed = try String(contentsOf: docs, encoding: .utf8)
        #expect(committed == Setting.markdown,
                "docs/configuration.md is stale: run `swift run coreward config --markdown > docs/configuration.md`")
    }

    @Test func namesAreUnique() {
        #expect(Set(Setting.all.map(\.name)).count == Setting.all.count)
        #expect(Set(Setting.all.map(\.variable)).count == Setting.all.count)
        let keys = Setting.all.compactMap(\.infoKey)
        #expect(Set(keys).count == keys.count)
    }

    /// The names 413 and 503 answers give, exactly as before the table.
    @Test(arguments: [
        (Setting.maxPairs, "--max-pairs, COREWARD_MAX_PAIRS"),
        (Setting.maxResponseBytes, "--max-response-bytes, COREWARD_MAX_RESPONSE_BYTES"),
        (Setting.maxJSONDepth, "--max-json-depth, COREWARD_MAX_JSON_DEPTH"),
        (Setting.assemblyMaxWaiting, "--assembly-max-waiting, COREWARD_ASSEMBLY_MAX_WAITING"),
        (Setting.llmURL, "--llm-url, COREWARD_LLM_URL"),
        (Setting.llmAPIKeyFile, "--llm-api-key-file, COREWARD_LLM_API_KEY_FILE"),
    ])
    func errorsNameFlagAndVariable(setting: Setting, names: String) {
        #expect(setting.names == names)
    }

    /// `/v1/info`'s limits: these keys in this order.
    @Test func infoKeys() {
        #expect(Setting.all.compactMap(\.infoKey) == [
            "max_body_bytes", "max_groups", "max_views", "max_rollouts", "max_batch_rollouts", "max_response_bytes", "max_pairs", "max_texts",
            "max_text_bytes", "max_json_depth", "max_connections", "connection_timeout_seconds", "header_timeout_seconds",
            "max_connections_per_client", "connection_memory_bytes", "drain_timeout_seconds",
            "threads", "encoder_workers", "assembly_retention_seconds", "assembly_max_waiting", "assembly_max_bytes",
            "assembly_guard_seconds", "request_timeout_seconds", "assembly_timeout_seconds", "max_runs",
            "run_history_steps", "run_groups_per_step",
        ])
    }

    /// One help line of each shape, as `serve --help` printed it before the table.
    @Test(arguments: [
        (Setting.host, "Address to listen on (env COREWARD_HOST; default 127.0.0.1)."),
        (Setting.threads, "HTTP worker threads (env COREWARD_THREADS; default: the number of CPUs)."),
        (Setting.modelDir, "Folder with the encoder's model.safetensors and vocab.txt (env COREWARD_MODEL_DIR; default models/all-MiniLM-L6-v2; `make model` fetches it)."),
        (Setting.requestTimeoutSeconds, "Time budget of one request in seconds (fractions allowed); past it a 503 with Retry-After. Its body must arrive within it too, or the connection is closed (env COREWARD_REQUEST_TIMEOUT_SECONDS; default 60)."),
        (Setting.metricsPort, "Serve /metrics on this port instead of the main one (env COREWARD_METRICS_PORT)."),
        (Setting.augmentMaxSimilarity, "Highest encoder cosine before a rewrite counts as a copy (env COREWARD_AUGMENT_MAX_SIMILARITY; default 0.9995)."),
        (Setting.llmPromptFile, "Prompt template file with {question} once (env COREWARD_LLM_PROMPT_FILE; default: the paper's prompt)."),
        (Setting.logFormat, "text or json (env COREWARD_LOG_FORMAT; default text)."),
    ])
    func help(setting: Setting, help: String) {
        #expect(setting.help == help)
    }

    @Test func choicesTakeTheirDefaults() throws {
        #expect(try Setting.logLevel.choice(Logger.Level.self, flags: [:], environment: [:]) == .info)
        #expect(try Setting.logFormat.choice(LogFormat.self, flags: ["log-format": ""], environment: ["COREWARD_LOG_FORMAT": ""]) == .text)
        #expect(try Setting.logFormat.choice(LogFormat.self, flags: ["log-format": "json"], environment: ["COREWARD_LOG_FORMAT": "bad"]) == .json)
    }

    @Test func choiceErrorNamesTheFlagAndTheChoices() {
        let error = #expect(throws: ConfigurationError.self) {
            try Setting.logLevel.choice(Logger.Level.self, flags: [:], environment: ["COREWARD_LOG_LEVEL": "loud"])
        }
        #expect(error?.description == "--log-level loud: expected one of trace, debug, info, notice, warning, error, critical")
    }
}
