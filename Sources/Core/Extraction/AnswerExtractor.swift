import Equivalence

/// Finds the final answer of a rollout: the content of its last `\boxed{...}` (`LastBox`, the Co-Reward
/// reference's rule), in `lenient` mode with the fallbacks `The (final) answer is X`, `Answer: X`, `#### X`
/// when there is no box.
public enum AnswerExtractor {
    private static let newline = UInt8(ascii: "\n")

    /// The answer of a response given as UTF-8 bytes, or nil when it has none.
    public static func extract(_ text: UnsafeBufferPointer<UInt8>, mode: ExtractionMode = .strict) -> ExtractedAnswer? {
        if let box = LastBox.find(in: text) {
            return ExtractedAnswer(answer: string(text, box.content), method: ExtractionMethod(box.kind),
                                   byteRange: box.whole)
        }
        // With a `\boxed` but no usable one the reference gives no answer, and so does strict mode.
        guard mode == .lenient else { return nil }
        return answerPhrase(in: text) ?? labelled(in: text) ?? gsm8kAnswer(in: text)
    }

    /// The answer of a response given as a String.
    public static func extract(_ text: String, mode: ExtractionMode = .strict) -> ExtractedAnswer? {
        var copy = text
        return copy.withUTF8 { extract($0, mode: mode) }
    }

    private static let answerIs: [UInt8] = Array("answer is".utf8)
    private static let answerLabel: [UInt8] = Array("answer:".utf8)
    private static let hashes: [UInt8] = Array("####".utf8)

    /// `The answer is X` / `The final answer is X` (case-insensitive), the last one.
    private static func answerPhrase(in text: UnsafeBufferPointer<UInt8>) -> ExtractedAnswer? {
        var limit = text.count
        while let at = lastIndex(of: answerIs, in: text, before: limit, caseInsensitive: true) {
            limit = at
            let word = previousWord(in: text, before: at)
            guard word == "the" || word == "final" else { continue }
            if let found = restOfLine(in: text, from: at + answerIs.count, start: at, method: .answerIs) {
                return found
            }
        }
        return nil
    }

    /// `Answer: X` (case-insensitive, so `Final Answer: X` too), the last one with something after it.
    private static func labelled(in text: UnsafeBufferPointer<UInt8>) -> ExtractedAnswer? {
        var limit = text.count
        while let at = lastIndex(of: answerLabel, in: text, before: limit, caseInsensitive: true) {
            limit = at
            if let found = restOfLine(in: text, from: at + answerLabel.count, start: at, method: .answerLabel) {
                return found
            }
        }
        return nil
    }

    /// GSM8K's `#### X`, the last one.
    private static func gsm8kAnswer(in text: UnsafeBufferPointer<UInt8>) -> ExtractedAnswer? {
        guard let at = lastIndex(of: hashes, in: text, before: text.count) else { return nil }
        return restOfLine(in: text, from: at + hashes.count, start: at, method: .gsm8k)
    }

    /// The text from `from` to the end of its line or sentence (a period and a space), trimmed of white space, a leading `:`, a trailing
    /// period and one pair of math delimiters (`$...$`, `\(...\)`, `\[...\]`); nil when nothing is left.
    private static func restOfLine(in text: UnsafeBufferPointer<UInt8>, from: Int, start: Int,
                                   method: ExtractionMethod) -> ExtractedAnswer? {
        var lower = from
        var upper = from
        while upper < text.count, text[upper] != newline {
            if text[upper] == UInt8(ascii: "."), upper + 1 < text.count, isBlank(text[upper + 1]) { break }
            upper += 1
        }
        let lineEnd = upper
        func trim() {
            while lower < upper, isSpace(text[lower]) { lower += 1 }
            while upper > lower, isSpace(text[upper - 1]) { upper -= 1 }
        }
        trim()
        if lower < upper, text[lower] == UInt8(ascii: ":") { lower += 1 }
        trim()
        if upper > lower, text[upper - 1] == UInt8(ascii: ".") { upper -= 1 }
        trim()
        for (open, close) in [("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")] {
            let o = Array(open.utf8), c = Array(close.utf8)
            if upper - lower >= o.count + c.count, hasPrefix(text, at: lower, o), hasPrefix(text, at: upper - c.count, c) {
                lower += o.count
                upper -= c.count
                trim()
                if upper > lower, text[upper - 1] == UInt8(ascii: ".") { upper -= 1 }
                trim()
                break
            }
        }
        guard upper > lower else { return nil }
        return ExtractedAnswer(answer: string(text, lower ..< upper), method: method, byteRange: start ..< lineEnd)
    }

    /// The lower-cased ASCII word that ends (after spaces) just before `index`.
    private static func previousWord(in text: UnsafeBufferPointer<UInt8>, before index: Int) -> String {
        var end = index
        while end > 0, isSpace(text[end - 1]) { end -= 1 }
        var start = end
        while start > 0, isLetter(text[start - 1]) { start -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: text[start ..< end]).map { $0 | 0x20 }, as: UTF8.self)
    }

    private static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: [UInt8]) -> Bool {
        guard index >= 0, index + prefix.count <= text.count else { return false }
        for (offset, byte) in prefix.enumerated() where text[index + offset] != byte { return false }
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    /// Start of the last occurrence of `needle` that ends at or before `before`. With `caseInsensitive`,
    /// ASCII letters match either case (the needle must be lower case).
    private static func lastIndex(of needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, before: Int,
                                  caseInsensitive: Bool = false) -> Int? {
        let n = needle.count
        guard before >= n else { return nil }
        let fold: UInt8 = caseInsensitive ? 0x20 : 0
        let first = needle[0]
        var i = before - n
        while i >= 0 {
            if text[i] | (isLetter(text[i]) ? fold : 0) == first {
                var j = 1
                while j < n, text[i + j] | (isLetter(text[i + j]) ? fold : 0) == needle[j] { j += 1 }
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

extension ExtractionMethod {
    init(_ kind: LastBox.Kind) {
        switch kind {
        case .boxed: self = .boxed
        case .boxedSpace: self = .boxedSpace
        case .fbox: self = .fbox
        }
    }
}
