/// Numbers written in words, and multiplier words after a numeral, read as number tokens (internal):
/// `\text{fifteen}` is 15, `twenty-one` is 21, `4 \text{ thousand}` is 4000, `2.5 million` is 2500000,
/// `3 \text{ bn}` is 3000000000.
///
/// Only cardinal English words are read (no ordinals, no plurals such as "thousands", which count no exact
/// amount). Multipliers stay exact: a numeral's decimal point is moved, never multiplied in floating point.
/// A multiplier word after anything else (`\frac12 \text{ million}`, `10^3 \text{ thousand}`) is multiplied in
/// by the parser, where other words after a value are dropped as units.
enum NumberWords {
    /// Words worth less than a hundred.
    private static let small: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    /// Multiples of ten, which a hyphen may join to a unit (`twenty-one`).
    private static let tens: [String: Int] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    ]
    /// Multiplier words and their powers of ten ("hundred" multiplies only what follows the last multiplier).
    private static let multipliers: [String: Int] = ["hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12]
    /// Abbreviations that only ever mean a multiplier, read only as text words (`4 \text{ bn}`): as bare letters
    /// (`4bn`) they are a product of variables. Not `k`, `M`, `B` or `tn` (a variable, a unit, a tonne).
    private static let abbreviations: [String: Int] = ["bn": 9, "bln": 9, "mln": 6, "mn": 6]

    /// The power of ten of a multiplier token (`thousand` is 3; `bn` is 9 as a text word only), else nil.
    static func multiplierPower(_ t: Token) -> Int? {
        switch t {
        case .word(let w): return multiplierPower(w) ?? abbreviations[w.lowercased()]
        case .ident(let w): return multiplierPower(w)
        default: return nil
        }
    }

    /// The power of ten of a multiplier word (`thousand` is 3), any case; nil for other words.
    static func multiplierPower(_ word: String) -> Int? {
        multipliers[word.utf8.contains(where: ASCII.isUppercase) ? word.lowercased() : word]
    }

    /// Every word this type reads: number words, multipliers and their abbreviations.
    private static let vocabulary: Set<String> = Set(small.keys).union(tens.keys).union(multipliers.keys).union(abbreviations.keys)

    /// True for a token that may be a word of `vocabulary` (checked by length first: most identifiers are
    /// single letters).
    private static func isCandidate(_ t: Token) -> Bool {
        switch t {
        case .ident(let s), .word(let s):
            let n = s.utf8.count
            guard n >= 2 && n <= 9 else { return false }
            return vocabulary.contains(s.utf8.contains(where: ASCII.isUppercase) ? s.lowercased() : s)
        default: return false
        }
    }

    /// The lower-cased word of an identifier or text-word token.
    private static func word(_ t: Token?) -> String? {
        switch t {
        case .ident(let s)?, .word(let s)?: return s.utf8.contains(where: ASCII.isUppercase) ? s.lowercased() : s
        default: return nil
        }
    }

    /// Tokens with every run of number words, and every numeral followed by multiplier words, replaced by one
    /// number token. Linear in the tokens.
    static func rewrite(_ tokens: [Token]) -> [Token] {
        // Most answers have no number word at all: leave them untouched without copying.
        guard tokens.contains(where: isCandidate) else { return tokens }
        var out: [Token] = []
        out.reserveCapacity(tokens.count)
        var i = 0
        while i < tokens.count {
            if case .number(let whole, let fraction) = tokens[i], !(i > 0 && takesBareArgument(tokens[i - 1])),
               let (power, end) = multiplierRun(tokens, from: i + 1) {
                out.append(shifted(whole: whole, fraction: fraction, by: power))
                i = end
                continue
            }
            if let w = word(tokens[i]), small[w] != nil || tens[w] != nil, let (value, end) = wordNumber(tokens, from: i) {
                out.append(.number(whole: Array(String(value).utf8), fraction: []))
                i = end
                continue
            }
            out.append(tokens[i])
            i += 1
        }
        return out
    }

    /// True for a token whose argument may be bare digits (`\frac12`, `10^3`, `x_2`): the digits there are not
    /// the whole numeral a multiplier word scales (the parser multiplies `\frac12 \text{ million}` instead).
    private static func takesBareArgument(_ t: Token) -> Bool {
        switch t {
        case .symbol(ASCII.caret), .symbol(ASCII.underscore): return true
        case .command(let c): return c == "frac" || c == "binom" || c == "sqrt"
        default: return false
        }
    }

    /// Multiplier words right after a numeral (`hundred`, one of `thousand` ... `trillion`, or `hundred`
    /// then one of those): their total power of ten and the index after them.
    private static func multiplierRun(_ t: [Token], from start: Int) -> (Int, Int)? {
        var k = start
        var power = 0
        if word(k < t.count ? t[k] : nil) == "hundred" {
            power = 2
            k += 1
        }
        if k < t.count, let p = multiplierPower(t[k]), p > 2 {
            power += p
            k += 1
        }
        return k > start ? (power, k) : nil
    }

    /// A decimal numeral times 10^power, exactly: the decimal point moves right.
    private static func shifted(whole: [UInt8], fraction: [UInt8], by power: Int) -> Token {
        let digits = whole + fraction
        let point = whole.count + power
        if point >= digits.count {
            return .number(whole: digits + [UInt8](repeating: UInt8(ascii: "0"), count: point - digits.count), fraction: [])
        }
        return .number(whole: Array(digits[0..<point]), fraction: Array(digits[point...]))
    }

    /// A run of number words starting at `start` (`two hundred and five thousand`, `twenty-one`): its value
    /// and the index after it; nil when no number word starts there. Values stay below 10^15.
    private static func wordNumber(_ t: [Token], from start: Int) -> (Int, Int)? {
        var total = 0
        var group = 0
        var k = start
        var words = 0
        var lastScale = Int.max
        var end = start
        while k < t.count, let w = word(t[k]) {
            if let v = small[w] ?? tens[w] {
                // After other words a value joins an empty place (two hundred five) or a ten (twenty five).
                let joins = group % 100 == 0 || (group % 100 >= 20 && group % 10 == 0 && v >= 1 && v <= 9)
                if words > 0 && !joins { break }
                group += v
                k += 1
                // twenty-one
                if tens[w] != nil, k + 1 < t.count, t[k] == .symbol(ASCII.minus), let u = word(t[k + 1]), let uv = small[u], uv >= 1, uv <= 9 {
                    group += uv
                    k += 2
                }
            } else if let p = multipliers[w], words > 0, group > 0 {
                if p == 2 {
                    if group >= 100 { break }
                    group *= 100
                } else {
                    if p >= lastScale { break }
                    total += group * pow10(p)
                    group = 0
                    lastScale = p
                }
                k += 1
            } else if w == "and", words > 0, k + 1 < t.count, let next = word(t[k + 1]), small[next] != nil || tens[next] != nil {
                k += 1
                continue
            } else {
                break
            }
            words += 1
            end = k
        }
        return words > 0 ? (total + group, end) : nil
    }

    /// 10^p for the small powers of `multipliers`.
    private static func pow10(_ p: Int) -> Int {
        var r = 1
        for _ in 0..<p { r *= 10 }
        return r
    }
}
