/// The `names` invariant: the rewrite calls the question's variables, functions and points what the original
/// calls them.
///
/// Co-Reward compares the answers to the two questions: when the answer is an expression (`f^{-1}(x) =
/// \frac{x-1}{2}`), a rewrite that renamed `f→g, x→w` makes every answer of one view differ from every answer of
/// the other, and the pair gives no reward for the whole run. So a renaming fails, with the names it changed,
/// unless the caller allows it (`allowRenaming`, for questions whose answer is known to be a number). Renamings are
/// found three ways: the formula matcher's one-to-one map of letters; letters that left every formula while new
/// ones came (`$x$` said `$w$`, in formulas too short to match); and the labels of a kept diagram (`A` labelled `P`).
public enum NameCheck {
    /// The check for `rewrite` against `original`, given the formula matcher's result.
    public static func check(original: QuestionText, rewrite: QuestionText, matched: MathSpanMatcher.Result,
                             allowRenaming: Bool) -> InvariantCheck {
        var found: [String] = []
        if !matched.renaming.isEmpty {
            found.append("renamed " + matched.renaming.joined(separator: ", "))
        }
        let before = letters(original.mathSpans)
        let after = letters(rewrite.mathSpans)
        // Letters the matcher already accounted for are not counted twice.
        let gone = before.subtracting(after).subtracting(matched.renamed.keys)
        let new = after.subtracting(before).subtracting(matched.renamed.values)
        if !gone.isEmpty && !new.isEmpty {
            found.append("\(gone.sorted().joined(separator: ", ")) left the formulas and \(new.sorted().joined(separator: ", ")) came in")
        }
        if !original.diagrams.isEmpty && !rewrite.diagrams.isEmpty {
            let labelsBefore = labels(original.diagrams)
            let labelsAfter = labels(rewrite.diagrams)
            if labelsBefore != labelsAfter {
                let lost = multisetDifference(labelsBefore, labelsAfter)
                let gained = multisetDifference(labelsAfter, labelsBefore)
                found.append("diagram labels " + lost.joined(separator: ", ") + " became " + gained.joined(separator: ", "))
            }
        }
        if found.isEmpty {
            return InvariantCheck(name: "names", held: true, detail: "no variable, function or point renamed")
        }
        let detail = found.joined(separator: "; ")
        if allowRenaming {
            return InvariantCheck(name: "names", held: true, detail: detail + " (allowed: the answer is a number)")
        }
        return InvariantCheck(name: "names", held: false,
                              detail: detail + ": an answer written in these names could never agree across the two "
                                  + "questions (allow renaming only when the answer is a number)")
    }

    /// The renamable symbols (single letters, Greek letters, defined operators) of the formulas.
    static func letters(_ spans: [String]) -> Set<String> {
        var result: Set<String> = []
        for span in spans {
            for case .variable(let name) in MathSpanMatcher.tokens(span) { result.insert(name) }
        }
        return result
    }

    /// The text of each `label("...")` in the diagrams, dollars stripped, in order of appearance, sorted.
    static func labels(_ diagrams: [String]) -> [String] {
        var result: [String] = []
        for diagram in diagrams {
            var rest = Substring(diagram)
            while let start = rest.firstRange(of: "label(\"") {
                rest = rest[start.upperBound...]
                guard let end = rest.firstIndex(of: "\"") else { break }
                let text = rest[..<end].filter { $0 != "$" }
                result.append(String(text))
                rest = rest[rest.index(after: end)...]
            }
        }
        return result.sorted()
    }

    /// The elements of `a` not matched one-for-one in `b`.
    static func multisetDifference(_ a: [String], _ b: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for item in b { counts[item, default: 0] += 1 }
        return a.filter { item in
            guard let count = counts[item], count > 0 else { return true }
            counts[item] = count - 1
            return false
        }
    }
}
