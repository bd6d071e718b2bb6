/// Finds the last `\boxed{...}` of a text (or `\boxed 5`, or `\fbox{...}` when there is no `\boxed` at all):
/// the box rule of the Co-Reward reference, shared by answer extraction (Core's `AnswerExtractor`) and by
/// the prose fallback of `MathAnswer` (an answer that itself contains a box).
///
/// Follows verl's `last_boxed_only_string` + `remove_boxed`: the last `\boxed` wins; braces are counted raw
/// (`\{` counts too), and an unbalanced last box is no answer. Differences, on purpose: the reference lets
/// any `\boxed ` (with a space) anywhere win over a later `\boxed{}` and returns nothing for `\fbox{}`; here
/// the last box by position wins and `\fbox{}` yields its content.
public enum LastBox {
    /// Which form of box was found.
    public enum Kind: Sendable, Equatable {
        /// `\boxed{...}` with balanced braces.
        case boxed
        /// `\boxed 5`: the text after `\boxed` and white space, up to `$` or the end of the line.
        case boxedSpace
        /// `\fbox{...}` with balanced braces, used only when the text has no `\boxed`.
        case fbox
    }

    /// A box found in a text: byte offsets (UTF-8) of its content and of the whole box.
    public struct Match: Sendable, Equatable {
        public let kind: Kind
        /// The answer: inside the braces, or after `\boxed ` (trimmed).
        public let content: Range<Int>
        /// The whole matched expression, e.g. `\boxed{1/2}`; `upperBound` is exclusive.
        public let whole: Range<Int>
    }

    private static let boxed: [UInt8] = Array("\\boxed".utf8)
    private static let fbox: [UInt8] = Array("\\fbox".utf8)

    /// The last box of a text given as UTF-8 bytes, or nil when it has none.
    public static func find(in text: UnsafeBufferPointer<UInt8>) -> Match? {
        if let found = last(boxed, in: text, allowSpaceForm: true, kind: .boxed) { return found }
        // With a `\boxed` but no usable one the reference gives no answer.
        guard lastIndex(of: boxed, in: text, before: text.count) == nil else { return nil }
        return last(fbox, in: text, allowSpaceForm: false, kind: .fbox)
    }

    /// The content of the last box of a string, or nil when it has none.
    public static func content(of text: String) -> String? {
        var copy = text
        return copy.withUTF8 { bytes in
            find(in: bytes).map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0.content]), as: UTF8.self) }
        }
    }

    /// The last usable occurrence of `marker`. An occurrence followed by neither `{` nor white space
    /// (say `\boxedsymbol`) is not a box and the search goes on before it; an unbalanced `{` ends the search.
    private static func last(_ marker: [UInt8], in text: UnsafeBufferPointer<UInt8>, allowSpaceForm: Bool,
                             kind: Kind) -> Match? {
        var limit = text.count
        while let start = lastIndex(of: marker, in: text, before: limit) {
            let after = start + marker.count
            if after < text.count, text[after] == ASCII.openBrace {
                guard let close = matchingBrace(in: text, open: after) else { return nil }
                return Match(kind: kind, content: after + 1 ..< close, whole: start ..< close + 1)
            }
            if allowSpaceForm, after < text.count, isBlank(text[after]) {
                var from = after
                while from < text.count, isBlank(text[from]) { from += 1 }
                if from < text.count, text[from] == ASCII.openBrace {  // `\boxed {5}` is a braced box
                    guard let close = matchingBrace(in: text, open: from) else { return nil }
                    return Match(kind: kind, content: from + 1 ..< close, whole: start ..< close + 1)
                }
                var to = from
                while to < text.count, text[to] != ASCII.dollar, text[to] != ASCII.newline { to += 1 }
                var trimmed = to
                while trimmed > from, ASCII.isSpace(text[trimmed - 1]) { trimmed -= 1 }
                return Match(kind: .boxedSpace, content: from ..< trimmed, whole: start ..< trimmed)
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
            if byte == ASCII.openBrace {
                depth += 1
            } else if byte == ASCII.closeBrace {
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
        var i = before - n
        while i >= 0 {
            if text[i] == needle[0] {
                var j = 1
                while j < n, text[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i -= 1
        }
        return nil
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == ASCII.space || byte == ASCII.tab }
}
