/// How the group-assembly buffer behind `/get_reward` is bounded and timed.
public struct AssemblySettings: Sendable, Equatable {
    /// Seconds from a group's first sample until it is scored with what it holds.
    public var timeoutSeconds = 120.0
    /// Seconds an answered group's answers are kept for retries.
    public var retentionSeconds = 900
    /// Most requests parked at once.
    public var maxWaiting = 4096
    /// Most response bytes held (waiting samples and kept answers).
    public var maxBytes = 256 * 1024 * 1024

    public init() {}
}
