/// One invariant a rewrite must keep, whether it held, and why.
public struct InvariantCheck: Sendable, Equatable {
    /// The invariant: `numbers`, `math`, `names`, `diagram`, `similarity`, `novelty` or `text`.
    public let name: String
    /// Whether the rewrite kept it.
    public let held: Bool
    /// What was measured, in words (for `reasons` and logs).
    public let detail: String

    /// Creates a check.
    public init(name: String, held: Bool, detail: String) {
        self.name = name
        self.held = held
        self.detail = detail
    }
}
