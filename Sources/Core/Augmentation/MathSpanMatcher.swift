/// Finds the original's math spans in a rewrite, up to one consistent renaming of variables.
///
/// A span is compared as tokens: LaTeX commands (`\dfrac` and `\tfrac` read as `\frac`; spacing,
/// `\left`, `\right`, `\displaystyle` and braces dropped; `\text{...}` dropped whole), numbers, symbols,
/// and single letters, which are variables. The paper's rewrites turn `f(x)` into `g(w)`: a span matches
/// where its letters map one-to-one onto the rewrite's, and that map must agree across all spans
/// (`x` cannot become `w` in one formula and `t` in the next). Spans with fewer than three tokens
/// (`$x$`, `$5$`, `$2n$`) are trivial: a rewrite may say them in words, and numbers are checked apart.
public struct MathSpanMatcher: Sendable {
    /// One token of a math span.
    public enum Token: Sendable, Hashable {
        /// A single letter: renamable.
        case variable(String)
        /// Anything else: a command, number or symbol, which must match exactly.
        case fixed(String)
    }

    /// The result for one pair of texts.
    public struct Result: Sendable, Equatable {
        /// Non-trivial spans in the original.
        public let spans: Int
        /// Spans found under the one consistent renaming.
        public let kept: Int
        /// Spans not found verbatim whose every token is still in the rewrite's math (terms reordered, split).
        public let rearranged: [String]
        /// Spans not found whose tokens are mostly in one rewrite span: kept as a formula, but changed.
        public let altered: [String]
        /// Spans whose tokens mostly left the rewrite's math: said in words, which only `numbers` can check.
        public let inWords: [String]
        /// The renaming used, `x→w`, sorted.
        public var renaming: [String] { renamed.map { "\($0.key)→\($0.value)" }.sorted() }
        /// The renaming used: each renamed symbol of the original and what the rewrite calls it.
        public let renamed: [String: String]
        /// True when the comparison stopped at `workBudget`: the texts hold too many or too long formulas to
        /// compare in bounded time, and the counts above are partial.
        public var exhausted = false
    }

    /// Token comparisons one `compare` may make (the span search is quadratic in the formulas' lengths): a
    /// MATH question costs well under 100,000; a text stuffed with formulas stops here instead of holding a
    /// request thread for seconds.
    public static let workBudget = 2_000_000

    /// The share of one rewrite span's tokens a missing span must have for it to count as altered.
    public let alteredOverlap: Double

    /// Creates a matcher.
    public init(alteredOverlap: Double = 0.6) {
        self.alteredOverlap = alteredOverlap
    }

    /// Compares the math of `original` with that of `rewrite`.
    public func compare(original: QuestionText, rewrite: QuestionText) -> Result {
        let originalSpans = original.mathSpans.map { ($0, MathSpanMatcher.tokens($0)) }
        let rewriteSpans = rewrite.mathSpans.map { MathSpanMatcher.tokens($0) }
        var forward: [String: String] = [:]
        var backward: [String: String] = [:]
        var kept = 0
        var spans = 0
        var missing: [(String, [Token])] = []
        var work = 0
        for (text, tokens) in originalSpans where tokens.count >= 3 {
            spans += 1
            var found = false
            search: for candidate in rewriteSpans where candidate.count >= tokens.count {
                work += (candidate.count - tokens.count + 1) * tokens.count
                guard work <= Self.workBudget else {
                    var partial = Result(spans: spans, kept: kept, rearranged: [], altered: [], inWords: [],
                                         renamed: [:])
                    partial.exhausted = true
                    return partial
                }
                for offset in 0...(candidate.count - tokens.count) {
                    if let (f, b) = MathSpanMatcher.match(tokens, candidate[offset..<(offset + tokens.count)],
                                                          forward: forward, backward: backward) {
                        forward = f
                        backward = b
                        found = true
                        break search
                    }
                }
            }
            if found { kept += 1 } else { missing.append((text, tokens)) }
        }
        let rewriteBags = rewriteSpans.map(MathSpanMatcher.bag)
        let unionBag = MathSpanMatcher.bag(rewriteSpans.flatMap { $0 })
        var rearranged: [String] = []
        var altered: [String] = []
        var inWords: [String] = []
        let unionSignificant = MathSpanMatcher.significant(unionBag)
        work = 0
        for (text, tokens) in missing {
            work += tokens.count * max(1, rewriteBags.count)
            guard work <= Self.workBudget else {
                var partial = Result(spans: spans, kept: kept, rearranged: rearranged, altered: altered,
                                     inWords: inWords, renamed: [:])
                partial.exhausted = true
                return partial
            }
            let bag = MathSpanMatcher.bag(tokens)
            if MathSpanMatcher.coverage(MathSpanMatcher.significant(bag), in: unionSignificant) >= 1 {
                rearranged.append(text)
            } else if rewriteBags.contains(where: {
                MathSpanMatcher.coverage(bag, in: $0) >= alteredOverlap && MathSpanMatcher.conflicts(bag, $0)
            }) {
                altered.append(text)
            } else {
                inWords.append(text)
            }
        }
        return Result(spans: spans, kept: kept, rearranged: rearranged, altered: altered, inWords: inWords,
                      renamed: forward.filter { $0.key != $0.value })
    }

