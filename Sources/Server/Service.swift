import Core
import Logging
import Synchronization

/// The coreward HTTP service: configuration, run state and the routes of every endpoint.
public final class Service: Sendable {
    public let configuration: ServerConfiguration
    private let draining = Atomic<Bool>(false)

    public init(configuration: ServerConfiguration) {
        self.configuration = configuration
    }

    /// True once a shutdown has begun: `/readyz` then answers 503.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Marks the service as shutting down.
    public func beginDraining() { draining.store(true, ordering: .relaxed) }

    /// The router over every endpoint.
    public func router(logger: Logger) -> Router {
        let limits = RequestLimits(configuration)
        var routes: [Route] = []
        routes += HealthEndpoint(service: self).routes
        routes += InfoEndpoint(configuration: configuration).routes
        routes += ExtractEndpoint(limits: limits).routes
        routes += VoteEndpoint(limits: limits).routes
        routes += RewardEndpoint(limits: limits).routes
        return Router(routes: routes, logger: logger)
    }
}

/// The request-shape limits the endpoints enforce.
struct RequestLimits: Sendable {
    let maxGroups: Int
    let maxViews: Int
    let maxRollouts: Int
    let maxResponseBytes: Int
    let maxJSONDepth: Int

    init(_ configuration: ServerConfiguration) {
        maxGroups = configuration.maxGroups
        maxViews = configuration.maxViews
        maxRollouts = configuration.maxRollouts
        maxResponseBytes = configuration.maxResponseBytes
        maxJSONDepth = configuration.maxJSONDepth
    }
}
