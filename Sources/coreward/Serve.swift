import ArgumentParser
import Dispatch
import Encoder
import Foundation
import Logging
import Server

/// `coreward serve`: the HTTP service.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API. Every option also reads a COREWARD_* environment variable; a flag wins over it.")

    @Option(help: "Address to listen on (env COREWARD_HOST; default 127.0.0.1).")
    var host: String?
    @Option(help: "TCP port, 0 for any free one (env COREWARD_PORT; default 8080).")
    var port: Int?
    @Option(help: "HTTP worker threads (env COREWARD_THREADS; default: the number of CPUs).")
    var threads: Int?
    @Option(help: "Encoder forward passes at once, one core each (env COREWARD_ENCODER_WORKERS; default: --threads).")
    var encoderWorkers: Int?
    @Option(help: "Largest request body in bytes (env COREWARD_MAX_BODY_BYTES; default 67108864).")
    var maxBodyBytes: Int?
    @Option(help: "Most groups per request (env COREWARD_MAX_GROUPS; default 8192).")
    var maxGroups: Int?
    @Option(help: "Most views per group (env COREWARD_MAX_VIEWS; default 16).")
    var maxViews: Int?
    @Option(help: "Most rollouts per view, or responses per vote group or extract call (env COREWARD_MAX_ROLLOUTS; default 1024).")
    var maxRollouts: Int?
    @Option(help: "Largest single response text in UTF-8 bytes (env COREWARD_MAX_RESPONSE_BYTES; default 1048576).")
    var maxResponseBytes: Int?
    @Option(help: "Most answer pairs per /v1/equivalent call (env COREWARD_MAX_PAIRS; default 10000).")
    var maxPairs: Int?
    @Option(help: "Most texts per /v1/embed call; /v1/similarity takes half as many pairs (env COREWARD_MAX_TEXTS; default 256).")
    var maxTexts: Int?
    @Option(help: "Largest text given to the encoder, in UTF-8 bytes (env COREWARD_MAX_TEXT_BYTES; default 65536).")
    var maxTextBytes: Int?
    @Option(help: "Folder with the encoder's model.safetensors and vocab.txt (env COREWARD_MODEL_DIR; default models/all-MiniLM-L6-v2; `make model` fetches it).")
    var modelDir: String?
    @Option(help: "Deepest JSON nesting accepted (env COREWARD_MAX_JSON_DEPTH; default 64).")
    var maxJsonDepth: Int?
    @Option(help: "Most simultaneous connections; a /get_reward sample waiting for its group holds one (env COREWARD_MAX_CONNECTIONS; default 8192).")
    var maxConnections: Int?
    @Option(help: "Seconds before an idle or stalled connection is closed (env COREWARD_CONNECTION_TIMEOUT_SECONDS; default 60).")
    var connectionTimeoutSeconds: Int?
    @Option(help: "Seconds in-flight requests get to finish after SIGTERM (env COREWARD_DRAIN_TIMEOUT_SECONDS; default 30).")
    var drainTimeoutSeconds: Int?
    @Option(help: "Time budget of one request in seconds (fractions allowed); past it a 503 with Retry-After (env COREWARD_REQUEST_TIMEOUT_SECONDS; default 60).")
    var requestTimeoutSeconds: Double?
    @Option(help: "Serve /metrics on this port instead of the main one (env COREWARD_METRICS_PORT).")
    var metricsPort: Int?
    @Option(help: "/get_reward: seconds from a group's first sample until it is scored with what it holds, flagged (env COREWARD_ASSEMBLY_TIMEOUT_SECONDS; default 120).")
    var assemblyTimeoutSeconds: Double?
    @Option(help: "/get_reward: seconds answers are kept so that a retry gets the same answer (env COREWARD_ASSEMBLY_RETENTION_SECONDS; default 900).")
    var assemblyRetentionSeconds: Int?
    @Option(help: "/get_reward: most requests waiting for their groups; past it a 503 with Retry-After (env COREWARD_ASSEMBLY_MAX_WAITING; default 4096).")
    var assemblyMaxWaiting: Int?
    @Option(help: "/get_reward: most response bytes held, waiting or kept for retries (env COREWARD_ASSEMBLY_MAX_BYTES; default 268435456).")
    var assemblyMaxBytes: Int?
    @Option(help: "File holding the API key that every /v1 route then requires as 'Authorization: Bearer <key>' (env COREWARD_API_KEY_FILE).")
    var apiKeyFile: String?
    @OptionGroup(title: "Augmentation (/v1/augment)") var augment: AugmentOptions
    @Option(help: "trace, debug, info (access log), notice, warning, error or critical (env COREWARD_LOG_LEVEL; default info).")
    var logLevel: String?
    @Option(help: "text or json (env COREWARD_LOG_FORMAT; default text).")
    var logFormat: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let level = try choice(logLevel, environment["COREWARD_LOG_LEVEL"], default: Logger.Level.info, name: "--log-level")
        let format = try choice(logFormat, environment["COREWARD_LOG_FORMAT"], default: LogFormat.text, name: "--log-format")
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "coreward")

        var configuration: ServerConfiguration
        do {
            configuration = try resolve(environment: environment)
        } catch {
            throw ValidationError(error.description)
        }
        configuration.augmentation = try augment.settings(environment: environment)
        let apiKey = try loadAPIKey(apiKeyFile ?? environment["COREWARD_API_KEY_FILE"])
        raiseFileLimit(toAtLeast: configuration.maxConnections + 64, logger: logger)
        let service = Service(configuration: configuration, apiKey: apiKey)
        let server = HTTPServer(options: configuration.httpOptions, handler: service.router(logger: logger))
        let metricsServer = configuration.metricsHTTPOptions.map {
            HTTPServer(options: $0, handler: service.metricsRouter(logger: logger))
        }

        // Signals are taken by a dispatch source, not by the default handler that would kill the process.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }

        let port: Int
        var boundMetricsPort: Int?
        do {
            port = try server.start()
            boundMetricsPort = try metricsServer?.start()
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        var started: Logger.Metadata = [
            "address": "\(configuration.host):\(port)", "threads": "\(configuration.threads)",
            "auth": "\(apiKey == nil ? "none" : "bearer")",
        ]
        if let boundMetricsPort { started["metrics_address"] = "\(configuration.host):\(boundMetricsPort)" }
        logger.notice("coreward listening", metadata: started)

        // The encoder runs one batch per worker thread, each with single-threaded OpenBLAS (a process-wide
        // setting, so the program makes it, not the encoder). It loads off the request threads; /readyz
        // answers 503 until it is ready.
        BLAS.setThreadCount(service.encoder.parallelism.blasThreads)
        let loader = Thread {
            service.encoder.load()
            switch service.encoder.current {
            case .ready(_, let sha256):
                logger.notice("encoder ready", metadata: ["model": "all-MiniLM-L6-v2", "sha256": "\(sha256)"])
            case .failed(let reason):
                logger.error("encoder not available; /readyz stays 503 and /v1/embed, /v1/similarity answer 503", metadata: ["reason": "\(reason)"])
            case .loading:
                break
            }
        }
        loader.start()

        stop.wait()
        logger.notice("shutting down: draining in-flight requests", metadata: ["in_flight": "\(server.requestsInFlight)"])
        service.beginDraining()
        server.quiesce()
        let deadline = DispatchTime.now() + .seconds(configuration.drainTimeoutSeconds)
        while server.requestsInFlight > 0, DispatchTime.now() < deadline {
            usleep(5_000)
        }
        let abandoned = server.requestsInFlight
        service.answerParkedRequests()  // a sample parked in the last instant must be resumed before the stop
        usleep(20_000)
        server.stop()
        metricsServer?.stop()
        sources.forEach { $0.cancel() }
        if abandoned > 0 {
            logger.warning("drain timeout reached", metadata: ["abandoned": "\(abandoned)"])
        }
        logger.notice("stopped")
    }

    /// Defaults, then COREWARD_* variables, then flags.
    func resolve(environment: [String: String]) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        try configuration.apply(environment: environment)
        if let host { configuration.host = host }
        // The encoder follows the request threads unless told otherwise.
        if environment["COREWARD_ENCODER_WORKERS"].map({ $0.isEmpty }) ?? true, encoderWorkers == nil {
            configuration.encoderWorkers = threads ?? configuration.threads
        }
        if let modelDir { configuration.modelDirectory = modelDir }
        if let metricsPort {
            guard (0 ... 65535).contains(metricsPort) else {
                throw ConfigurationError(description: "--metrics-port \(metricsPort): expected a port number")
            }
            configuration.metricsPort = metricsPort
        }
        let flags: [(Int?, WritableKeyPath<ServerConfiguration, Int>, String)] = [
            (port, \.port, "--port"),
            (threads, \.threads, "--threads"),
            (encoderWorkers, \.encoderWorkers, "--encoder-workers"),
            (maxBodyBytes, \.maxBodyBytes, "--max-body-bytes"),
            (maxGroups, \.maxGroups, "--max-groups"),
            (maxViews, \.maxViews, "--max-views"),
            (maxRollouts, \.maxRollouts, "--max-rollouts"),
            (maxResponseBytes, \.maxResponseBytes, "--max-response-bytes"),
            (maxPairs, \.maxPairs, "--max-pairs"),
            (maxTexts, \.maxTexts, "--max-texts"),
            (maxTextBytes, \.maxTextBytes, "--max-text-bytes"),
            (maxJsonDepth, \.maxJSONDepth, "--max-json-depth"),
            (maxConnections, \.maxConnections, "--max-connections"),
            (connectionTimeoutSeconds, \.connectionTimeoutSeconds, "--connection-timeout-seconds"),
            (drainTimeoutSeconds, \.drainTimeoutSeconds, "--drain-timeout-seconds"),
            (assemblyRetentionSeconds, \.assembly.retentionSeconds, "--assembly-retention-seconds"),
            (assemblyMaxWaiting, \.assembly.maxWaiting, "--assembly-max-waiting"),
            (assemblyMaxBytes, \.assembly.maxBytes, "--assembly-max-bytes"),
        ]
        if let assemblyTimeoutSeconds {
            try configuration.setAssemblyTimeout(assemblyTimeoutSeconds,
                                                 source: "--assembly-timeout-seconds \(assemblyTimeoutSeconds)")
        }
        if let requestTimeoutSeconds {
            try configuration.setRequestTimeout(requestTimeoutSeconds, source: "--request-timeout-seconds \(requestTimeoutSeconds)")
        }
        for (value, keyPath, flag) in flags {
            if let value { try configuration.set(keyPath, to: value, source: "\(flag) \(value)") }
        }
        return configuration
    }

    /// Raises the soft limit on open files towards what the connection limit needs (up to the hard limit).
    private func raiseFileLimit(toAtLeast needed: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(needed) else { return }
        let wanted = min(rlim_t(needed), limit.rlim_max)
        limit.rlim_cur = wanted
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 || wanted < rlim_t(needed) {
            logger.warning("the open-file limit is below --max-connections; connections past it are refused",
                           metadata: ["open_files": "\(wanted)", "max_connections": "\(needed - 64)"])
        }
    }

    private func loadAPIKey(_ path: String?) throws -> APIKey? {
        guard let path, !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the API key file \(path)")
        }
        guard let key = APIKey(fileContents: String(decoding: data, as: UTF8.self)) else {
            throw ValidationError("the API key file \(path) must hold one key without spaces")
        }
        return key
    }

    private func choice<Value: RawRepresentable & CaseIterable>(
        _ flag: String?, _ variable: String?, default fallback: Value, name: String
    ) throws -> Value where Value.RawValue == String {
        guard let text = flag ?? variable, !text.isEmpty else { return fallback }
        guard let value = Value(rawValue: text) else {
            let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("\(name) \(text): expected one of \(names)")
        }
        return value
    }
}

/// How log lines look.
enum LogFormat: String, CaseIterable {
    case text, json
}
