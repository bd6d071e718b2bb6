/// The bounds a rewrite must fall within; the defaults were chosen from data (below).
public struct ValidationThresholds: Sendable, Equatable {
    /// Below this encoder cosine the meaning drifted.
    public var minSimilarity: Double
    /// Above this encoder cosine the rewrite is a copy.
    public var maxSimilarity: Double
    /// Below this novelty the wording barely changed.
    public var minNovelty: Double
    /// A formula not found verbatim (up to renaming) whose tokens are at least this share present in one
    /// formula of the rewrite counts as changed, and fails `math`; below it the formula was said in words.
    public var alteredFormulaOverlap: Double

    /// Creates thresholds.
    public init(minSimilarity: Double = ValidationThresholds.default.minSimilarity,
                maxSimilarity: Double = ValidationThresholds.default.maxSimilarity,
                minNovelty: Double = ValidationThresholds.default.minNovelty,
                alteredFormulaOverlap: Double = ValidationThresholds.default.alteredFormulaOverlap) {
        self.minSimilarity = minSimilarity
        self.maxSimilarity = maxSimilarity
        self.minNovelty = minNovelty
        self.alteredFormulaOverlap = alteredFormulaOverlap
    }

    /// The defaults.
    ///
    /// Measured with all-MiniLM-L6-v2 on `shared/data/math/train_pairs.jsonl` (7,500 MATH questions and the
    /// paper's Qwen3-32B rewrites) and, for unrelated pairs, each original against a random other rewrite:
    ///
    /// | cosine       | p1     | p5     | p10   | p25   | p50   | p75   | p95   | p99   | max   |
    /// |--------------|--------|--------|-------|-------|-------|-------|-------|-------|-------|
    /// | real rewrite | 0.346  | 0.517  | 0.586 | 0.681 | 0.778 | 0.858 | 0.934 | 0.962 | 1.000 |
    /// | unrelated    | -0.073 | -0.023 | 0.009 | 0.064 | 0.131 | 0.207 | 0.345 | 0.458 | 0.746 |
    /// | old rules(1k)| 0.886  | 0.931  |       |       | 0.974 |       | 0.998 | 0.999 | 0.9992|
    /// | rules (2k)   |        |        | 0.793 |       | 0.885 |       |       |       |       |
    ///
    /// `minSimilarity` 0.45 sits just under the unrelated pairs' 99th percentile and rejects 2.7% of the
    /// real rewrites (1.6% at 0.40, 4.1% at 0.50). `maxSimilarity` 0.9995 was above every variant of the rules
    /// backend before issue 16 (max 0.9992; "rules (2k)": 4 variants of each of 500 training questions since) and
    /// is below a verbatim copy (1.0; two of the 7,500 paper "rewrites" are copies).
    /// Novelty (1 - word-set Jaccard): real rewrites p1 0.42, p50 0.71; rules variants median 0.47 (the rules keep
    /// only variants at least `minNovelty`); a copy is 0: `minNovelty` 0.08. `alteredFormulaOverlap` 0.6: see
    /// `MathSpanMatcher`.
    public static let `default` = ValidationThresholds(0.45, 0.9995, 0.08, 0.6)

    private init(_ minSimilarity: Double, _ maxSimilarity: Double, _ minNovelty: Double, _ alteredFormulaOverlap: Double) {
        self.minSimilarity = minSimilarity
        self.maxSimilarity = maxSimilarity
        self.minNovelty = minNovelty
        self.alteredFormulaOverlap = alteredFormulaOverlap
    }
}
