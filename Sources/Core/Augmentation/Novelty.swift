/// How much a rewrite changed the wording: 1 - |A ∩ B| / |A ∪ B| over the two texts' sets of tokens.
///
/// Tokens are lower-case words of the prose and each math span whole (whitespace removed), so a copy
/// scores 0, a rewrite sharing no word scores 1, and renaming the variables of a formula counts as change.
/// Sets, not multisets: repeating a word is no rewording.
public enum Novelty {
    /// The novelty of `rewrite` against `original`, in [0, 1].
    public static func score(original: QuestionText, rewrite: QuestionText) -> Double {
        let a = tokens(original)
        let b = tokens(rewrite)
        let union = a.union(b).count
        guard union > 0 else { return 0 }
        return 1 - Double(a.intersection(b).count) / Double(union)
    }

    /// The token set of a text.
    public static func tokens(_ text: QuestionText) -> Set<String> {
        var result = Set<String>()
        for segment in text.segments {
            switch segment.kind {
            case .prose:
                var word = ""
                for scalar in segment.text.lowercased().unicodeScalars {
                    if scalar.properties.isAlphabetic || (scalar >= "0" && scalar <= "9") {
                        word.unicodeScalars.append(scalar)
                    } else if !word.isEmpty {
                        result.insert(word)
                        word = ""
                    }
                }
                if !word.isEmpty { result.insert(word) }
            case .math, .diagram:
                result.insert(String(segment.text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)))
            }
        }
        return result
    }
}
