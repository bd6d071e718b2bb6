/// Decides whether a rewrite of a question keeps its answer: numbers, math, diagram, meaning, and changed wording.
///
/// Pure: the encoder cosine is computed by the caller (MiniLM in the server and CLI) and passed in.
public struct AugmentationValidator: Sendable {
    /// The bounds in force.
    public let thresholds: ValidationThresholds

    /// Creates a validator.
    public init(thresholds: ValidationThresholds = .default) {
        self.thresholds = thresholds
    }

    /// Every check on `rewrite` as a rephrasing of `original`, whose encoder cosine is `similarity`.
    public func validate(original: String, rewrite: String, similarity: Double) -> ValidationReport {
        let trimmed = rewrite.unicodeScalars.filter { !$0.properties.isWhitespace }
        guard !trimmed.isEmpty else { return .failed("the rewrite is empty") }
        let a = QuestionText(original)
        let b = QuestionText(rewrite)
        let novelty = Novelty.score(original: a, rewrite: b)
        var checks: [InvariantCheck] = [InvariantCheck(name: "text", held: true, detail: "non-empty")]
        checks.append(NumberCheck.check(original: a, rewrite: b))
        checks.append(mathCheck(a, b))
        checks.append(DiagramCheck.check(original: a, rewrite: b))
        let band = thresholds.minSimilarity...thresholds.maxSimilarity
        let similarityDetail: String
        if similarity < thresholds.minSimilarity {
            similarityDetail = "cosine \(Self.format(similarity)) below \(Self.format(thresholds.minSimilarity)): the meaning drifted"
        } else if similarity > thresholds.maxSimilarity {
            similarityDetail = "cosine \(Self.format(similarity)) above \(Self.format(thresholds.maxSimilarity)): a copy"
        } else {
            similarityDetail = "cosine \(Self.format(similarity)) in [\(Self.format(thresholds.minSimilarity)), \(Self.format(thresholds.maxSimilarity))]"
        }
        checks.append(InvariantCheck(name: "similarity", held: band.contains(similarity), detail: similarityDetail))
        checks.append(InvariantCheck(
            name: "novelty", held: novelty >= thresholds.minNovelty,
            detail: novelty >= thresholds.minNovelty
                ? "novelty \(Self.format(novelty)) at least \(Self.format(thresholds.minNovelty))"
                : "novelty \(Self.format(novelty)) below \(Self.format(thresholds.minNovelty)): the wording barely changed"))
        return ValidationReport(similarity: similarity, novelty: novelty, checks: checks)
    }

    private func mathCheck(_ a: QuestionText, _ b: QuestionText) -> InvariantCheck {
        let result = MathSpanMatcher(alteredOverlap: thresholds.alteredFormulaOverlap).compare(original: a, rewrite: b)
        if result.exhausted {
            return InvariantCheck(name: "math", held: false, detail: "too many or too long formulas to compare (over \(MathSpanMatcher.workBudget) token comparisons): not validated")
        }
        var parts = ["\(result.kept) of \(result.spans) formulas kept"]
        if !result.renaming.isEmpty { parts.append("renamed " + result.renaming.joined(separator: ", ")) }
        if !result.rearranged.isEmpty { parts.append("rearranged: " + Self.spans(result.rearranged)) }
        if !result.inWords.isEmpty { parts.append("said in words: " + Self.spans(result.inWords)) }
        if !result.altered.isEmpty { parts.append("changed: " + Self.spans(result.altered)) }
        return InvariantCheck(name: "math", held: result.altered.isEmpty, detail: parts.joined(separator: "; "))
    }

    static func spans(_ texts: [String]) -> String {
        texts.prefix(3).map { clip($0) }.joined(separator: ", ") + (texts.count > 3 ? " (+\(texts.count - 3))" : "")
    }

    static func format(_ value: Double) -> String {
        let scaled = (value * 10000).rounded() / 10000
        return "\(scaled)"
    }

    static func clip(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(37)) + "..."
    }
}
