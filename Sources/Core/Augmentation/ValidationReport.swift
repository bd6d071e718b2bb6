/// The verdict on one rewrite: every invariant checked, and whether the rewrite can be trusted.
public struct ValidationReport: Sendable, Equatable {
    /// Encoder cosine between original and rewrite, as given to the validator.
    public let similarity: Double
    /// How much the wording changed: 1 - Jaccard index of the two texts' word sets (see `Novelty`).
    public let novelty: Double
    /// Each invariant, in a fixed order: text, numbers, math, names, diagram, similarity, novelty.
    public let checks: [InvariantCheck]
    /// True when every check held.
    public var accepted: Bool { checks.allSatisfy(\.held) }
    /// One sentence per failed check, `name: detail`; empty when accepted.
    public var reasons: [String] { checks.filter { !$0.held }.map { "\($0.name): \($0.detail)" } }

    /// Creates a report.
    public init(similarity: Double, novelty: Double, checks: [InvariantCheck]) {
        self.similarity = similarity
        self.novelty = novelty
        self.checks = checks
    }

    /// A report for a rewrite that never came to be (a failed or unparseable completion): one failed `text` check.
    public static func failed(_ reason: String) -> ValidationReport {
        ValidationReport(similarity: 0, novelty: 0, checks: [InvariantCheck(name: "text", held: false, detail: reason)])
    }
}
