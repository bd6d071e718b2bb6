/// A setting given a value it cannot take.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

extension ServerConfiguration {
    /// The environment variable of each integer setting.
    static var integerVariables: [(String, WritableKeyPath<ServerConfiguration, Int>, ClosedRange<Int>)] {
        [
            ("COREWARD_PORT", \.port, 0 ... 65535),
            ("COREWARD_THREADS", \.threads, 1 ... 1024),
            ("COREWARD_ENCODER_WORKERS", \.encoderWorkers, 1 ... 1024),
            ("COREWARD_MAX_BODY_BYTES", \.maxBodyBytes, 1 ... Int(Int32.max)),
            ("COREWARD_MAX_GROUPS", \.maxGroups, 1 ... 10_000_000),
            ("COREWARD_MAX_VIEWS", \.maxViews, 1 ... 1024),
            ("COREWARD_MAX_ROLLOUTS", \.maxRollouts, 1 ... 10_000_000),
            ("COREWARD_MAX_RESPONSE_BYTES", \.maxResponseBytes, 1 ... Int(Int32.max)),
            ("COREWARD_MAX_PAIRS", \.maxPairs, 1 ... 10_000_000),
            ("COREWARD_MAX_TEXTS", \.maxTexts, 2 ... 100_000),
            ("COREWARD_MAX_TEXT_BYTES", \.maxTextBytes, 1 ... Int(Int32.max)),
            ("COREWARD_MAX_JSON_DEPTH", \.maxJSONDepth, 2 ... 1024),
            ("COREWARD_MAX_CONNECTIONS", \.maxConnections, 1 ... 1_000_000),
            ("COREWARD_CONNECTION_TIMEOUT_SECONDS", \.connectionTimeoutSeconds, 0 ... 86400),
            ("COREWARD_DRAIN_TIMEOUT_SECONDS", \.drainTimeoutSeconds, 0 ... 86400),
            ("COREWARD_ASSEMBLY_RETENTION_SECONDS", \.assembly.retentionSeconds, 0 ... 86400),
            ("COREWARD_ASSEMBLY_MAX_WAITING", \.assembly.maxWaiting, 1 ... 1_000_000),
            ("COREWARD_ASSEMBLY_MAX_BYTES", \.assembly.maxBytes, 1 ... Int(Int32.max) * 64),
        ]
    }

    /// Applies `COREWARD_*` variables found in `environment`.
    public mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        if let host = environment["COREWARD_HOST"], !host.isEmpty {
            self.host = host
        }
        if let directory = environment["COREWARD_MODEL_DIR"], !directory.isEmpty {
            modelDirectory = directory
        }
        if let text = environment["COREWARD_METRICS_PORT"], !text.isEmpty {
            guard let port = Int(text), (0 ... 65535).contains(port) else {
                throw ConfigurationError(description: "COREWARD_METRICS_PORT=\(text): expected a port number")
            }
            metricsPort = port
        }
        if let text = environment["COREWARD_REQUEST_TIMEOUT_SECONDS"], !text.isEmpty {
            try setRequestTimeout(Double(text), source: "COREWARD_REQUEST_TIMEOUT_SECONDS=\(text)")
        }
        if let text = environment["COREWARD_ASSEMBLY_TIMEOUT_SECONDS"], !text.isEmpty {
            try setAssemblyTimeout(Double(text), source: "COREWARD_ASSEMBLY_TIMEOUT_SECONDS=\(text)")
        }
        for (name, keyPath, range) in Self.integerVariables {
            guard let text = environment[name], !text.isEmpty else { continue }
            try set(keyPath, to: Int(text), range: range, source: "\(name)=\(text)")
        }
    }

    /// Sets the per-request time budget (seconds, fractions allowed, at most a day).
    public mutating func setRequestTimeout(_ seconds: Double?, source: String) throws(ConfigurationError) {
        guard let seconds, seconds > 0, seconds <= 86400 else {
            throw ConfigurationError(description: "\(source): expected a number of seconds above 0 and at most 86400")
        }
        requestTimeoutSeconds = seconds
    }

    /// Sets how long `/get_reward` waits for a group (seconds, fractions allowed, at most a day).
    public mutating func setAssemblyTimeout(_ seconds: Double?, source: String) throws(ConfigurationError) {
        guard let seconds, seconds > 0, seconds <= 86400 else {
            throw ConfigurationError(description: "\(source): expected a number of seconds above 0 and at most 86400")
        }
        assembly.timeoutSeconds = seconds
    }

    /// Sets an integer setting, checking its range; `source` names where the value came from.
    public mutating func set(_ keyPath: WritableKeyPath<ServerConfiguration, Int>, to value: Int?,
                             range: ClosedRange<Int>? = nil, source: String) throws(ConfigurationError) {
        let allowed = range ?? Self.integerVariables.first { $0.1 == keyPath }?.2 ?? Int.min ... Int.max
        guard let value, allowed.contains(value) else {
            throw ConfigurationError(description: "\(source): expected a whole number in \(allowed.lowerBound)...\(allowed.upperBound)")
        }
        self[keyPath: keyPath] = value
    }
}
