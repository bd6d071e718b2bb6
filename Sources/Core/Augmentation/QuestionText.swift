/// A question split into prose, math and diagram segments, in order.
///
/// Math is `$$...$$`, `$...$`, `\[...\]`, `\(...\)` and `\begin{env}...\end{env}`; a diagram is
/// `[asy]...[/asy]` (Asymptote code in MATH problems). An unclosed delimiter leaves the rest as prose.
public struct QuestionText: Sendable, Equatable {
    /// What a segment holds.
    public enum Kind: Sendable, Equatable {
        /// Words around the mathematics.
        case prose
        /// A math span, delimiters included.
        case math
        /// An `[asy]` diagram, tags included.
        case diagram
    }

    /// One run of text of one kind.
    public struct Segment: Sendable, Equatable {
        /// Prose, math or diagram.
        public let kind: Kind
        /// The text, delimiters included for math and diagrams.
        public let text: String
    }

    /// The segments, in order; their texts concatenate to the original string.
    public let segments: [Segment]

    /// Splits `text` into segments.
    public init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var segments: [Segment] = []
        var prose: [Unicode.Scalar] = []
        var index = 0
        func flushProse() {
            if !prose.isEmpty {
                segments.append(Segment(kind: .prose, text: String(String.UnicodeScalarView(prose))))
                prose.removeAll()
            }
        }
        while index < scalars.count {
            if let (end, kind) = QuestionText.spanEnd(scalars, from: index) {
                flushProse()
                segments.append(Segment(kind: kind, text: String(String.UnicodeScalarView(scalars[index..<end]))))
                index = end
            } else {
                prose.append(scalars[index])
                index += 1
            }
        }
        flushProse()
        self.segments = segments
    }

    /// The prose segments joined by spaces.
    public var prose: String { segments.filter { $0.kind == .prose }.map(\.text).joined(separator: " ") }

    /// The math segments, delimiters included.
    public var mathSpans: [String] { segments.filter { $0.kind == .math }.map(\.text) }

    /// The diagram segments.
    public var diagrams: [String] { segments.filter { $0.kind == .diagram }.map(\.text) }

    /// Everything but the diagrams.
    public var withoutDiagrams: String { segments.filter { $0.kind != .diagram }.map(\.text).joined() }

    /// The end (exclusive) and kind of a math or diagram span opening at `start`, if one does and is closed.
    static func spanEnd(_ s: [Unicode.Scalar], from start: Int) -> (Int, Kind)? {
        func matches(_ literal: String, at position: Int) -> Bool {
            var offset = position
            for scalar in literal.unicodeScalars {
                guard offset < s.count, s[offset] == scalar else { return false }
                offset += 1
            }
            return true
        }
        // The first `literal` at or after `position`; a backslash escapes the next scalar (`\$` is no delimiter).
        func find(_ literal: String, from position: Int) -> Int? {
            var offset = position
            while offset < s.count {
                if matches(literal, at: offset) { return offset }
                offset += s[offset] == "\\" ? 2 : 1
            }
            return nil
        }
        let c = s[start]
        if c == "[" && matches("[asy]", at: start) {
            if let close = find("[/asy]", from: start + 5) { return (close + 6, .diagram) }
            return nil
        }
        if c == "$" {
            if start > 0 && s[start - 1] == "\\" { return nil }
            if matches("$$", at: start) {
                if let close = find("$$", from: start + 2) { return (close + 2, .math) }
                return nil
            }
            if let close = find("$", from: start + 1) { return (close + 1, .math) }
            return nil
        }
        guard c == "\\" else { return nil }
        if matches("\\[", at: start), let close = find("\\]", from: start + 2) { return (close + 2, .math) }
        if matches("\\(", at: start), let close = find("\\)", from: start + 2) { return (close + 2, .math) }
        if matches("\\begin{", at: start) {
            var nameEnd = start + 7
            while nameEnd < s.count, s[nameEnd] != "}" { nameEnd += 1 }
            guard nameEnd < s.count else { return nil }
            let name = String(String.UnicodeScalarView(s[(start + 7)..<nameEnd]))
            if let close = find("\\end{" + name + "}", from: nameEnd + 1) {
                return (close + 6 + name.unicodeScalars.count, .math)
            }
        }
        return nil
    }
}
