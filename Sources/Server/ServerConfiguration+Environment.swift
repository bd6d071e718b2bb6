/// A setting given a value it cannot take.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

extension ServerConfiguration {
    /// What `coreward serve` runs with: the defaults (one request thread per processor), then the server
    /// section's variables, then its flags (text by setting name, e.g. `["max-pairs": "100"]`). The encoder
    /// follows the request threads unless `--encoder-workers` or its variable is given.
    public static func resolve(flags: [String: String], environment: [String: String],
                               processors: Int) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.threads = max(1, processors)
        try configuration.apply(environment: environment)
        try configuration.apply(flags: flags)
        if Setting.encoderWorkers.text(flags: flags, environment: environment) == nil {
            configuration.encoderWorkers = configuration.threads
        }
        return configuration
    }

    /// Applies the server section's `COREWARD_*` variables found in `environment`; an empty one counts as unset.
    public mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        for setting in Setting.all where setting.section == .server {
            guard let text = environment[setting.variable], !text.isEmpty else { continue }
            try setting.apply(text, from: .variable, to: &self)
        }
    }

    /// Applies the server section's flags, given as text by setting name.
    public mutating func apply(flags: [String: String]) throws(ConfigurationError) {
        for setting in Setting.all where setting.section == .server {
            guard let text = flags[setting.name] else { continue }
            try setting.apply(text, from: .flag, to: &self)
        }
    }

    /// Applies the augmentation section: each flag (text by setting name), or else its variable, even when
    /// empty; then checks the LLM URL and that the similarity band is not empty. The files are the caller's.
    public mutating func applyAugmentation(flags: [String: String], environment: [String: String]) throws(ConfigurationError) {
        for setting in Setting.all where setting.section == .augmentation {
            if let text = flags[setting.name] {
                try setting.apply(text, from: .flag, to: &self)
            } else if let text = environment[setting.variable] {
                try setting.apply(text, from: .variable, to: &self)
            }
        }
        if let url = augmentation.llmURL, ChatCompletionClient(settings: augmentation) == nil {
            throw ConfigurationError(description: "\(Setting.llmURL.flag) must be an http(s) URL, got \(url)")
        }
        guard augmentation.thresholds.minSimilarity <= augmentation.thresholds.maxSimilarity else {
            throw ConfigurationError(description: "\(Setting.augmentMinSimilarity.flag) is above \(Setting.augmentMaxSimilarity.flag)")
        }
    }
}
