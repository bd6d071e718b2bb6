/// Turns an answer's UTF-8 bytes into tokens, dropping LaTeX presentation noise (internal).
struct Lexer {
    private let b: [UInt8]
    private var i = 0
    private(set) var tokens: [Token] = []
    /// True when a non-ASCII scalar outside the `nonASCII` table was met (here or in a text group).
    private(set) var sawNonASCII = false
    private var bracketDepth = 0

    init(_ bytes: [UInt8]) { b = bytes }

    /// Lexes bytes into tokens (bounded: every step advances).
    static func lex(_ bytes: [UInt8]) -> (tokens: [Token], nonASCII: Bool) {
        var l = Lexer(bytes)
        l.run()
        return (l.tokens, l.sawNonASCII)
    }

    private func peek(_ k: Int = 0) -> UInt8 { i + k < b.count ? b[i + k] : 0 }

    private static let dropCommands: Set<String> = [
        "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
        "Biggl", "Biggr", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", ",", "!", ";", ":",
        " ", "(", ")", "[", "]", "$", "%", "circ", "degree", "boxed", "fbox", "mathbf", "mathit", "boldsymbol",
        "mathbb", "mathcal", "mathsf", "bm", "rm", "bf", "it", "hline", "noindent", "centering", "small", "large",
        "Large", "normalsize", "phantom", "ensuremath", "tiny", "cr", "newline", "mathnormal", "mathscr", "mathfrak",
        "dollar", "euro", "pounds", "quad ", "&",
    ]

    private static let textCommands: Set<String> = [
        "text", "textbf", "textit", "textrm", "textnormal", "mbox", "mathrm", "textsf", "texttt", "emph", "textup",
        "hbox", "textmd",
    ]

    private static let greek: Set<String> = [
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
        "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi",
        "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
    ]

    /// The non-ASCII scalars that mean something, and the tokens each stands for (none: dropped as noise,
    /// like degree signs, currency and wide spaces); any other non-ASCII text becomes a word.
    private static let nonASCII: [String: [Token]] = [
        "²": [.symbol(ASCII.caret), .number(whole: [UInt8(ascii: "2")], fraction: [])],
        "³": [.symbol(ASCII.caret), .number(whole: [UInt8(ascii: "3")], fraction: [])],
        "√": [.command("sqrt")],
        "ℝ": Lexer.reals,
        "π": [.command("pi")],
        "∞": [.command("infty")],
        "≤": [.relation("<=")], "⩽": [.relation("<=")],
        "≥": [.relation(">=")], "⩾": [.relation(">=")],
        "≠": [.relation("!=")],
        "≈": [.relation("~=")],
        "∈": [.relation("in")],
        "×": [.symbol(ASCII.asterisk)], "·": [.symbol(ASCII.asterisk)], "⋅": [.symbol(ASCII.asterisk)],
        "∙": [.symbol(ASCII.asterisk)],
        "÷": [.symbol(ASCII.slash)],
        "−": [.symbol(ASCII.minus)], "–": [.symbol(ASCII.minus)], "—": [.symbol(ASCII.minus)],
        "±": [.command("pm")],
        "∪": [.command("cup")],
        "∩": [.command("cap")],
        "…": [.command("ldots")], "⋯": [.command("ldots")],
        "°": [Lexer.degree], "€": [], "£": [], "¥": [], "\u{00A0}": [], "\u{3000}": [], "\u{200B}": [],
        "，": [.symbol(ASCII.comma)], "、": [.symbol(ASCII.comma)],
        "；": [.symbol(ASCII.semicolon)],
        "：": [.symbol(ASCII.colon)],
        "（": [.symbol(ASCII.openParen)],
        "）": [.symbol(ASCII.closeParen)],
        "。": [.symbol(ASCII.period)],
    ]

    /// The UTF-8 bytes of `nonASCII`'s scalars: a run of unmapped scalars ends at one of them. (A scalar on
    /// its own is looked up as a String, which also matches canonically equivalent spellings such as U+0387
    /// for `·`; inside a run only these exact bytes end it.)
    private static let nonASCIIBytes: Set<[UInt8]> = Set(nonASCII.keys.map { Array($0.utf8) })

