/// How the group-assembly buffer behind `/get_reward` is bounded and timed.
public struct AssemblySettings: Sendable, Equatable {
    /// Seconds from a group's first sample until it is scored with what it holds.
    public var timeoutSeconds = 120.0
    /// Seconds an answer not yet delivered is kept for a retry (a delivered one is kept only for `guardSeconds`).
    public var retentionSeconds = 900
    /// Most samples the open groups may wait for: each open group reserves n × views places.
    public var maxWaiting = 4096
    /// Most bytes held by waiting samples and kept answers.
    public var maxBytes = 256 * 1024 * 1024
    /// Seconds after a group completes during which its pair may not start another group.
    public var guardSeconds = 60

    public init() {}
}
