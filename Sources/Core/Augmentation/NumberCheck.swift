/// The `numbers` invariant: the multiset of numeric values is preserved.
///
/// Values written with digits are compared as a multiset, diagrams (`[asy]`) left out: `1,000` equals
/// `1000`, a changed, dropped or added value breaks it. Decided soft matches, each named in the detail:
/// - a number word on the other side makes up for a digit value ("two" for `2`, "squared" for `^2`,
///   "half" for the 2 of `\frac12`); only words one side has more of than the other count, so a changed
///   number is still caught unless the other side happens to gain a word for both the old and the new value;
/// - a missing `0` is made up by "positive", "negative", "nonzero" or "nonnegative" (`a>0` said in words);
/// - an added `0` where the rewrite states an equation as `... = 0` (`x^2+5x=6` as `x^2+5x-6=0`);
/// - a `0` or `1` the rewrite adds: nearly always structure ("numbered 1 through 6", "= 0", "at least 1"),
///   never a changed value, since a changed value also leaves one missing;
/// - a value the original repeats, mentioned fewer times ("the square of 723" for `(723)(723)`), or
/// - a value the original has, mentioned more often by the rewrite ("a step of 10: up by 10 each time");
///   (but a rewrite may not have both an excused missing value and an excused added one: that is what a
///   changed number looks like, so it fails);
/// - subscripts of variables (`x_1`) are indices, compared apart: they may vanish with the indexed
///   variables (`x_1, x_2` renamed `a, b`), not change;
/// - "inverse"/"reciprocal" for the `1` of `^{-1}`, "right angle" and "perpendicular" for `90`;
/// - a value the rewrite adds that stood in the original's diagram (a label the rewrite spelt out).
public enum NumberCheck {
    /// Words that state a comparison with zero.
    static let zeroWords = ["positive", "negative", "nonzero", "non-zero", "nonnegative", "non-negative", "zero"]