    /// The real line, `(-\infty, \infty)`.
    private static let reals: [Token] = [
        .symbol(ASCII.openParen), .symbol(ASCII.minus), .command("infty"), .symbol(ASCII.comma), .command("infty"),
        .symbol(ASCII.closeParen),
    ]

    /// A degree sign: the parser converts it to radians inside a trigonometric argument; `MathAnswer` drops
    /// it from answers without a trigonometric function (outside one, `90^\circ` is 90).
    static let degree = Token.command("degree")

    static let relationCommands: Set<String> = [
        "le", "leq", "ge", "geq", "ne", "neq", "lt", "gt", "approx", "cdot", "times", "div", "in", "to", "pm", "mp",
        "leqslant", "geqslant", "lvert", "rvert", "vert", "lbrace", "rbrace", "langle", "rangle", "dfrac", "tfrac",
    ]

    private static let splitPrefixes = ["qquad", "quad", "cdot", "times", "infty", "sqrt", "pi", "frac"]

    private mutating func emitCommand(_ name: String) {
        switch name {
        case "dfrac", "tfrac", "cfrac", "frac": tokens.append(.command("frac"))
        case "dbinom", "tbinom", "binom": tokens.append(.command("binom"))
        case "backslash": tokens.append(.command("setminus"))
        case "le", "leq", "leqslant", "leqq": tokens.append(.relation("<="))
        case "ge", "geq", "geqslant", "geqq": tokens.append(.relation(">="))
        case "ne", "neq": tokens.append(.relation("!="))
        case "lt": tokens.append(.symbol(ASCII.less))
        case "gt": tokens.append(.symbol(ASCII.greater))
        case "approx", "simeq", "thickapprox", "sim", "cong": tokens.append(.relation("~="))
        case "in": tokens.append(.relation("in"))
        case "to", "rightarrow", "Rightarrow", "implies", "Longrightarrow", "longrightarrow", "iff",
             "Leftrightarrow", "mapsto":
            tokens.append(.relation("=>"))
        case "cdot", "times", "ast", "bullet", "cdotp": tokens.append(.symbol(ASCII.asterisk))
        case "div": tokens.append(.symbol(ASCII.slash))
        case "colon": tokens.append(.symbol(ASCII.colon))
        case "lvert", "rvert", "vert", "|", "Vert", "lVert", "rVert", "mid": tokens.append(.symbol(ASCII.bar))
        case "lbrace": tokens.append(.command("{"))
        case "rbrace": tokens.append(.command("}"))
        case "langle": tokens.append(.symbol(ASCII.openParen))
        case "rangle": tokens.append(.symbol(ASCII.closeParen))
        case "ldots", "cdots", "dots", "dotsc", "dotsb", "dotsm", "vdots", "ddots", "hdots": tokens.append(.command("ldots"))
        case "lnot", "neg": tokens.append(.word("not"))
        case "land", "wedge": tokens.append(.word("and"))
        case "lor", "vee": tokens.append(.word("or"))
        case "varnothing", "emptyset": tokens.append(.command("emptyset"))
        case "prime": tokens.append(.symbol(ASCII.apostrophe))
        case "dagger": tokens.append(.ident("dagger"))
        default: tokens.append(.command(name)) // Greek letters, functions and any other command, by name
        }
    }

    private static let knownCommands: Set<String> = [
        "frac", "dfrac", "tfrac", "cfrac", "sqrt", "binom", "dbinom", "tbinom", "pi", "infty", "pm", "mp", "cup", "cap",
        "setminus", "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
        "ln", "log", "lg", "exp", "quad", "qquad", "ldots", "cdots", "dots", "begin", "end", "overline", "vec", "hat",
        "bar", "widehat", "overrightarrow", "underline", "tilde", "lfloor", "rfloor", "lceil", "rceil", "sum", "prod",
        "int", "lim", "max", "min", "gcd", "lcm", "det", "operatorname", "angle", "triangle", "perp", "parallel",
        "equiv", "pmod", "bmod", "mod", "emptyset", "varnothing", "forall", "exists", "infin", "arg", "deg", "dim",
        "ker", "Pr", "mathbf", "left", "right", "circ", "cot", "arccot", "arcsec", "arccsc", "and", "or", "not",
    ]

