/// Finds the final answer of a rollout: the content of its last `\boxed{...}`.
///
/// Follows the Co-Reward reference (`last_boxed_only_string` + `remove_boxed` from verl's math utils):
/// the last `\boxed` wins; `\fbox` is looked at only when there is no `\boxed`; braces are counted
/// raw (`\{` counts too), and an unbalanced last box is no answer. Differences, on purpose: the
/// reference lets any `\boxed ` (with a space) anywhere win over a later `\boxed{}` and returns nothing
/// for `\fbox{}`; here the last box by position wins and `\fbox{}` yields its content.
public enum AnswerExtractor {
    private static let boxed: [UInt8] = Array("\\boxed".utf8)
    private static let fbox: [UInt8] = Array("\\fbox".utf8)
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let dollar = UInt8(ascii: "$")
    private static let newline = UInt8(ascii: "\n")

    /// The answer of a response given as UTF-8 bytes, or nil when it has none.
    public static func extract(_ text: UnsafeBufferPointer<UInt8>, mode: ExtractionMode = .strict) -> ExtractedAnswer? {
        if let found = lastBox(in: text, marker: boxed, allowSpaceForm: true, method: .boxed) {
            return found
        }
        if lastIndex(of: boxed, in: text, before: text.count) != nil {
            return nil  // there is a `\boxed`, but no usable one: the reference gives no answer either
        }
        return lastBox(in: text, marker: fbox, allowSpaceForm: false, method: .fbox)
    }

    /// The answer of a response given as a String.
    public static func extract(_ text: String, mode: ExtractionMode = .strict) -> ExtractedAnswer? {
        var copy = text
        return copy.withUTF8 { extract($0, mode: mode) }
    }

    /// The last usable occurrence of `marker`. An occurrence followed by neither `{` nor white space
    /// (say `\boxedsymbol`) is not a box and the search goes on before it; an unbalanced `{` ends the search.
    private static func lastBox(in text: UnsafeBufferPointer<UInt8>, marker: [UInt8], allowSpaceForm: Bool,
                                method: ExtractionMethod) -> ExtractedAnswer? {
        var limit = text.count
        while let start = lastIndex(of: marker, in: text, before: limit) {
            let after = start + marker.count
            if after < text.count, text[after] == openBrace {
                guard let close = matchingBrace(in: text, open: after) else { return nil }
                return ExtractedAnswer(answer: string(text, after + 1 ..< close), method: method,
                                       byteRange: start ..< close + 1)
            }
            if allowSpaceForm, after < text.count, isBlank(text[after]) {
                var from = after
                while from < text.count, isBlank(text[from]) { from += 1 }
                if from < text.count, text[from] == openBrace {  // `\boxed {5}` is a braced box
                    guard let close = matchingBrace(in: text, open: from) else { return nil }
                    return ExtractedAnswer(answer: string(text, from + 1 ..< close), method: method,
                                           byteRange: start ..< close + 1)
                }
                var to = from
                while to < text.count, text[to] != dollar, text[to] != newline { to += 1 }
                var trimmed = to
                while trimmed > from, isSpace(text[trimmed - 1]) { trimmed -= 1 }
                return ExtractedAnswer(answer: string(text, from ..< trimmed), method: .boxedSpace,
                                       byteRange: start ..< trimmed)
            }
            limit = start
        }
        return nil
    }

    /// Index of the `}` closing the `{` at `open`, counting every brace byte.
    private static func matchingBrace(in text: UnsafeBufferPointer<UInt8>, open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < text.count {
            let byte = text[i]
            if byte == openBrace {
                depth += 1
            } else if byte == closeBrace {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    /// Start of the last occurrence of `needle` that ends at or before `before`.
    private static func lastIndex(of needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, before: Int) -> Int? {
        let n = needle.count
        guard before >= n else { return nil }
        let first = needle[0]
        var i = before - n
        while i >= 0 {
            if text[i] == first {
                var j = 1
                while j < n, text[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i -= 1
        }
        return nil
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func string(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
    }
}
