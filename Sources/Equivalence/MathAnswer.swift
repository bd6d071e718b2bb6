/// A parsed, normalised answer, built once per answer and compared many times.
public struct MathAnswer: Sendable {
    /// The original text.
    public let text: String
    /// The semantic shape used for comparison.
    let form: Form
    private let key: String?

    /// Answers longer than this (in UTF-8 bytes) are only equivalent to identical text.
    public static let maxLength = EquivalenceLimits.answerBytes

    /// When non-nil, two answers with equal keys are equivalent, and (best effort) answers with different non-nil keys are not: lets a vote bucket answers in O(n) instead of comparing every pair.
    public var canonicalKey: String? { key }

    /// Parses an answer; never throws, never crashes, bounded time on any input.
    public init(_ text: String) {
        self.text = text
        let f = MathAnswer.analyse(text)
        form = f
        key = f.key
    }

    /// True when the answer could be read as mathematics or text (not just kept as raw characters).
    public var isParsed: Bool {
        if case .raw = form { return false }
        return true
    }

    static func analyse(_ text: String) -> Form {
        if text.utf8.count > maxLength { return .raw("\u{1}too long") }
        let pre = preclean(Array(text.utf8))
        if let r = parse(pre), !r.prose { return r.form }
        if let cand = ProseExtraction.candidate(text), cand != text, cand.utf8.count <= maxLength,
           let r = parse(preclean(Array(cand.utf8))), r.acceptableCandidate {
            return r.form
        }
        if let r = parse(pre), !r.failed { return r.form }
        return .raw(compact(pre))
    }

    struct Parsed {
        let form: Form
        let prose: Bool
        let failed: Bool
        /// Good enough as an answer found inside prose: parsed, no words before the mathematics, no text.
        var acceptableCandidate = false
    }

    static func parse(_ bytes: [UInt8]) -> Parsed? {
        // Refuse deep nesting up front.
        var depth = 0
        var maxDepth = 0
        for c in bytes {
            if c == ASCII.openParen || c == ASCII.openBracket || c == ASCII.openBrace {
                depth += 1
                maxDepth = max(maxDepth, depth)
            } else if c == ASCII.closeParen || c == ASCII.closeBracket || c == ASCII.closeBrace {
                depth -= 1
            }
        }
        if maxDepth > EquivalenceLimits.bracketNesting { return nil }
        let (lexed, nonASCII) = Lexer.lex(bytes)
        if lexed.count > EquivalenceLimits.tokens { return nil }
        if lexed.isEmpty { return Parsed(form: .raw(""), prose: false, failed: false) }
        var tokens = NumberWords.rewrite(lexed)
        if tokens.contains(Lexer.degree) && !tokens.contains(where: Parser.isTrigonometric) {
            tokens.removeAll { $0 == Lexer.degree }
        }
        if let time = ClockTime.read(tokens) {
            let ratio = time.bare.map { FormBuilder.build(.ratio([.num(Rational($0.hours)), .num(Rational($0.minutes))])) }
            return Parsed(form: .time(seconds: time.seconds, ratio: ratio), prose: false, failed: false, acceptableCandidate: true)
        }
        var p = Parser(tokens)
        let node = p.parseAnswer()
        // Every later pass recurses over the tree: refuse deep or huge trees outright.
        if node.exceeds(depth: EquivalenceLimits.treeDepth, nodes: EquivalenceLimits.treeNodes) { return nil }
        let hasDigit = bytes.contains(where: ASCII.isDigit)
        let prose = p.failed || p.leadingWords || p.textWords >= 4 || (nonASCII && p.textWords + p.droppedWords > 0) || p.droppedWords >= 3 || (p.textWords > 0 && hasDigit)
        if p.failed { return Parsed(form: .raw(compact(bytes)), prose: prose, failed: true) }
        let form = FormBuilder.build(node)
        var isText = false
        if case .text = form { isText = true }
        var r = Parsed(form: form, prose: prose, failed: false)
        r.acceptableCandidate = !p.leadingWords && p.textWords == 0 && !isText
        return r
    }

    /// Whitespace-free text, the last resort for comparison.
    static func compact(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.filter { !ASCII.isSpace($0) && $0 != ASCII.dollar }, as: UTF8.self)
    }

    /// Trims, drops a trailing period, and reads a lone European decimal comma (1,5 → 1.5).
    static func preclean(_ input: [UInt8]) -> [UInt8] {
        var b = input
        while let l = b.last, ASCII.isSpace(l) || l == ASCII.period { b.removeLast() }
        while let f = b.first, ASCII.isSpace(f) { b.removeFirst() }
        // Decimal comma: whole answer is digits,digits (int part 0, or 2+ fraction digits other than 3).
        var k = 0
        if k < b.count && b[k] == ASCII.minus { k += 1 }
        let intStart = k
        while k < b.count && ASCII.isDigit(b[k]) { k += 1 }
        let intLen = k - intStart
        if intLen > 0 && k < b.count && b[k] == ASCII.comma {
            let comma = k
            k += 1
            let fracStart = k
            while k < b.count && ASCII.isDigit(b[k]) { k += 1 }
            let fracLen = k - fracStart
            if k == b.count && fracLen > 0 {
                let intIsZero = intLen == 1 && b[intStart] == UInt8(ascii: "0")
                if intIsZero || (fracLen >= 2 && fracLen != 3) { b[comma] = ASCII.period }
            }
        }
        return b
    }
}