    /// Tokens that carry no operation: grouping, punctuation, multiplication notation, dots; letters and
    /// numbers too (renaming is allowed and numbers are the `numbers` check's business).
    static let neutral: Set<String> = [
        "<var>", "(", ")", "[", "]", ".", ",", ";", ":", "?", "!", "~", "'", "\\cdot", "\\times", "*", "…",
        "\\\\", "\\mathbf", "\\mathit", "\\operatorname",
    ]

    /// `bag` without neutral tokens and numbers.
    static func significant(_ bag: [String: Int]) -> [String: Int] {
        bag.filter { !neutral.contains($0.key) && !$0.key.hasPrefix("#") }
    }

    /// Operators that replace one another when a formula is changed rather than restated.
    static let rivals: [Set<String>] = [
        ["=", "<", ">", "\\leq", "\\geq", "\\neq", "\\approx"],
        ["+", "-", "\\pm", "\\mp"],
        ["\\sin", "\\cos", "\\tan", "\\cot", "\\sec", "\\csc", "\\log", "\\ln", "\\exp"],
        ["\\lfloor", "\\lceil", "\\rfloor", "\\rceil"],
        ["\\sum", "\\prod"], ["\\cup", "\\cap", "\\setminus"], ["\\max", "\\min"],
    ]

    /// True when the rewrite's formula lacks an operator of the original's and has a rival one instead
    /// (`<` for `>`, `-` for `+`, `\cos` for `\sin`): a changed formula, not a restated one.
    static func conflicts(_ original: [String: Int], _ rewrite: [String: Int]) -> Bool {
        let lacking = Set(original.filter { $0.value > rewrite[$0.key, default: 0] }.keys)
        let added = Set(rewrite.filter { $0.value > original[$0.key, default: 0] }.keys)
        return rivals.contains { !$0.isDisjoint(with: lacking) && !$0.isDisjoint(with: added) }
    }

    /// Commands read as renamable symbols: Greek letters and the operators problems define themselves.
    static let renamable: Set<String> = [
        "\\alpha", "\\beta", "\\gamma", "\\delta", "\\epsilon", "\\varepsilon", "\\zeta", "\\eta",
        "\\theta", "\\vartheta", "\\kappa", "\\lambda", "\\mu", "\\nu", "\\xi", "\\rho", "\\sigma",
        "\\tau", "\\phi", "\\varphi", "\\chi", "\\psi", "\\omega", "\\Gamma", "\\Delta", "\\Theta",
        "\\Lambda", "\\Sigma", "\\Phi", "\\Psi", "\\Omega", "@", "\\star", "\\#", "#", "\\diamond",
        "\\circ", "\\ast", "\\odot", "\\oplus", "\\otimes", "\\nabla", "\\spadesuit", "\\clubsuit",
        "\\heartsuit", "\\diamondsuit", "\\dagger", "\\bowtie", "\\S", "\\$",
        "\\boxtimes", "\\Diamond", "\\square", "\\blacklozenge", "\\bullet", "\\triangledown",
    ]

    /// The share of `bag`'s tokens that `other` also has.
    static func coverage(_ bag: [String: Int], in other: [String: Int]) -> Double {
        let total = bag.values.reduce(0, +)
        guard total > 0 else { return 1 }
        let common = bag.reduce(0) { $0 + min($1.value, other[$1.key, default: 0]) }
        return Double(common) / Double(total)
    }

    /// Extends the renaming so that `pattern` reads as `window`, or nil where it cannot.
    static func match(_ pattern: [Token], _ window: ArraySlice<Token>, forward: [String: String],
                      backward: [String: String]) -> ([String: String], [String: String])? {
        var forward = forward
        var backward = backward
        for (a, b) in zip(pattern, window) {
            switch (a, b) {
            case let (.fixed(x), .fixed(y)):
                if x != y { return nil }
            case let (.variable(x), .variable(y)):
                if let mapped = forward[x] {
                    if mapped != y { return nil }
                } else if let mapped = backward[y] {
                    if mapped != x { return nil }
                } else {
                    forward[x] = y
                    backward[y] = x
                }
            default:
                return nil
            }
        }
        return (forward, backward)
    }

