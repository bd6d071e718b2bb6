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

    /// Every check on `rewrite` as a rephrasing of `original`, whose encoder cosine is `similarity`. A rewrite that
    /// renames a variable, function or point fails unless `allowRenaming` (for answers known to be numbers).
    public func validate(original: String, rewrite: String, similarity: Double, allowRenaming: Bool = false) -> ValidationReport {
        let trimmed = rewrite.unicodeScalars.filter { !$0.properties.isWhitespace }
        guard !trimmed.isEmpty else { return .failed("the rewrite is empty") }
        let a = QuestionText(original)
        let b = QuestionText(rewrite)
        let novelty = Novelty.score(original: a, rewrite: b)
        var checks: [InvariantCheck] = [InvariantCheck(name: "text", held: true, detail: "non-empty")]
        checks.append(NumberCheck.check(original: a, rewrite: b))
        let matched = MathSpanMatcher(alteredOverlap: thresholds.alteredFormulaOverlap).compare(original: a, rewrite: b)
        let equations = matched.renaming.isEmpty
            ? RestatedEquations.compare(rearranged: matched.rearranged, altered: matched.altered, rewriteSpans: b.mathSpans,
                                        overlap: thresholds.alteredFormulaOverlap)
            : (changed: [], restated: [])
        checks.append(mathCheck(matched, equations: equations))
        checks.append(matched.exhausted
            ? InvariantCheck(name: "names", held: false, detail: "the formulas could not be compared, so neither could their names")
            : NameCheck.check(original: a, rewrite: b, matched: matched, allowRenaming: allowRenaming))
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

    /// The `math` check from the formula matcher's result, corrected by the math engine's reading of equations
    /// (`RestatedEquations`; not under a renaming, which the engine would not see through): rearranged equations
    /// restated as different ones fail, altered ones it finds restated pass.
    private func mathCheck(_ result: MathSpanMatcher.Result,
                           equations: (changed: [String], restated: [String])) -> InvariantCheck {
        let altered = result.altered.filter { !equations.restated.contains($0) }
        let changed = equations.changed
        if result.exhausted {
            return InvariantCheck(name: "math", held: false, detail: "too many or too long formulas to compare (over \(MathSpanMatcher.workBudget) token comparisons): not validated")
        }
        var parts = ["\(result.kept) of \(result.spans) formulas kept"]
        if !result.renaming.isEmpty { parts.append("renamed " + result.renaming.joined(separator: ", ")) }
        if !result.rearranged.isEmpty { parts.append("rearranged: " + Self.spans(result.rearranged)) }
        if !result.inWords.isEmpty { parts.append("said in words: " + Self.spans(result.inWords)) }
        if !equations.restated.isEmpty { parts.append("restated: " + Self.spans(equations.restated)) }
        if !altered.isEmpty { parts.append("changed: " + Self.spans(altered)) }
        if !changed.isEmpty { parts.append("restated as a different equation: " + Self.spans(changed)) }
        return InvariantCheck(name: "math", held: altered.isEmpty && changed.isEmpty, detail: parts.joined(separator: "; "))
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