    /// Main loop.
    private mutating func run() {
        while i < b.count {
            let c = b[i]
            // White space, `$`, `%` and `~` carry no meaning.
            if ASCII.isSpace(c) || c == ASCII.formFeed || c == ASCII.verticalTab || c == ASCII.dollar || c == ASCII.percent
                || c == ASCII.tilde {
                i += 1
                continue
            }
            if ASCII.isDigit(c) || (c == ASCII.period && ASCII.isDigit(peek(1))) {
                lexNumber()
                continue
            }
            if ASCII.isLetter(c) {
                let start = i
                while i < b.count && ASCII.isLetter(b[i]) { i += 1 }
                let s = String(decoding: b[start..<i], as: UTF8.self)
                tokens.append(.ident(s))
                continue
            }
            if c == ASCII.backslash {
                lexCommand()
                continue
            }
            if c >= 0x80 {
                lexNonASCII()
                continue
            }
            if c == ASCII.less || c == ASCII.greater || c == ASCII.exclamation || c == ASCII.equals {
                let n = peek(1)
                if n == ASCII.equals { // <= >= != ==
                    i += 2
                    tokens.append(c == ASCII.equals ? .symbol(ASCII.equals)
                        : .relation(c == ASCII.less ? "<=" : (c == ASCII.greater ? ">=" : "!=")))
                    continue
                }
                if c == ASCII.equals && n == ASCII.greater { i += 2; tokens.append(.relation("=>")); continue }
                if c == ASCII.less && n == ASCII.greater { i += 2; tokens.append(.relation("!=")); continue }
            }
            if c == ASCII.caret { // ^\circ, ^{\circ}, ^\degree are a degree sign; ^\prime is a prime
                if matchAhead("^\\circ") { i += 6; tokens.append(Lexer.degree); continue }
                if matchAhead("^{\\circ}") { i += 8; tokens.append(Lexer.degree); continue }
                if matchAhead("^\\degree") { i += 8; tokens.append(Lexer.degree); continue }
                if matchAhead("^{\\prime}") { i += 9; tokens.append(.symbol(ASCII.apostrophe)); continue }
                if matchAhead("^\\prime") { i += 7; tokens.append(.symbol(ASCII.apostrophe)); continue }
            }
            if c == ASCII.openParen || c == ASCII.openBracket {
                bracketDepth += 1
            } else if (c == ASCII.closeParen || c == ASCII.closeBracket) && bracketDepth > 0 {
                bracketDepth -= 1
            }
            tokens.append(.symbol(c))
            i += 1
        }
    }

    private func matchAhead(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        if i + n > b.count { return false }
        return s.withUTF8Buffer { buf in
            for k in 0..<n where b[i + k] != buf[k] { return false }
            return true
        }
    }

    private mutating func lexNumber() {
        var whole: [UInt8] = []
        var frac: [UInt8] = []
        while i < b.count && ASCII.isDigit(b[i]) { whole.append(b[i]); i += 1 }
        // Thousands separators: first group 1-3 digits, then groups of exactly 3.
        var groups = 0
        var groupStart = i
        var strongSeparator = false
        if whole.count >= 1 && whole.count <= 3 {
            var progressed = true
            while progressed {
                progressed = false
                var j = i
                var sepLen = 0
                if j < b.count && b[j] == ASCII.comma { // ,
                    sepLen = 1
                    if j + 2 < b.count && b[j + 1] == ASCII.backslash && b[j + 2] == ASCII.exclamation { // ,\!
                        sepLen = 3
                        while j + sepLen < b.count && b[j + sepLen] == ASCII.space { sepLen += 1 }
                    }
                } else if j + 2 < b.count && b[j] == ASCII.openBrace && b[j + 1] == ASCII.comma && b[j + 2] == ASCII.closeBrace { // {,}
                    sepLen = 3
                } else if j + 1 < b.count && b[j] == ASCII.space && ASCII.isDigit(b[j + 1]) && !(tokens.last == .symbol(ASCII.comma)) {
                    sepLen = 1
                } else {
                    sepLen = Lexer.spaceSeparatorLength(b, j)
                }
                if sepLen > 0 {
                    j += sepLen
                    if j + 3 <= b.count && ASCII.isDigit(b[j]) && ASCII.isDigit(b[j + 1]) && ASCII.isDigit(b[j + 2])
                        && (j + 3 == b.count || !ASCII.isDigit(b[j + 3])) {
                        if groups == 0 { groupStart = i }
                        if sepLen > 1 { strongSeparator = true }
                        whole.append(contentsOf: b[j..<(j + 3)])
                        i = j + 3
                        groups += 1
                        progressed = true
                    }
                }
            }
        }
        if groups == 1 && bracketDepth > 0 && !strongSeparator {
            // "[-36,104]": a single comma group inside brackets is a list, not thousands.
            i = groupStart
            whole.removeLast(3)
        }
        if i + 1 < b.count && b[i] == ASCII.period && ASCII.isDigit(b[i + 1]) {
            i += 1
            while i < b.count && ASCII.isDigit(b[i]) { frac.append(b[i]); i += 1 }
        } else if i < b.count && b[i] == ASCII.period && matchAhead(".\\overline") {
            i += 1 // 0.\overline{3}
        } else if i < b.count && b[i] == ASCII.period && whole.count > 0
            && (i + 1 == b.count || b[i + 1] == ASCII.space || b[i + 1] == ASCII.dollar) {
            i += 1 // "5." trailing period
        }
        tokens.append(.number(whole: whole, fraction: frac))
    }

