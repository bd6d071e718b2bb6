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

    // One option per setting of the server and logging sections, named and described by the settings table;
    // their values are read through `givenSettings()`, so each property is named after its flag in camel case.
    @Option(.host) var host: String?
    @Option(.port) var port: Int?
    @Option(.threads) var threads: Int?
    @Option(.encoderWorkers) var encoderWorkers: Int?
    @Option(.maxBodyBytes) var maxBodyBytes: Int?
    @Option(.maxGroups) var maxGroups: Int?
    @Option(.maxViews) var maxViews: Int?
    @Option(.maxRollouts) var maxRollouts: Int?
    @Option(.maxBatchRollouts) var maxBatchRollouts: Int?
    @Option(.maxResponseBytes) var maxResponseBytes: Int?
    @Option(.maxPairs) var maxPairs: Int?
    @Option(.maxTexts) var maxTexts: Int?
    @Option(.maxTextBytes) var maxTextBytes: Int?
    @Option(.modelDir) var modelDir: String?
    @Option(.maxJSONDepth) var maxJsonDepth: Int?
    @Option(.maxConnections) var maxConnections: Int?
    @Option(.connectionTimeoutSeconds) var connectionTimeoutSeconds: Int?
    @Option(.headerTimeoutSeconds) var headerTimeoutSeconds: Int?
    @Option(.maxConnectionsPerClient) var maxConnectionsPerClient: Int?
    @Option(.connectionMemoryBytes) var connectionMemoryBytes: Int?
    @Option(.drainTimeoutSeconds) var drainTimeoutSeconds: Int?
    @Option(.requestTimeoutSeconds) var requestTimeoutSeconds: Double?
    @Option(.metricsPort) var metricsPort: Int?
    @Option(.assemblyTimeoutSeconds) var assemblyTimeoutSeconds: Double?
    @Option(.assemblyRetentionSeconds) var assemblyRetentionSeconds: Int?
    @Option(.assemblyMaxWaiting) var assemblyMaxWaiting: Int?
    @Option(.assemblyMaxBytes) var assemblyMaxBytes: Int?
    @Option(.assemblyGuardSeconds) var assemblyGuardSeconds: Int?
    @Option(.maxRuns) var maxRuns: Int?
    @Option(.runHistorySteps) var runHistorySteps: Int?
    @Option(.runGroupsPerStep) var runGroupsPerStep: Int?
    @Option(.statsLog) var statsLog: String?
    @Option(.collapseWindow) var collapseWindow: Int?
    @Option(.collapseAnswerShareRise) var collapseAnswerShareRise: Double?
    @Option(.collapseConcentrationRise) var collapseConcentrationRise: Double?
    @Option(.collapseEmptyRateRise) var collapseEmptyRateRise: Double?
    @Option(.collapseLengthRatio) var collapseLengthRatio: Double?
    @Option(.collapseViewsAgreeDrop) var collapseViewsAgreeDrop: Double?
    @Option(.collapseRewardAccuracyGap) var collapseRewardAccuracyGap: Double?
    @Option(.apiKeyFile) var apiKeyFile: String?
    @OptionGroup(title: Setting.Section.augmentation.title) var augment: AugmentOptions
    @Option(.logLevel) var logLevel: String?
    @Option(.logFormat) var logFormat: String?
    @Option(.encoderBatchTokens) var encoderBatchTokens: Int?

    func validate() throws {
        let options = Set(Self.settingOptions + AugmentOptions.settingOptions)
        let missing = Setting.all.map(\.name).filter { !options.contains($0) }
        let unknown = options.subtracting(Setting.all.map(\.name))
        guard missing.isEmpty, unknown.isEmpty else {
            throw ValidationError("the options of serve do not match the settings table: missing \(missing), unknown \(unknown.sorted())")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let flags = givenSettings().merging(augment.givenSettings()) { flag, _ in flag }
        let level: Logger.Level
        let format: LogFormat
        var configuration: ServerConfiguration
        do {
            level = try Setting.logLevel.choice(Logger.Level.self, flags: flags, environment: environment)
            format = try Setting.logFormat.choice(LogFormat.self, flags: flags, environment: environment)
            configuration = try ServerConfiguration.resolve(flags: flags, environment: environment,
                                                            processors: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            throw ValidationError(error.description)
        }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "coreward")

        configuration.augmentation = try augment.settings(environment: environment)
        if !configuration.runs.statsLog.isEmpty, let problem = Service.statsLogProblem(configuration.runs.statsLog) {
            throw ValidationError(problem)
        }
        let apiKey = try loadAPIKey(Setting.apiKeyFile.text(flags: flags, environment: environment))
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

    /// Raises the soft limit on open files towards what the connection limit needs (up to the hard limit).
    private func raiseFileLimit(toAtLeast needed: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(needed) else { return }
        let wanted = min(rlim_t(needed), limit.rlim_max)
        limit.rlim_cur = wanted
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) != 0 || wanted < rlim_t(needed) {
            logger.warning("the open-file limit is below \(Setting.maxConnections.flag); connections past it are refused",
                           metadata: ["open_files": "\(wanted)", "max_connections": "\(needed - 64)"])
        }
    }

    private func loadAPIKey(_ path: String?) throws -> APIKey? {
        guard let path, !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the API key file \(path)")
        }
        guard let key = APIKey(fileContents: Array(data)) else {
            throw ValidationError("the API key file \(path) must hold one key of visible ASCII characters (0x21-0x7E), without spaces")
        }
        return key
    }
}
