import Encoder

/// Everything `coreward serve` can be told, with the defaults it uses. Read once, at the edge; `Setting.all`
/// names each field's flag, variable and allowed values.
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// TCP port (0 picks a free one).
    public var port = 8080
    /// libmicrohttpd worker threads.
    public var threads = 2
    /// Largest request body, in bytes.
    public var maxBodyBytes = 64 * 1024 * 1024
    /// Most groups in one request.
    public var maxGroups = 8192
    /// Most views in one group.
    public var maxViews = 16
    /// Most rollouts in one view (or responses in one vote group or extract call).
    public var maxRollouts = 1024
    /// Most rollouts (responses) in one request, over all its groups and views: what bounds the memory of a body
    /// made of many tiny responses, whose answer outgrows it.
    public var maxBatchRollouts = 262_144
    /// Largest single response text, in UTF-8 bytes.
    public var maxResponseBytes = 1024 * 1024
    /// Most answer pairs in one `/v1/equivalent` call.
    public var maxPairs = 10_000
    /// Most texts in one `/v1/embed` call (pairs in `/v1/similarity`: half of it).
    public var maxTexts = 256
    /// Largest text given to the encoder, in UTF-8 bytes (it reads at most 256 tokens anyway).
    public var maxTextBytes = 65_536
    /// Encoder forward passes that may run at once, each on one core with one scratch state (its memory grows
    /// with this); by default as many as there are request threads, so a pod limited by COREWARD_THREADS
    /// does not size itself by the node's CPU count.
    public var encoderWorkers = 2
    /// Most tokens in one encoder forward pass.
    public var encoderBatchTokens = MiniLM.defaultMaxBatchTokens
    /// Folder holding the encoder's model.safetensors and vocab.txt.
    public var modelDirectory = "models/all-MiniLM-L6-v2"
    /// Deepest JSON nesting accepted.
    public var maxJSONDepth = 64
    /// Most simultaneous connections (a `/get_reward` sample waiting for its group holds one).
    public var maxConnections = 8192
    /// Idle connections are closed after this many seconds.
    public var connectionTimeoutSeconds = 60
    /// Seconds a connection gets to send a request head, counted from when it opens or its last answer was
    /// sent (so also how long an idle keep-alive connection stays open); 0 for no limit.
    public var headerTimeoutSeconds = 15
    /// Most connections from one client address; 0 for no cap.
    public var maxConnectionsPerClient = 0
    /// libmicrohttpd's memory per connection: the request head must fit in about half of it, and an idle
    /// keep-alive connection holds all of it.
    public var connectionMemoryBytes = 64 * 1024
    /// On SIGTERM, how long in-flight requests may take to finish.
    public var drainTimeoutSeconds = 30
    /// Time budget of one request; past it the answer is a 503 with Retry-After, never a partial one. Its body
    /// must arrive within the same time after its head, or the connection is closed.
    public var requestTimeoutSeconds = 60.0
    /// Serve `/metrics` on this port instead of the main one (nil: on the main port).
    public var metricsPort: Int?
    /// `/get_reward`: the group-assembly buffer.
    public var assembly = AssemblySettings()
    /// Runs followed over time: bounds, the stats log and the collapse verdict's thresholds.
    public var runs = RunSettings()
    /// `/v1/augment`: thresholds and the LLM backend.
    public var augmentation = AugmentationSettings()

    public init() {}

    /// The limits as reported by `/v1/info`: the settings with an info key, in the table's order.
    var limits: [(String, JSON)] {
        Setting.all.compactMap { setting in setting.infoKey.map { ($0, setting.value(in: self)) } }
    }

    /// Listener options for the HTTP layer.
    public var httpOptions: HTTPServerOptions {
        HTTPServerOptions(host: host, port: port, threads: threads, connectionLimit: maxConnections,
                          connectionTimeoutSeconds: connectionTimeoutSeconds, maxBodyBytes: maxBodyBytes,
                          headerTimeoutSeconds: Double(headerTimeoutSeconds), bodyTimeoutSeconds: requestTimeoutSeconds,
                          connectionsPerClient: maxConnectionsPerClient, connectionMemoryBytes: connectionMemoryBytes)
    }

    /// Listener options for the separate metrics port, when there is one: one thread, small bodies.
    public var metricsHTTPOptions: HTTPServerOptions? {
        metricsPort.map {
            HTTPServerOptions(host: host, port: $0, threads: 1, connectionLimit: 64,
                              connectionTimeoutSeconds: connectionTimeoutSeconds, maxBodyBytes: 4096,
                              headerTimeoutSeconds: Double(headerTimeoutSeconds), connectionsPerClient: maxConnectionsPerClient,
                              connectionMemoryBytes: connectionMemoryBytes)
        }
    }
}