    /// TeX spaces `\,` `\;` `\:` `\!` `\ ` and the Unicode no-break, thin and narrow no-break spaces, used as
    /// thousands separators (`2\,500\,000`): their length in bytes at j, else 0.
    private static func spaceSeparatorLength(_ b: [UInt8], _ j: Int) -> Int {
        if j + 1 < b.count && b[j] == ASCII.backslash
            && [ASCII.comma, ASCII.semicolon, ASCII.colon, ASCII.exclamation, ASCII.space].contains(b[j + 1]) {
            return 2
        }
        if j + 1 < b.count && b[j] == 0xC2 && b[j + 1] == 0xA0 { return 2 } // U+00A0
        if j + 2 < b.count && b[j] == 0xE2 && b[j + 1] == 0x80 && (b[j + 2] == 0x89 || b[j + 2] == 0xAF) { return 3 } // U+2009, U+202F
        return 0
    }

    private mutating func readGroupRaw() -> [UInt8]? {
        var j = i
        while j < b.count && b[j] == ASCII.space { j += 1 }
        guard j < b.count, b[j] == ASCII.openBrace else { return nil }
        var depth = 0
        var k = j
        while k < b.count {
            if b[k] == ASCII.backslash { k += 2; continue }
            if b[k] == ASCII.openBrace { depth += 1 } else if b[k] == ASCII.closeBrace {
                depth -= 1
                if depth == 0 {
                    let content = Array(b[(j + 1)..<k])
                    i = k + 1
                    return content
                }
            }
            k += 1
        }
        return nil
    }

    private mutating func lexCommand() {
        i += 1
        guard i < b.count else { return }
        if !ASCII.isLetter(b[i]) {
            let c = b[i]
            i += 1
            switch c {
            case ASCII.openBrace: tokens.append(.command("{"))
            case ASCII.closeBrace: tokens.append(.command("}"))
            case ASCII.backslash:
                // "\\frac" (an escaping artefact) reads as "\frac"; otherwise a row break.
                var e = i
                while e < b.count && ASCII.isLetter(b[e]) { e += 1 }
                let nm = String(decoding: b[i..<e], as: UTF8.self)
                if e > i && (Lexer.knownCommands.contains(nm) || Lexer.dropCommands.contains(nm) || Lexer.textCommands.contains(nm)
                    || Lexer.greek.contains(nm) || Lexer.relationCommands.contains(nm)) {
                    i -= 1
                    lexCommand()
                    return
                }
                tokens.append(.command("\\"))
            case ASCII.bar: tokens.append(.symbol(ASCII.bar))
            default:
                break // \# \_ \& \, \! \; \: \  \$ \% \( \) \[ \]
            }
            return
        }
        let start = i
        while i < b.count && ASCII.isLetter(b[i]) { i += 1 }
        var name = String(decoding: b[start..<i], as: UTF8.self)
        if !Lexer.knownCommands.contains(name) && !Lexer.dropCommands.contains(name) && !Lexer.textCommands.contains(name)
            && !Lexer.greek.contains(name) {
            // Glued commands such as \quadx or \pix.
            for p in Lexer.splitPrefixes where name.hasPrefix(p) && name.count > p.count {
                let rest = String(name.dropFirst(p.count))
                emitCommand(p)
                tokens.append(.ident(rest))
                return
            }
        }
        if name == "left" || name == "right" {
            while i < b.count && b[i] == ASCII.space { i += 1 }
            if i < b.count && b[i] == ASCII.period { i += 1 } // \left.
            return
        }
        if name == "mathbb" || name == "R" || name == "reals" || name == "Reals" {
            // The reals are the interval (-inf, inf): \mathbb{R}, \mathbb R, \R, \reals.
            let save = i
            var letter: [UInt8]? = name == "mathbb" ? readGroupRaw() : [UInt8(ascii: "R")]
            if letter == nil {
                while i < b.count && b[i] == ASCII.space { i += 1 }
                if i < b.count && ASCII.isLetter(b[i]) { letter = [b[i]]; i += 1 }
            }
            if letter?.filter({ !ASCII.isSpace($0) }) == [UInt8(ascii: "R")] {
                tokens.append(contentsOf: Lexer.reals)
                return
            }
            i = save
            if name == "mathbb" { return }
        }
        if Lexer.dropCommands.contains(name) { return }
        if name == "operatorname" {
            if let g = readGroupRaw() {
                name = String(decoding: g.filter { ASCII.isLetter($0) }, as: UTF8.self)
                tokens.append(.command(name))
            }
            return
        }
        if Lexer.textCommands.contains(name) {
            guard let g = readGroupRaw() else { return }
            lexText(g)
            return
        }
        emitCommand(name)
    }

