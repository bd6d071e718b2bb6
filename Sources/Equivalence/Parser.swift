/// Recursive-descent parser from tokens to a Node tree, with bounded depth and guaranteed progress (internal).
struct Parser {
    private var t: [Token]
    private var p = 0
    private var depth = 0
    private var absDepth = 0
    /// Above zero while a trigonometric function's argument is parsed (degree signs there become radians).
    private var trigDepth = 0
    /// Above zero while an exponent is parsed (`x^2 1/2` is not x to a mixed number).
    private var exponentDepth = 0
    private var steps = 0
    /// Set when the input could not be parsed cleanly.
    private(set) var failed = false
    /// Set when words precede mathematics inside one item (prose rather than an answer).
    private(set) var leadingWords = false
    /// Number of words dropped as units or noise.
    private(set) var droppedWords = 0
    /// Number of word tokens that formed text nodes.
    private(set) var textWords = 0

    init(_ tokens: [Token]) { t = tokens }

    private var cur: Token? { p < t.count ? t[p] : nil }

    private static let functionNames: Set<String> = [
        "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "arccot", "arcsec", "arccsc", "sinh",
        "cosh", "tanh", "ln", "log", "lg", "exp", "sqrt", "abs", "floor", "ceil", "max", "min", "gcd", "lcm", "det",
    ]
    private static let userFunctionLetters: Set<String> = ["f", "g", "h", "F", "G", "H", "P", "Q", "W"]

    /// The functions whose argument is an angle.
    private static let trigonometric: Set<String> = ["sin", "cos", "tan", "sec", "csc", "cot"]

    /// True for a token naming a trigonometric function (`\sin`, `cos`, `tan` glued to its argument as `tanx`).
    static func isTrigonometric(_ tok: Token) -> Bool {
        switch tok {
        case .command(let c): return trigonometric.contains(c)
        case .ident(let s): return trigonometric.contains(where: { s.hasPrefix($0) })
        default: return false
        }
    }

    static func isSeparatorWord(_ s: String) -> Bool { s == "and" || s == "or" || s == "und" || s == "et" }

    /// Two-letter unit symbols written as plain letters after a value (`5 cm`): dropped like unit words, where
    /// any other pair of letters is a product of variables (`2xy`).
    private static let unitSymbols: Set<String> = [
        "cm", "mm", "km", "dm", "kg", "mg", "ml", "mL", "cl", "dl", "ft", "yd", "hr", "lb", "oz",
    ]

    /// True for a plain-letter unit symbol from `unitSymbols`.
    private func isUnitSymbol(_ tok: Token?) -> Bool {
        if case .ident(let s)? = tok, s.utf8.count == 2 { return Parser.unitSymbols.contains(s) }
        return false
    }

    private func isWordToken(_ tok: Token?) -> Bool {
        guard let tok else { return false }
        switch tok {
        case .word(let s): return !Parser.isSeparatorWord(s)
        case .ident(let s):
            if s.count < 3 { return false }
            if Parser.isSeparatorWord(s) { return false }
            if Parser.functionNames.contains(s) || s == "pi" || s == "inf" || s == "infty" || s == "infinity" { return false }
            for f in Parser.functionNames where s.hasPrefix(f) && s.count - f.count <= 2 && f.count >= 2 { return false }
            if s.hasPrefix("pi") && s.count <= 4 { return false }
            return true
        default: return false
        }
    }

    private func isSeparator(_ tok: Token?) -> (isSep: Bool, comma: Bool) {
        guard let tok else { return (false, false) }
        switch tok {
        case .symbol(ASCII.comma): return (true, true)
        case .symbol(ASCII.semicolon): return (true, false)
        case .word(let s), .ident(let s): return (Parser.isSeparatorWord(s), false)
        case .command(let c): return (c == "quad" || c == "qquad", false)
        default: return (false, false)
        }
    }

    private func isCloser(_ tok: Token?) -> Bool {
        guard let tok else { return true }
        switch tok {
        case .symbol(ASCII.closeParen), .symbol(ASCII.closeBracket), .symbol(ASCII.closeBrace), .symbol(ASCII.ampersand):
            return true
        case .symbol(ASCII.bar): return absDepth > 0
        case .command(let c): return c == "}" || c == "\\" || c == "end" || c == "rfloor" || c == "rceil" || c == "choose"
        default: return false
        }
    }