    /// The check for `rewrite` against `original`.
    public static func check(original: QuestionText, rewrite: QuestionText) -> InvariantCheck {
        let a = NumericValues(original.withoutDiagrams)
        let b = NumericValues(rewrite.withoutDiagrams)
        // Indices: kept, or gone with the indexed variables (x_1, x_2, x_3 renamed a, b, c); changed ones fail.
        var indexNote = ""
        if a.indices != b.indices {
            if b.indices.isEmpty {
                indexNote = "indexed variables renamed without indices"
            } else {
                var parts: [String] = []
                let lost = difference(a.indices, b.indices)
                let gained = difference(b.indices, a.indices)
                if !lost.isEmpty { parts.append("missing " + list(lost)) }
                if !gained.isEmpty { parts.append("added " + list(gained)) }
                return InvariantCheck(name: "numbers", held: false, detail: "subscripts changed: " + parts.joined(separator: "; "))
            }
        }
        if let changed = changedNumberWord(a, b) {
            return InvariantCheck(name: "numbers", held: false, detail: changed)
        }
        if a.digits == b.digits {
            return InvariantCheck(name: "numbers", held: true,
                                  detail: "all \(a.digitCount) values kept" + (indexNote.isEmpty ? "" : "; " + indexNote))
        }
        var missing = difference(a.digits, b.digits)
        var extra = difference(b.digits, a.digits)
        var wordsB = difference(b.words, a.words)
        var wordsA = difference(a.words, b.words)
        var notes: [String] = []
        if !indexNote.isEmpty { notes.append(indexNote) }
        var fewerMentions = false
        var excusedMissing = false
        var moreMentions = false
        for (value, count) in missing.sorted(by: { $0.key < $1.key }) {
            var left = count
            while left > 0, wordsB[value, default: 0] > 0 {
                wordsB[value, default: 0] -= 1
                left -= 1
                excusedMissing = true
                notes.append("\(value) in words")
            }
            if left > 0, value == "1", ["inverse", "reciprocal"].contains(where: { rewrite.prose.lowercased().contains($0) }) {
                left = 0
                excusedMissing = true
                notes.append("the -1 of an inverse said in words")
            }
            if left > 0, value == "0", zeroWords.contains(where: { rewrite.prose.lowercased().contains($0) }) {
                left -= 1
                excusedMissing = true
                notes.append("0 as a sign word")
            }
            if left > 0, b.digits[value, default: 0] > 0 {
                fewerMentions = true
                notes.append("\(value) mentioned \(left) time\(left == 1 ? "" : "s") fewer")
                left = 0
            }
            missing[value] = left > 0 ? left : nil
        }
        let rewriteMath = String(rewrite.mathSpans.joined().unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        let diagramValues = NumericValues(original.diagrams.joined(separator: " ")).digits
        for (value, count) in extra.sorted(by: { $0.key < $1.key }) {
            var left = count
            while left > 0, wordsA[value, default: 0] > 0 {
                wordsA[value, default: 0] -= 1
                left -= 1
                moreMentions = true
                notes.append("\(value) was in words")
            }
            if left > 0, value == "0", rewriteMath.contains("=0") {
                left -= 1
                moreMentions = true
                notes.append("0 from an equation set to zero")
            }
            if left > 0, diagramValues[value, default: 0] > 0 {
                left -= 1
                moreMentions = true
                notes.append("\(value) from the diagram")
            }
            if left > 0, a.digits[value, default: 0] > 0 {
                moreMentions = true
                notes.append("\(value) restated (×\(left) more than the original)")
                left = 0
            }
            if left > 0, value == "0" || value == "1" {
                moreMentions = true
                notes.append("\(value) added (×\(left)), read as structure: a range's start, an `= 0`, \"at least 1\"")
                left = 0
            }
            extra[value] = left > 0 ? left : nil
        }
        // One value mentioned less and another more is what a changed number looks like: not excused.
        if (fewerMentions || excusedMissing) && moreMentions {
            return InvariantCheck(name: "numbers", held: false,
                                  detail: "one value excused as missing and another as added (a changed number?): "
                                      + notes.joined(separator: ", "))
        }
        if missing.isEmpty && extra.isEmpty {
            return InvariantCheck(name: "numbers", held: true,
                                  detail: "all values kept, soft: " + notes.joined(separator: ", "))
        }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing " + list(missing)) }
        if !extra.isEmpty { parts.append("added " + list(extra)) }
        return InvariantCheck(name: "numbers", held: false, detail: parts.joined(separator: "; "))
    }

    /// Number words are values: "six" may become `6`, but "six" becoming "twelve" (or `12`) is a changed number. A
    /// cardinal word the original has more of, not made up by a digit value the rewrite gained, together with one
    /// the rewrite has more of, not made up by a digit value the original had more of, is what a changed number
    /// looks like; one alone is a word dropped or added ("one of the", "the two numbers") and passes.
    static func changedNumberWord(_ a: NumericValues, _ b: NumericValues) -> String? {
        var gone = difference(a.cardinals, b.cardinals)
        var new = difference(b.cardinals, a.cardinals)
        for (value, count) in difference(b.digits, a.digits) { gone[value] = max(0, gone[value, default: 0] - count) }
        for (value, count) in difference(a.digits, b.digits) { new[value] = max(0, new[value, default: 0] - count) }
        gone = gone.filter { $0.value > 0 }
        new = new.filter { $0.value > 0 }
        guard !gone.isEmpty, !new.isEmpty else { return nil }
        return "a number in words changed: \(list(gone)) in the original, \(list(new)) in the rewrite"
    }

    /// The multiset a - b.
    static func difference(_ a: [String: Int], _ b: [String: Int]) -> [String: Int] {
        var result: [String: Int] = [:]
        for (key, count) in a where count > b[key, default: 0] { result[key] = count - b[key, default: 0] }
        return result
    }

    static func list(_ values: [String: Int]) -> String {
        values.sorted { $0.key < $1.key }
            .map { $0.value > 1 ? "\($0.key) (×\($0.value))" : $0.key }
            .joined(separator: ", ")
    }
}
