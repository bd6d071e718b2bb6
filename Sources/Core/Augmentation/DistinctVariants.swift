/// Which variants of one question repeat an earlier one: the same text once runs of whitespace are one space
/// and the ends are trimmed. A repeat is dropped, never replaced or padded.
public enum DistinctVariants {
    /// `text` with each run of whitespace made one space, trimmed at both ends.
    public static func normalised(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// For each text, the index of the first earlier text that is the same after normalisation; nil for the
    /// first of its kind and for a missing text.
    public static func earlierDuplicates(_ texts: [String?]) -> [Int?] {
        var first: [String: Int] = [:]
        return texts.enumerated().map { index, text in
            guard let text else { return nil }
            let key = normalised(text)
            if let earlier = first[key] { return earlier }
            first[key] = index
            return nil
        }
    }
}