    static func bag(_ tokens: [Token]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for token in tokens {
            switch token {
            case .variable: counts["<var>", default: 0] += 1
            case .fixed(let value): counts[value, default: 0] += 1
            }
        }
        return counts
    }

    /// Commands that only space or size things.
    static let ignored: Set<String> = [
        "\\left", "\\right", "\\displaystyle", "\\,", "\\;", "\\!", "\\:", "\\quad", "\\qquad", "\\ ",
        "\\big", "\\Big", "\\bigg", "\\Bigg", "\\limits", "\\nolimits",
        // Decorations a rewrite may say in words ("triangle $ABC$", "segment $AB$").
        "\\triangle", "\\overline", "\\angle", "\\measuredangle", "\\overarc", "\\widehat",
    ]
    /// Commands whose braced argument is words, not mathematics.
    static let textCommands: Set<String> = ["\\text", "\\textbf", "\\textit", "\\mbox", "\\mathrm", "\\textrm", "\\hbox",
                                                "\\emph", "\\textsf", "\\texttt"]
    /// Spellings of one command.
    static let synonyms: [String: String] = ["\\dfrac": "\\frac", "\\tfrac": "\\frac", "\\le": "\\leq", "\\ge": "\\geq",
                                             "\\ne": "\\neq", "\\lt": "<", "\\gt": ">",
                                             "\\dots": "…", "\\ldots": "…", "\\cdots": "…", "\\dotsb": "…",
                                             "\\dotsm": "…", "\\dotsc": "…", "\\leqslant": "\\leq",
                                             "\\geqslant": "\\geq", "\\times": "\\cdot"]

    /// The tokens of one span, delimiters stripped.
    public static func tokens(_ span: String) -> [Token] {
        let s = Array(span.unicodeScalars)
        var i = 0
        var end = s.count
        // Strip the delimiters: $$, $, \[ \], \( \); environments keep their \begin/\end tokens.
        if span.hasPrefix("$$") && span.hasSuffix("$$") && s.count >= 4 { i = 2; end = s.count - 2 }
        else if span.hasPrefix("$") && span.hasSuffix("$") && s.count >= 2 { i = 1; end = s.count - 1 }
        else if (span.hasPrefix("\\[") || span.hasPrefix("\\(")) && s.count >= 4 { i = 2; end = s.count - 2 }
        var tokens: [Token] = []
        func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        while i < end {
            let c = s[i]
            if c == " " || c == "\n" || c == "\t" || c == "{" || c == "}" || c == "&" { i += 1; continue }
            if c == "\\" {
                var j = i + 1
                if j < end, isLetter(s[j]) {
                    while j < end, isLetter(s[j]) { j += 1 }
                } else {
                    j = min(j + 1, end)
                }
                let raw = String(String.UnicodeScalarView(s[i..<j]))
                let name = synonyms[raw] ?? raw
                i = j
                if textCommands.contains(name) {
                    // Skip the braced argument.
                    while i < end, s[i] == " " { i += 1 }
                    if i < end, s[i] == "{" {
                        var depth = 0
                        while i < end {
                            if s[i] == "{" { depth += 1 }
                            if s[i] == "}" { depth -= 1; if depth == 0 { i += 1; break } }
                            i += 1
                        }
                    }
                    continue
                }
                if ignored.contains(name) { continue }
                tokens.append(renamable.contains(name) ? .variable(name) : .fixed(name))
                continue
            }
            if isDigit(c) || (c == "." && i + 1 < end && isDigit(s[i + 1])) {
                var j = i
                while j < end, isDigit(s[j]) || s[j] == "." || (s[j] == "," && j + 3 < end + 1 && j + 1 < end && isDigit(s[j + 1])) {
                    j += 1
                }
                let digits = String(String.UnicodeScalarView(s[i..<j]))
                tokens.append(.fixed("#" + NumericValues(digits).digits.keys.sorted().joined(separator: ",")))
                i = j
                continue
            }
            if isLetter(c) || renamable.contains(String(c)) {
                tokens.append(.variable(String(c)))
            } else {
                tokens.append(.fixed(String(c)))
            }
            i += 1
        }
        // Sentence punctuation written inside the dollars ("$(9,4).$") is not part of the formula.
        while let last = tokens.last, last == .fixed(".") || last == .fixed(",") || last == .fixed("?")
            || last == .fixed(";") || last == .fixed("~") {
            tokens.removeLast()
        }
        return tokens
    }
}
