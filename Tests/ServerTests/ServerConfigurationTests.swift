import Server
import Testing

struct ServerConfigurationTests {
    @Test func environmentOverridesDefaults() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: ["COREWARD_PORT": "9001", "COREWARD_HOST": "0.0.0.0",
                                              "COREWARD_MAX_BODY_BYTES": "1000", "UNRELATED": "x"])
        #expect(configuration.port == 9001)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.maxBodyBytes == 1000)
        #expect(configuration.maxGroups == ServerConfiguration().maxGroups)
    }

    @Test(arguments: [
        ["COREWARD_PORT": "http"],
        ["COREWARD_PORT": "70000"],
        ["COREWARD_THREADS": "0"],
        ["COREWARD_MAX_JSON_DEPTH": "-1"],
    ])
    func refusesNonsense(environment: [String: String]) {
        var configuration = ServerConfiguration()
        #expect(throws: ConfigurationError.self) { try configuration.apply(environment: environment) }
    }

    @Test func errorNamesTheVariable() {
        var configuration = ServerConfiguration()
        do {
            try configuration.apply(environment: ["COREWARD_MAX_GROUPS": "many"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("COREWARD_MAX_GROUPS=many"))
        }
    }

    // `coreward serve`'s flags and variables together: which wins, what follows what, and each kind's message.

    @Test func flagsWinOverVariables() throws {
        let configuration = try ServerConfiguration.resolve(
            flags: ["max-groups": "7", "threads": "1", "request-timeout-seconds": "2.5", "model-dir": "here"],
            environment: ["COREWARD_MAX_GROUPS": "3", "COREWARD_MAX_VIEWS": "5", "COREWARD_METRICS_PORT": "9100"],
            processors: 4)
        #expect(configuration.maxGroups == 7)
        #expect(configuration.maxViews == 5)
        #expect(configuration.threads == 1)
        #expect(configuration.requestTimeoutSeconds == 2.5)
        #expect(configuration.modelDirectory == "here")
        #expect(configuration.metricsPort == 9100)
    }

    @Test(arguments: [
        ([:], [:], 4, 4),
        (["threads": "3"], [:], 3, 3),
        ([:], ["COREWARD_THREADS": "2"], 2, 2),
        ([:], ["COREWARD_ENCODER_WORKERS": ""], 4, 4),
        ([:], ["COREWARD_ENCODER_WORKERS": "3"], 4, 3),
        (["encoder-workers": "1"], [:], 4, 1),
    ] as [([String: String], [String: String], Int, Int)])
    func encoderFollowsThreads(flags: [String: String], environment: [String: String], threads: Int, workers: Int) throws {
        let configuration = try ServerConfiguration.resolve(flags: flags, environment: environment, processors: 4)
        #expect(configuration.threads == threads)
        #expect(configuration.encoderWorkers == workers)
    }

    /// The messages `coreward serve` printed before the settings table, one per kind of setting and origin.
    @Test(arguments: [
        (["max-groups": "0"], [:], "--max-groups 0: expected a whole number in 1...10000000"),
        ([:], ["COREWARD_PORT": "70000"], "COREWARD_PORT=70000: expected a whole number in 0...65535"),
        (["max-groups": "7"], ["COREWARD_MAX_GROUPS": "lots"], "COREWARD_MAX_GROUPS=lots: expected a whole number in 1...10000000"),
        (["request-timeout-seconds": "0.0"], [:], "--request-timeout-seconds 0.0: expected a number of seconds above 0 and at most 86400"),
        ([:], ["COREWARD_ASSEMBLY_TIMEOUT_SECONDS": "x"], "COREWARD_ASSEMBLY_TIMEOUT_SECONDS=x: expected a number of seconds above 0 and at most 86400"),
        (["metrics-port": "70000"], [:], "--metrics-port 70000: expected a port number"),
        ([:], ["COREWARD_METRICS_PORT": "x"], "COREWARD_METRICS_PORT=x: expected a port number"),
    ] as [([String: String], [String: String], String)])
    func serverMessages(flags: [String: String], environment: [String: String], message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.resolve(flags: flags, environment: environment, processors: 2)
        }
        #expect(error?.description == message)
    }

    @Test(arguments: [
        ([:], ["COREWARD_LLM_TIMEOUT": "abc"], "COREWARD_LLM_TIMEOUT is not a number: abc"),
        ([:], ["COREWARD_LLM_TIMEOUT": "-1"], "--llm-timeout must be positive"),
        (["llm-timeout": "0.0"], [:], "--llm-timeout must be positive"),
        ([:], ["COREWARD_LLM_CONCURRENCY": "x"], "COREWARD_LLM_CONCURRENCY is not an integer: x"),
        (["llm-concurrency": "0"], [:], "--llm-concurrency must be at least 1"),
        ([:], ["COREWARD_LLM_RETRIES": "-2"], "--llm-retries must not be negative"),
        ([:], ["COREWARD_LLM_URL": ""], "--llm-url must be an http(s) URL, got "),
        (["llm-url": "ftp://x"], [:], "--llm-url must be an http(s) URL, got ftp://x"),
        ([:], ["COREWARD_AUGMENT_MIN_NOVELTY": "q"], "COREWARD_AUGMENT_MIN_NOVELTY is not a number: q"),
        (["augment-min-similarity": "0.9", "augment-max-similarity": "0.5"], [:],
         "--augment-min-similarity is above --augment-max-similarity"),
    ] as [([String: String], [String: String], String)])
    func augmentationMessages(flags: [String: String], environment: [String: String], message: String) {
        var configuration = ServerConfiguration()
        let error = #expect(throws: ConfigurationError.self) {
            try configuration.applyAugmentation(flags: flags, environment: environment)
        }
        #expect(error?.description == message)
    }

    /// An augmentation flag replaces its variable, which is then not read at all.
    @Test func augmentationFlagReplacesItsVariable() throws {
        var configuration = ServerConfiguration()
        try configuration.applyAugmentation(
            flags: ["llm-timeout": "5.0", "llm-url": "http://127.0.0.1:8000/v1"],
            environment: ["COREWARD_LLM_TIMEOUT": "abc", "COREWARD_LLM_MODEL": "m", "COREWARD_LLM_RETRIES": "0"])
        #expect(configuration.augmentation.llmTimeoutSeconds == 5)
        #expect(configuration.augmentation.llmURL == "http://127.0.0.1:8000/v1")
        #expect(configuration.augmentation.llmModel == "m")
        #expect(configuration.augmentation.llmRetries == 0)
    }

    /// The request-size limits of the augmentation routes are settings like the others (their 413s name them).
    @Test func augmentationRequestLimits() throws {
        var configuration = ServerConfiguration()
        try configuration.applyAugmentation(flags: ["augment-max-questions": "3"],
                                            environment: ["COREWARD_AUGMENT_MAX_VARIANTS": "2"])
        #expect(configuration.augmentation.maxQuestions == 3)
        #expect(configuration.augmentation.maxVariants == 2)
        let error = #expect(throws: ConfigurationError.self) {
            try configuration.applyAugmentation(flags: ["augment-max-variants": "0"], environment: [:])
        }
        #expect(error?.description == "--augment-max-variants must be at least 1")
    }
}