    private mutating func enter() -> Bool {
        depth += 1
        steps += 1
        if depth > EquivalenceLimits.parserDepth || steps > EquivalenceLimits.parserSteps {
            failed = true
            return false
        }
        return true
    }

    /// Parses the whole token stream.
    mutating func parseAnswer() -> Node {
        // Trailing punctuation.
        while let last = t.last, last == .symbol(ASCII.period) || last == .symbol(ASCII.comma) || last == .symbol(ASCII.semicolon)
            || last == .command("\\") {
            t.removeLast()
        }
        let n = parseList()
        if p < t.count { failed = true }
        return n
    }

    /// A list of items separated by commas / semicolons / "and" / \quad; stops at a closer.
    private mutating func parseList() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        var groups: [[Node]] = [[]]
        var sawStrong = false
        var sawAny = false
        while true {
            // Separators.
            var sepComma = false
            var sepStrong = false
            while case let s = isSeparator(cur), s.isSep {
                if s.comma { sepComma = true } else { sepStrong = true }
                p += 1
            }
            if sepComma || sepStrong {
                sawAny = true
                if sepStrong && !sepComma {
                    if !(groups.last?.isEmpty ?? true) { groups.append([]); sawStrong = true }
                }
            }
            if isCloser(cur) { break }
            let before = p
            let item = parseItem()
            groups[groups.count - 1].append(item)
            if p == before {
                // No progress: skip the offending token.
                failed = true
                p += 1
            }
            if !isSeparator(cur).isSep && !isCloser(cur) {
                // Two items side by side without a separator.
                failed = true
            }
            if p >= t.count { break }
        }
        groups = groups.filter { !$0.isEmpty }
        if groups.isEmpty { return sawAny ? .set([]) : .opaque("") }
        var items: [Node] = []
        if sawStrong, let c0 = groups.first?.count, c0 >= 2, groups.allSatisfy({ $0.count == c0 }) {
            for g in groups { items.append(g.count == 1 ? g[0] : .tuple(g, open: ASCII.openParen, close: ASCII.closeParen)) }
        } else {
            items = groups.flatMap { $0 }
        }
        if items.count == 1 && !sawAny { return items[0] }
        if items.count == 1 { return items[0] }
        return .set(items)
    }

    private func relationOp(_ tok: Token?) -> String? {
        guard let tok else { return nil }
        switch tok {
        case .relation(let r): return r
        case .symbol(ASCII.equals): return "="
        case .symbol(ASCII.less): return "<"
        case .symbol(ASCII.greater): return ">"
        default: return nil
        }
    }

    private mutating func parseItem() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        var sides = [parseUnion()]
        var ops: [String] = []
        while let op = relationOp(cur) {
            p += 1
            ops.append(op)
            if isCloser(cur) || isSeparator(cur).isSep {
                sides.append(.opaque(""))
                break
            }
            sides.append(parseUnion())
        }
        return ops.isEmpty ? sides[0] : .rel(sides, ops)
    }

    private mutating func parseUnion() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        let first = parseRatio()
        var parts = [first]
        var other = false
        while case .command(let c)? = cur, c == "cup" || c == "cap" || c == "setminus" {
            p += 1
            let next = parseRatio()
            switch c {
            case "cup": parts.append(next)
            case "setminus": parts = [.fn("setminus", [parts.count == 1 ? parts[0] : .union(parts), next])] // left to right
            default: other = true
            }
        }
        if other { return .opaque("setop") }
        return parts.count == 1 ? parts[0] : .union(parts)
    }

    private mutating func parseRatio() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        let first = parseAdditive()
        var parts = [first]
        while cur == .symbol(ASCII.colon) {
            p += 1
            parts.append(parseAdditive())
        }
        return parts.count == 1 ? first : .ratio(parts)
    }

    private mutating func parseAdditive() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        var terms: [Node] = [parseTerm()]
        while let tok = cur {
            switch tok {
            case .symbol(ASCII.plus):
                p += 1
                terms.append(parseTerm())
            case .symbol(ASCII.minus):
                p += 1
                terms.append(.neg(parseTerm()))
            case .command("pm"), .command("mp"):
                p += 1
                let rhs = parseTerm()
                let lhs: Node = terms.count == 1 ? terms[0] : .add(terms)
                terms = [.pm(lhs, rhs, minusFirst: tok == .command("mp"))]
            default:
                return terms.count == 1 ? terms[0] : .add(terms)
            }
        }
        return terms.count == 1 ? terms[0] : .add(terms)
    }

    private func startsImplicitFactor(_ tok: Token?) -> Bool {
        guard let tok else { return false }
        switch tok {
        case .number: return true
        case .ident(let s): return !Parser.isSeparatorWord(s)
        case .symbol(ASCII.openParen), .symbol(ASCII.openBrace): return true
        case .symbol(ASCII.bar): return absDepth == 0
        case .command(let c):
            switch c {
            case "frac", "sqrt", "binom", "pi", "infty", "lfloor", "lceil", "overline", "vec", "hat", "bar", "widehat",
                 "overrightarrow", "begin", "sum", "prod", "int", "lim", "angle", "triangle":
                return true
            default:
                return Lexer.isGreek(c) || Parser.functionNames.contains(c)
            }
        default: return false
        }
    }

    /// Skips unit words after a factor (`5 \text{ cm}`); a multiplier word among them (`\frac12 \text{ million}`)
    /// is not dropped but returned as a power of ten to multiply by. False when there was no word.
    private mutating func skipWordsAsUnits(multipliers: inout [Node]) -> Bool {
        var any = false
        defer {
            // Words followed by more mathematics are prose, not units.
            if any && startsImplicitFactor(cur) { leadingWords = true }
        }
        while isWordToken(cur) || isUnitSymbol(cur) {
            if let tok = cur, let power = NumberWords.multiplierPower(tok) {
                multipliers.append(.pow(.num(Rational(10)), .num(Rational(power))))
            } else {
                droppedWords += 1
            }
            p += 1
            any = true
            if cur == .symbol(ASCII.caret) { // unit^2
                p += 1
                if p < t.count { _ = readArg() }
            }
        }
        return any
    }

    private mutating func parseTerm() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        // "no solution": a two-letter run followed by a word is a word too.
        if case .ident(let s)? = cur, s.count == 2, p + 1 < t.count, isWordToken(t[p + 1]) {
            t[p] = .word(s.lowercased())
        }
        if isWordToken(cur) {
            // Leading words: text (possibly followed by mathematics = prose).
            var words: [String] = []
            while isWordToken(cur) || (cur.map { if case .ident(let s) = $0 { return s.count <= 2 && !words.isEmpty } else { return false } } ?? false) {
                if case .word(let s)? = cur { words.append(s) } else if case .ident(let s)? = cur { words.append(s.lowercased()) }
                p += 1
            }
            textWords += words.count
            let text = Node.text(words.joined(separator: " "))
            if startsImplicitFactor(cur) || cur == .symbol(ASCII.minus) {
                leadingWords = true
                let rest = parseTerm()
                return .mul([text, rest])
            }
            return text
        }
        var factors: [Node] = [parseUnary()]
        while let tok = cur {
            if tok == .symbol(ASCII.asterisk) {
                p += 1
                factors.append(parseUnary())
            } else if tok == .symbol(ASCII.slash) {
                p += 1
                let d = parseUnary()
                let n: Node = factors.count == 1 ? factors[0] : .mul(factors)
                factors = [.div(n, d)]
            } else if skipWordsAsUnits(multipliers: &factors) {
                continue
            } else if startsImplicitFactor(tok) {
                if case .number = tok, case .num? = factors.last { break }
                let before = p
                let beforeToken = cur
                factors.append(parsePower())
                // Reading `x` from the identifier `xy` rewrites the token in place: that is progress too (`2xy`).
                if p == before && cur == beforeToken { break }
            } else {
                break
            }
        }
        return factors.count == 1 ? factors[0] : .mul(factors)
    }

    private mutating func parseUnary() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        switch cur {
        case .symbol(ASCII.minus)?:
            p += 1
            return .neg(parseUnary())
        case .symbol(ASCII.plus)?:
            p += 1
            return parseUnary()
        case .command("pm")?:
            p += 1
            return .pm(nil, parseUnary(), minusFirst: false)
        case .command("mp")?:
            p += 1
            return .pm(nil, parseUnary(), minusFirst: true)
        default:
            return parsePower()
        }
    }

    private mutating func parsePower() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        let base = parsePostfix()
        if cur == .symbol(ASCII.caret) {
            p += 1
            if p >= t.count || isCloser(cur) { return base }
            let e = parseExponent()
            var r = Node.pow(base, e)
            while cur == .symbol(ASCII.exclamation) { p += 1; r = .fn("fact", [r]) }
            return r
        }
        return base
    }

    private mutating func parseExponent() -> Node {
        guard enter() else { return .opaque("?") }
        exponentDepth += 1
        defer {
            depth -= 1
            exponentDepth -= 1
        }
        if cur == .symbol(ASCII.minus) { p += 1; return .neg(parseExponent()) }
        if cur == .symbol(ASCII.plus) { p += 1; return parseExponent() }
        var e: Node
        if cur == .symbol(ASCII.openBrace) {
            e = readArg()
        } else if case .ident(let s)? = cur, s.count > 1, !Parser.functionNames.contains(s) {
            e = readArg()
        } else {
            e = parsePostfix()
        }
        if cur == .symbol(ASCII.caret) {
            p += 1
            if p < t.count { e = .pow(e, parseExponent()) }
        }
        return e
    }

    private mutating func parsePostfix() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        var n = parsePrimary()
        while let tok = cur {
            if tok == .symbol(ASCII.exclamation) {
                p += 1
                n = .fn("fact", [n])
            } else if tok == Lexer.degree {
                p += 1
                if trigDepth > 0 { n = .mul([n, .div(.const("pi"), .num(Rational(180)))]) }
            } else if tok == .symbol(ASCII.apostrophe) {
                p += 1
                if case .sym(let s) = n { n = .sym(s + "'") } else { n = .fn("prime", [n]) }
            } else if tok == .symbol(ASCII.underscore) {
                p += 1
                if p >= t.count { break }
                let savedCounts = (textWords, droppedWords, leadingWords)
                let sub = readArg()
                (textWords, droppedWords, leadingWords) = savedCounts
                let subText = Canonical.text(sub)
                switch n {
                case .sym(let s): n = .sym(s + "_" + subText)
                case .const(let s) where s == "e" || s == "i": n = .sym(s + "_" + subText)
                case .num(let r):
                    // (101)_2: an integer in parentheses with a base subscript (digits re-read from its value).
                    if r.isInteger, !r.isNegative, let (value, _) = Parser.basedNumber(Array(r.numerator.description.utf8), [], [.symbol(ASCII.underscore)] + Parser.subscriptTokens(sub), 0) {
                        n = value
                    } else {
                        n = .opaque(r.description + "_" + subText)
                    }
                default: n = .fn("sub", [n, sub])
                }
            } else {
                break
            }
        }
        return n
    }

    /// A LaTeX macro argument: a braced group, else a single digit / letter / primary.
    private mutating func readArg() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        guard let tok = cur else { failed = true; return .opaque("?") }
        switch tok {
        case .symbol(ASCII.openBrace):
            p += 1
            var inner = parseList()
            if cur == .command("choose") { // {n \choose k}
                p += 1
                inner = .fn("binom", [inner, parseList()])
            }
            if cur == .symbol(ASCII.closeBrace) { p += 1 } else { failed = true }
            return inner
        case .number(let whole, let frac):
            if whole.count > 1 {
                t[p] = .number(whole: Array(whole.dropFirst()), fraction: frac)
                return .num(Rational(ASCII.digitValue(whole[0])))
            }
            if whole.count == 1 && !frac.isEmpty {
                // \frac1.5 is odd; take the digit.
                t[p] = .number(whole: [], fraction: frac)
                return .num(Rational(ASCII.digitValue(whole[0])))
            }
            return parsePrimary()
        case .ident(let s):
            if s.count > 1 && !Parser.functionNames.contains(s) && s != "pi" {
                let first = String(s.prefix(1))
                t[p] = .ident(String(s.dropFirst()))
                return Parser.letterNode(first)
            }
            return parsePrimary()
        default:
            return parsePostfix()
        }
    }

    /// A numeral followed by a base subscript (`_2`, `_{8}`; bases 2 to 10, every digit below the base): its
    /// exact value and the number of subscript tokens; nil otherwise (then `101_2` stays a name).
    private static func basedNumber(_ whole: [UInt8], _ frac: [UInt8], _ t: [Token], _ p: Int) -> (Node, Int)? {
        guard p + 1 < t.count, t[p] == .symbol(ASCII.underscore) else { return nil }
        var baseDigits: [UInt8] = []
        var used = 0
        if case .number(let bw, let bf) = t[p + 1], bf.isEmpty, bw.count == 1 {
            baseDigits = bw
            used = 2
        } else if p + 3 < t.count, t[p + 1] == .symbol(ASCII.openBrace), case .number(let bw, let bf) = t[p + 2], bf.isEmpty,
                  bw.count <= 2, t[p + 3] == .symbol(ASCII.closeBrace) {
            baseDigits = bw
            used = 4
        } else {
            return nil
        }
        let base = baseDigits.reduce(0) { $0 * 10 + ASCII.digitValue($1) }
        guard base >= 2, base <= 10, !(whole + frac).contains(where: { ASCII.digitValue($0) >= base }) else { return nil }
        var n = BigInt.zero
        for c in whole + frac { n = n * BigInt(base) + BigInt(ASCII.digitValue(c)) }
        guard let scale = BigInt(base).power(frac.count), let r = Rational(n, scale) else { return nil }
        return (.num(r), used)
    }

    /// The tokens `basedNumber` reads for a subscript that parsed to an integer (`2` as `_2`, `16` as `_{16}`).
    private static func subscriptTokens(_ sub: Node) -> [Token] {
        guard case .num(let r) = sub, r.isInteger, !r.isNegative else { return [] }
        let digits = Array(r.numerator.description.utf8)
        return digits.count == 1 ? [.number(whole: digits, fraction: [])]
            : [.symbol(ASCII.openBrace), .number(whole: digits, fraction: []), .symbol(ASCII.closeBrace)]
    }

    /// True for a token that would bind tighter than `/` to what precedes it (a power, a factorial, a subscript).
    private static func continuesFactor(_ tok: Token) -> Bool {
        tok == .symbol(ASCII.caret) || tok == .symbol(ASCII.exclamation) || tok == .symbol(ASCII.underscore)
            || tok == .symbol(ASCII.period)
    }

    static func letterNode(_ s: String) -> Node {
        switch s {
        case "e": return .const("e")
        case "i": return .const("i")
        default: return .sym(s)
        }
    }

    private static func numberNode(_ whole: [UInt8], _ frac: [UInt8]) -> Node {
        let digits = whole + frac
        let w = digits.isEmpty ? [UInt8(ascii: "0")] : digits
        guard let n = BigInt(decimalDigits: w) else { return .opaque(String(decoding: whole, as: UTF8.self) + "." + String(decoding: frac, as: UTF8.self)) }
        if frac.isEmpty { return .num(Rational(integer: n)) }
        guard let d = BigInt(10).power(frac.count), let r = Rational(n, d) else { return .opaque("num") }
        return .num(r)
    }

    private mutating func parsePrimary() -> Node {
        guard enter() else { return .opaque("?") }
        defer { depth -= 1 }
        guard let tok = cur else { failed = true; return .opaque("?") }
        switch tok {
        case .number(let whole, let frac):
            p += 1
            var n = Parser.numberNode(whole, frac)
            // Repeating decimal 0.\overline{3}.
            if cur == .command("overline"), p + 3 < t.count, t[p + 1] == .symbol(ASCII.openBrace),
               case .number(let rw, let rf) = t[p + 2],
               rf.isEmpty, !rw.isEmpty, rw.count <= EquivalenceLimits.repeatingDecimalDigits, t[p + 3] == .symbol(ASCII.closeBrace) {
                p += 4
                let fixed = whole + frac
                guard let a = BigInt(decimalDigits: fixed.isEmpty ? [UInt8(ascii: "0")] : fixed),
                      let ab = BigInt(decimalDigits: (fixed.isEmpty ? [UInt8(ascii: "0")] : fixed) + rw),
                      let p10 = BigInt(10).power(frac.count), let p10r = BigInt(10).power(rw.count),
                      let r = Rational(ab - a, p10 * (p10r - BigInt.one)) else { return .opaque("repeating") }
                return .num(r)
            }
            // Scientific notation 1.5e-3 (plain text).
            if case .ident(let s)? = cur, s == "e" || s == "E" {
                var q = p + 1
                var negExp = false
                if q < t.count, t[q] == .symbol(ASCII.minus) || t[q] == .symbol(ASCII.plus) { negExp = t[q] == .symbol(ASCII.minus); q += 1 }
                if q < t.count, case .number(let ew, let ef) = t[q], ef.isEmpty,
                   ew.count <= EquivalenceLimits.scientificExponentDigits {
                    p = q + 1
                    let e = Parser.numberNode(ew, [])
                    return .mul([n, .pow(.num(Rational(10)), negExp ? .neg(e) : e)])
                }
            }
            // A numeral in another base: 101_2, 0.01_{2}, 17_{8}.
            if let (value, used) = Parser.basedNumber(whole, frac, t, p) {
                p += used
                return value
            }
            // Mixed number written with a space: 5 1/4 (a proper fraction of integers right after an integer).
            if frac.isEmpty, exponentDepth == 0, p + 2 < t.count, case .number(let nw, let nf) = t[p], nf.isEmpty, t[p + 1] == .symbol(ASCII.slash),
               case .number(let dw, let df) = t[p + 2], df.isEmpty, p + 3 == t.count || !Parser.continuesFactor(t[p + 3]),
               case .num(let rn) = Parser.numberNode(nw, []), case .num(let rd) = Parser.numberNode(dw, []), !rd.isZero,
               let q = rn / rd, q.numerator < q.denominator {
                p += 3
                return .add([n, .num(q)])
            }
            // Mixed number: 12\frac{3}{5}.
            if frac.isEmpty, cur == .command("frac") {
                let save = p
                let saveT = t
                p += 1
                let a = readArg()
                let b = readArg()
                if case .num(let ra) = a, case .num(let rb) = b, ra.isInteger, rb.isInteger, !rb.isZero,
                   let q = ra / rb, q.numerator < q.denominator {
                    n = .add([n, .num(q)])
                    return n
                }
                p = save
                t = saveT
            }
            return n
        case .ident(let s):
            if Parser.functionNames.contains(s) {
                p += 1
                return parseFunction(s)
            }
            switch s {
            case "pi", "Pi", "PI":
                p += 1
                return .const("pi")
            case "inf", "infty", "infinity", "oo", "Infinity":
                p += 1
                return .const("inf")
            default: break
            }
            for f in Parser.functionNames where s.hasPrefix(f) && s.count > f.count && f.count >= 2 && s.count - f.count <= 2 {
                t[p] = .ident(String(s.dropFirst(f.count)))
                return parseFunction(f)
            }
            if s.hasPrefix("pi") && s.count > 2 && s.count <= 4 {
                t[p] = .ident(String(s.dropFirst(2)))
                return .const("pi")
            }
            let first = String(s.prefix(1))
            if s.count > 1 {
                t[p] = .ident(String(s.dropFirst()))
            } else {
                p += 1
            }
            if s.count == 1 && Parser.userFunctionLetters.contains(first) && cur == .symbol(ASCII.openParen) {
                p += 1
                let inner = parseList()
                if cur == .symbol(ASCII.closeParen) { p += 1 } else { failed = true }
                var args: [Node] = []
                if case .set(let items) = inner { args = items } else { args = [inner] }
                return .fn("call:" + first, args)
            }
            return Parser.letterNode(first)
        case .word(let s):
            p += 1
            textWords += 1
            return .text(s)
        case .symbol(ASCII.openParen), .symbol(ASCII.openBracket):
            p += 1
            let inner = parseList()
            var close = ASCII.closeParen
            if case .symbol(let c)? = cur, c == ASCII.closeParen || c == ASCII.closeBracket { close = c; p += 1 } else { failed = true }
            if case .set(let items) = inner, items.count >= 2 {
                let open = tok == .symbol(ASCII.openParen) ? ASCII.openParen : ASCII.openBracket
                return .tuple(items, open: open, close: close)
            }
            if case .set(let items) = inner, items.isEmpty { return .tuple([], open: ASCII.openParen, close: ASCII.closeParen) }
            return inner
        case .symbol(ASCII.openBrace):
            p += 1
            var inner = parseList()
            if cur == .command("choose") { // {n \choose k}
                p += 1
                inner = .fn("binom", [inner, parseList()])
            }
            if cur == .symbol(ASCII.closeBrace) { p += 1 } else { failed = true }
            return inner
        case .symbol(ASCII.bar):
            p += 1
            absDepth += 1
            let inner = parseAdditive()
            absDepth -= 1
            if cur == .symbol(ASCII.bar) { p += 1 } else { failed = true }
            return .fn("abs", [inner])
        case .command(let c):
            p += 1
            return parseCommand(c)
        default:
            failed = true
            p += 1
            return .opaque("?")
        }
    }

    private mutating func parseCommand(_ c: String) -> Node {
        switch c {
        case "frac":
            let a = readArg()
            let b = readArg()
            return .div(a, b)
        case "sqrt":
            if cur == .symbol(ASCII.openBracket) {
                p += 1
                let n = parseAdditive()
                if cur == .symbol(ASCII.closeBracket) { p += 1 } else { failed = true }
                let a = readArg()
                return .fn("root", [n, a])
            }
            return .fn("sqrt", [readArg()])
        case "binom":
            let a = readArg()
            let b = readArg()
            return .fn("binom", [a, b])
        case "pi": return .const("pi")
        case "infty", "infin": return .const("inf")
        case "emptyset": return .set([])
        case "ldots": return .ellipsis
        case "{":
            let inner = parseList()
            if cur == .command("}") { p += 1 } else { failed = true }
            if case .set(let items) = inner { return .set(items) }
            return .set([inner])
        case "lfloor", "lceil":
            let inner = parseAdditive()
            if cur == .command(c == "lfloor" ? "rfloor" : "rceil") { p += 1 } else { failed = true }
            return .fn(c == "lfloor" ? "floor" : "ceil", [inner])
        case "begin":
            return parseEnvironment()
        case "overline", "vec", "hat", "bar", "widehat", "overrightarrow", "underline", "tilde", "dot", "ddot":
            let a = readArg()
            return .sym(c + "(" + Canonical.text(a) + ")")
        case "sum", "prod", "int", "lim", "oint", "bigcup", "bigcap":
            var sub: Node = .opaque("")
            var sup: Node = .opaque("")
            var k = 0
            while k < 2, let tok = cur, tok == .symbol(ASCII.underscore) || tok == .symbol(ASCII.caret) {
                p += 1
                if p >= t.count { break }
                let a = readArg()
                if tok == .symbol(ASCII.underscore) { sub = a } else { sup = a }
                k += 1
            }
            let body = p < t.count && !isCloser(cur) ? parseTerm() : .opaque("")
            return .fn(c, [sub, sup, body])
        case "angle", "triangle", "perp", "parallel", "measuredangle":
            return .sym("\\" + c)
        case "mod", "bmod", "pmod", "equiv":
            return .opaque("\\" + c)
        case "quad", "qquad":
            return .opaque("")
        default:
            if Parser.functionNames.contains(c) { return parseFunction(c) }
            if Lexer.isGreek(c) { return .sym(c) }
            return .sym("\\" + c)
        }
    }

    private mutating func parseFunction(_ name: String) -> Node {
        let isTrig = Parser.trigonometric.contains(name)
        if isTrig { trigDepth += 1 }
        defer { if isTrig { trigDepth -= 1 } }
        var power: Node? = nil
        var base: Node? = nil
        if cur == .symbol(ASCII.caret) {
            p += 1
            power = parseExponent()
        }
        if cur == .symbol(ASCII.underscore) {
            p += 1
            base = readArg()
        }
        if power == nil, cur == .symbol(ASCII.caret) {
            p += 1
            power = parseExponent()
        }
        var arg: Node
        var args: [Node] = []
        if cur == .symbol(ASCII.openParen) {
            p += 1
            let inner = parseList()
            if cur == .symbol(ASCII.closeParen) { p += 1 } else { failed = true }
            if case .set(let items) = inner { args = items; arg = items.first ?? .opaque("") } else { arg = inner; args = [inner] }
            // sin(x)^2
            if power == nil, cur == .symbol(ASCII.caret) {
                p += 1
                power = parseExponent()
            }
        } else if p < t.count && !isCloser(cur) {
            var factors = [parseUnary()]
            while let tok = cur, startsImplicitFactor(tok) {
                if case .command(let c) = tok, Parser.functionNames.contains(c) { break }
                if case .ident(let s) = tok, Parser.functionNames.contains(s) { break }
                let before = p
                let beforeToken = cur
                factors.append(parsePower())
                if p == before && cur == beforeToken { break }
            }
            arg = factors.count == 1 ? factors[0] : .mul(factors)
            args = [arg]
        } else {
            failed = true
            arg = .opaque("")
            args = [arg]
        }
        var r: Node
        switch name {
        case "log", "lg":
            if let base { r = .fn("logb", [base, arg]) } else { r = .fn(name == "lg" ? "log10" : "ln", [arg]) }
        case "max", "min", "gcd", "lcm":
            r = .fn(name, args)
        default:
            r = .fn(name, [arg])
        }
        if let power {
            if case .neg(.num(let one)) = power, one == Rational.one, ["sin", "cos", "tan"].contains(name) {
                return .fn("arc" + name, [arg])
            }
            r = .pow(r, power)
        }
        return r
    }

    private mutating func parseEnvironment() -> Node {
        // \begin{name}
        var name = ""
        if cur == .symbol(ASCII.openBrace) {
            p += 1
            while let tok = cur, tok != .symbol(ASCII.closeBrace) {
                if case .ident(let s) = tok { name += s } else if tok == .symbol(ASCII.asterisk) { name += "*" }
                p += 1
            }
            if cur == .symbol(ASCII.closeBrace) { p += 1 }
        }
        if name == "array" || name == "tabular" {
            if cur == .symbol(ASCII.openBrace) {
                while let tok = cur, tok != .symbol(ASCII.closeBrace) { p += 1 }
                if cur == .symbol(ASCII.closeBrace) { p += 1 }
            }
        }
        var rows: [[Node]] = [[]]
        while p < t.count {
            if cur == .command("end") { break }
            if cur == .symbol(ASCII.ampersand) { p += 1; rows[rows.count - 1].append(.opaque("")); continue }
            if cur == .command("\\") {
                p += 1
                rows.append([])
                continue
            }
            let before = p
            let cell = parseItem()
            if p == before { p += 1; failed = true; continue }
            // A cell ends at & or \\ or \end.
            if cur == .symbol(ASCII.ampersand) {
                p += 1
                rows[rows.count - 1].append(cell)
                if cur == .command("\\") || cur == .command("end") { rows[rows.count - 1].append(.opaque("")) }
                continue
            }
            rows[rows.count - 1].append(cell)
            if !(cur == .command("\\") || cur == .command("end")) && p < t.count { failed = true; p += 1 }
        }
        if cur == .command("end") {
            p += 1
            if cur == .symbol(ASCII.openBrace) {
                while let tok = cur, tok != .symbol(ASCII.closeBrace) { p += 1 }
                if cur == .symbol(ASCII.closeBrace) { p += 1 }
            }
        } else {
            failed = true
        }
        rows = rows.filter { !$0.isEmpty }
        let matrixEnvs: Set<String> = ["pmatrix", "bmatrix", "matrix", "Bmatrix", "array", "smallmatrix", "pmatrix*", "bmatrix*"]
        if !matrixEnvs.contains(name) {
            if rows.count == 1 && rows[0].count == 1 && (name == "aligned" || name == "align*" || name == "align" || name == "gathered") { return rows[0][0] }
            return .opaque("env:" + name + ":" + rows.map { $0.map(Canonical.text).joined(separator: "&") }.joined(separator: "\\\\"))
        }
        let cols = rows.first?.count ?? 0
        if rows.contains(where: { $0.count != cols }) { return .opaque("ragged-matrix") }
        return .matrix(rows)
    }
}
