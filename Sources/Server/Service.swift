import Core
import Logging
import Synchronization

/// The coreward HTTP service: configuration, run state and the routes of every endpoint.
public final class Service: Sendable {
    public let configuration: ServerConfiguration
    public let metrics = ServiceMetrics()
    /// The in-process encoder; `serve` loads it in the background.
    public let encoder: EncoderModel
    /// The question rephraser behind `/v1/augment`.
    public let augmenter: Augmenter
    /// Where `/get_reward`'s per-sample requests wait for their groups; ticked by an `AssemblyTimer`.
    let assembler: GroupAssembler
    /// The runs followed over time (issue 17).
    let runs: RunWatch
    private let apiKey: APIKey?
    private let draining = Atomic<Bool>(false)

    /// `apiKey`, when given, guards every `/v1` route.
    public init(configuration: ServerConfiguration, apiKey: APIKey? = nil) {
        MemoryRelease.configure()
        self.configuration = configuration
        self.apiKey = apiKey
        self.encoder = EncoderModel(directory: configuration.modelDirectory, workers: configuration.encoderWorkers,
                                    batchTokens: configuration.encoderBatchTokens)
        self.augmenter = Augmenter(settings: configuration.augmentation)
        let path = configuration.runs.statsLog
        self.runs = RunWatch(settings: configuration.runs, metrics: metrics,
                             log: path.isEmpty ? nil : try? StatsLog(path: path))
        self.assembler = GroupAssembler(settings: configuration.assembly, metrics: metrics,
                                        runWindows: RunWindows(watch: runs, settings: configuration.runs))
        AssemblyTimer.start(driving: assembler)
    }

    /// Why the stats log at `path` cannot be written, or nil when it can (`serve` checks before it starts).
    public static func statsLogProblem(_ path: String) -> String? {
        do {
            _ = try StatsLog(path: path)
            return nil
        } catch {
            return error.description + " (" + Setting.statsLog.names + ")"
        }
    }

    /// True once a shutdown has begun: `/readyz` then answers 503.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Marks the service as shutting down; groups still being assembled are answered with what they hold.
    public func beginDraining() {
        draining.store(true, ordering: .relaxed)
        assembler.beginDraining()
    }

    /// Answers every request still parked (the listener is about to stop: none may stay suspended).
    public func answerParkedRequests() {
        assembler.beginDraining()
    }

    /// The router of the main port: every endpoint, and `/metrics` unless it has a port of its own.
    public func router(logger: Logger) -> Router {
        let limits = RequestLimits(configuration)
        var routes: [Route] = []
        routes += HealthEndpoint(service: self).routes
        routes += InfoEndpoint(configuration: configuration, encoder: encoder, authenticated: apiKey != nil).routes
        routes += ExtractEndpoint(limits: limits).routes
        routes += VoteEndpoint(limits: limits).routes
        routes += EquivalentEndpoint(limits: limits).routes
        routes += RewardEndpoint(limits: limits, metrics: metrics, runs: runs).routes
        routes += GetRewardEndpoint(limits: limits, assembler: assembler).routes
        routes += EmbedEndpoint(limits: limits, encoder: encoder, metrics: metrics).routes
        routes += AugmentEndpoint(limits: limits, encoder: encoder, metrics: metrics, augmenter: augmenter).routes
        routes += RunsEndpoint(watch: runs).routes
        if configuration.metricsPort == nil {
            routes += MetricsEndpoint(metrics: metrics).routes
        }
        return makeRouter(routes, logger: logger)
    }

    /// The router of the separate metrics port (`--metrics-port`): `/metrics` and the health routes.
    public func metricsRouter(logger: Logger) -> Router {
        makeRouter(MetricsEndpoint(metrics: metrics).routes + HealthEndpoint(service: self).routes, logger: logger)
    }

    private func makeRouter(_ routes: [Route], logger: Logger) -> Router {
        Router(routes: routes, logger: logger, apiKey: apiKey, metrics: metrics,
               timeBudget: .milliseconds(Int64((configuration.requestTimeoutSeconds * 1000).rounded())))
    }
}

/// The request-shape limits the endpoints enforce.
struct RequestLimits: Sendable {
    let maxGroups: Int
    let maxViews: Int
    let maxRollouts: Int
    let maxBatchRollouts: Int
    let maxResponseBytes: Int
    let maxJSONDepth: Int
    let maxPairs: Int
    let maxTexts: Int
    let maxTextBytes: Int

    init(_ configuration: ServerConfiguration) {
        maxGroups = configuration.maxGroups
        maxViews = configuration.maxViews
        maxRollouts = configuration.maxRollouts
        maxBatchRollouts = configuration.maxBatchRollouts
        maxResponseBytes = configuration.maxResponseBytes
        maxJSONDepth = configuration.maxJSONDepth
        maxPairs = configuration.maxPairs
        maxTexts = configuration.maxTexts
        maxTextBytes = configuration.maxTextBytes
    }
}
