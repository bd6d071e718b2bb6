/// The `diagram` invariant: an `[asy]` diagram comes through with the same drawing.
///
/// A rewrite that drops a diagram the original's prose points at ("shown", "diagram", "figure", ...) fails, since the
/// question cannot be solved without it; one that drops a diagram the prose never mentions holds, with a note (the
/// picture only illustrated the text). A kept diagram is compared as code: the same code up to spacing holds; code
/// that differs must keep every number (coordinates, lengths, angles), since a changed `(15,0)` is a changed
/// problem that the prose never shows. (Its labels are the `names` check's business.)
public enum DiagramCheck {
    /// Words by which a question points at its figure.
    static let referents = ["diagram", "figure", "shown", "pictured", "drawn", "picture", "illustrat", "below", "graph", "labeled", "labelled", "shaded"]

    /// The check for `rewrite` against `original`.
    public static func check(original: QuestionText, rewrite: QuestionText) -> InvariantCheck {
        let count = original.diagrams.count
        if count == 0 { return InvariantCheck(name: "diagram", held: true, detail: "no diagram") }
        if !rewrite.diagrams.isEmpty {
            let before = original.diagrams.map(withoutSpacing)
            let after = rewrite.diagrams.map(withoutSpacing)
            if before == after { return InvariantCheck(name: "diagram", held: true, detail: "diagram kept") }
            let numbersBefore = NumericValues(original.diagrams.joined(separator: " ")).digits
            let numbersAfter = NumericValues(rewrite.diagrams.joined(separator: " ")).digits
            if numbersBefore == numbersAfter {
                return InvariantCheck(name: "diagram", held: true, detail: "diagram kept, its code rewritten with the same numbers")
            }
            var parts: [String] = []
            let missing = NumberCheck.difference(numbersBefore, numbersAfter)
            let added = NumberCheck.difference(numbersAfter, numbersBefore)
            if !missing.isEmpty { parts.append("missing " + NumberCheck.list(missing)) }
            if !added.isEmpty { parts.append("added " + NumberCheck.list(added)) }
            return InvariantCheck(name: "diagram", held: false, detail: "the diagram's numbers changed: " + parts.joined(separator: "; "))
        }
        let prose = original.prose.lowercased()
        if let word = referents.first(where: { prose.contains($0) }) {
            return InvariantCheck(name: "diagram", held: false,
                                  detail: "the [asy] diagram was dropped but the original refers to it (\"\(word)\")")
        }
        return InvariantCheck(name: "diagram", held: true, detail: "diagram dropped; the original's text does not refer to it")
    }

    /// The code without whitespace.
    static func withoutSpacing(_ code: String) -> String {
        String(code.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }
}