    /// Text mode: letter-only pieces become words (single letters stay identifiers), the rest is lexed as math.
    private mutating func lexText(_ g: [UInt8]) {
        var letterRuns = 0
        var k = 0
        while k < g.count {
            if ASCII.isLetter(g[k]) {
                var e = k
                while e < g.count && ASCII.isLetter(g[e]) { e += 1 }
                if e - k >= 2 { letterRuns += 1 }
                k = e
            } else { k += 1 }
        }
        if letterRuns == 0 {
            var sub = Lexer(g)
            sub.run()
            tokens.append(contentsOf: sub.tokens)
            sawNonASCII = sawNonASCII || sub.sawNonASCII
            return
        }
        // Split on spaces; pure-letter pieces are words.
        var pieces: [[UInt8]] = [[]]
        for c in g {
            if c == ASCII.space || c == ASCII.tilde || c == ASCII.newline { pieces.append([]) } else { pieces[pieces.count - 1].append(c) }
        }
        for p in pieces where !p.isEmpty {
            if p.allSatisfy({ ASCII.isLetter($0) }) {
                let s = String(decoding: p, as: UTF8.self)
                tokens.append(p.count == 1 ? .ident(s) : .word(s.lowercased()))
            } else {
                var sub = Lexer(p)
                sub.run()
                for t in sub.tokens {
                    if case .ident(let s) = t, s.count >= 2 { tokens.append(.word(s.lowercased())) } else { tokens.append(t) }
                }
                sawNonASCII = sawNonASCII || sub.sawNonASCII
            }
        }
    }

    /// Length of the UTF-8 sequence that starts with `lead` (1 for a stray continuation byte).
    private static func scalarLength(_ lead: UInt8) -> Int {
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    /// One non-ASCII scalar: its tokens from `nonASCII`, else one word for the whole run of unmapped scalars.
    private mutating func lexNonASCII() {
        let end = min(b.count, i + Lexer.scalarLength(b[i]))
        let bytes = Array(b[i..<end])
        i = end
        if let mapped = Lexer.nonASCII[String(decoding: bytes, as: UTF8.self)] {
            tokens.append(contentsOf: mapped)
            return
        }
        sawNonASCII = true
        var run = bytes
        while i < b.count && b[i] >= 0x80 {
            let e2 = min(b.count, i + Lexer.scalarLength(b[i]))
            let scalar = Array(b[i..<e2])
            if Lexer.nonASCIIBytes.contains(scalar) { break }
            run.append(contentsOf: scalar)
            i = e2
        }
        tokens.append(.word(String(decoding: run, as: UTF8.self)))
    }
}

extension Lexer {
    /// True for Greek-letter command names.
    static func isGreek(_ name: String) -> Bool { greek.contains(name) }
}
