/// The `diagram` invariant: an `[asy]` diagram the question refers to is not dropped.
///
/// A rewrite that keeps any diagram holds; one that drops a diagram the original's prose points at
/// ("shown", "diagram", "figure", ...) fails, since the question cannot be solved without it; one that
/// drops a diagram the prose never mentions holds, with a note (the picture only illustrated the text).
public enum DiagramCheck {
    /// Words by which a question points at its figure.
    static let referents = ["diagram", "figure", "shown", "pictured", "drawn", "picture", "illustrat", "below", "graph", "labeled", "labelled", "shaded"]

    /// The check for `rewrite` against `original`.
    public static func check(original: QuestionText, rewrite: QuestionText) -> InvariantCheck {
        let count = original.diagrams.count
        if count == 0 { return InvariantCheck(name: "diagram", held: true, detail: "no diagram") }
        if !rewrite.diagrams.isEmpty { return InvariantCheck(name: "diagram", held: true, detail: "diagram kept") }
        let prose = original.prose.lowercased()
        if let word = referents.first(where: { prose.contains($0) }) {
            return InvariantCheck(name: "diagram", held: false,
                                  detail: "the [asy] diagram was dropped but the original refers to it (\"\(word)\")")
        }
        return InvariantCheck(name: "diagram", held: true, detail: "diagram dropped; the original's text does not refer to it")
    }
}
