/// The numeric values a text mentions, as a multiset of canonical decimal strings.
///
/// Digits count wherever they stand, prose or math: `1,000`, `1{,}000`, `1,\!000` and `1000` are one value (a comma
/// groups digits only before exactly three digits and after a first group without a leading zero), and
/// `2.50` is `2.5`. Number words ("two", "twenty-five", "dozen", "squared") are kept apart, in `words`:
/// a rewrite that says "two" for `2` is a soft match, never an exact one (see `NumberCheck`).
public struct NumericValues: Sendable, Equatable {
    /// Each value written with digits, and how many times.
    public let digits: [String: Int]
    /// Each value written as a word, and how many times.
    public let words: [String: Int]
    /// Subscripts of variables (`x_1`, `a_{12}`): indices, not values, kept apart from `digits`.
    public let indices: [String: Int]
    /// Each value written as a cardinal number word ("six", "twenty-five", "a dozen"), and how many times: the
    /// words that state a quantity, unlike "second", "square" or "both", which often do not. "One" is left out: it is
    /// as often a pronoun ("one of them", "the first one") as a count.
    public let cardinals: [String: Int]

    /// The values in `text`.
    public init(_ text: String) {
        (digits, indices) = NumericValues.digitValues(text)
        words = NumericValues.wordValues(text)
        cardinals = NumericValues.cardinalValues(text)
    }

    /// Cardinal number words.
    static let cardinalTable: Set<String> = [
        "zero", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty",
        "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million", "dozen",
    ]

    static func cardinalValues(_ text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for word in lowercaseWords(text) {
            let parts = word.split(separator: "-").map(String.init)
            guard parts.allSatisfy(cardinalTable.contains) else { continue }
            let values = parts.compactMap { wordTable[$0] }
            // "twenty-five" is 25; "one-half" and the like are not cardinals.
            let value = parts.count == 2 && values[0] >= 20 && values[0] % 10 == 0 && values[1] < 10 ? values[0] + values[1]
                : parts.count == 1 ? values[0] : nil
            if let value { result[String(value), default: 0] += 1 }
        }
        return result
    }

    /// How many values are written with digits.
    public var digitCount: Int { digits.values.reduce(0, +) }

    /// The canonical form of a run of digits with an optional fraction: no leading or trailing zeros.
    public static func canonical(integer: String, fraction: String) -> String {
        var whole = String(integer.drop { $0 == "0" })
        if whole.isEmpty { whole = "0" }
        var frac = fraction
        while frac.hasSuffix("0") { frac.removeLast() }
        return frac.isEmpty ? whole : whole + "." + frac
    }

    static func digitValues(_ text: String) -> (values: [String: Int], indices: [String: Int]) {
        let s = Array(text.unicodeScalars)
        var result: [String: Int] = [:]
        var indices: [String: Int] = [:]
        func isLetter(_ k: Int) -> Bool { k >= 0 && k < s.count && ((s[k] >= "a" && s[k] <= "z") || (s[k] >= "A" && s[k] <= "Z")) }
        // A digit run right after `_` or `_{` that follows a variable (not a command such as `\log`) is an index.
        func isIndex(_ k: Int) -> Bool {
            var underscore = k - 1
            if underscore >= 0, s[underscore] == "{" { underscore -= 1 }
            guard underscore >= 1, s[underscore] == "_", isLetter(underscore - 1) else { return false }
            var start = underscore - 1
            while isLetter(start - 1) { start -= 1 }
            return !(start >= 1 && s[start - 1] == "\\")
        }
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < s.count && s[k].properties.numericType == .decimal && s[k].isASCII }
        while i < s.count {
            guard isDigit(i) || (s[i] == "." && isDigit(i + 1) && !(i > 0 && isDigit(i - 1))) else {
                i += 1
                continue
            }
            // `\frac12` is one half: after \frac, \dfrac or \tfrac, two bare digits are two arguments.
            var back = i
            while back > 0, s[back - 1] == " " { back -= 1 }
            if isDigit(i), isDigit(i + 1), !isDigit(i + 2), back >= 5,
               String(String.UnicodeScalarView(s[(back - 5)..<back])) == "\\frac" {
                result[String(s[i]), default: 0] += 1
                result[String(s[i + 1]), default: 0] += 1
                i += 2
                continue
            }
            let index = isIndex(i)
            var integer = ""
            while isDigit(i) {
                integer.unicodeScalars.append(s[i])
                i += 1
            }
            // Thousands groups: ",ddd" or "{,}ddd", only after a first group of 1-3 digits, no leading zero.
            if !integer.isEmpty, integer.count <= 3, !(integer.hasPrefix("0")) {
                while true {
                    var j = i
                    if j + 2 < s.count, s[j] == ",", s[j + 1] == "\\", s[j + 2] == "!" { j += 3 }
                    else if j < s.count, s[j] == "," { j += 1 }
                    else if j + 2 < s.count, s[j] == "{", s[j + 1] == ",", s[j + 2] == "}" { j += 3 }
                    else { break }
                    guard isDigit(j), isDigit(j + 1), isDigit(j + 2), !isDigit(j + 3) else { break }
                    for k in j..<(j + 3) { integer.unicodeScalars.append(s[k]) }
                    i = j + 3
                }
            }
            var fraction = ""
            if i + 1 < s.count, s[i] == ".", isDigit(i + 1) {
                i += 1
                while isDigit(i) {
                    fraction.unicodeScalars.append(s[i])
                    i += 1
                }
            }
            if index {
                indices[canonical(integer: integer, fraction: fraction), default: 0] += 1
            } else {
                result[canonical(integer: integer, fraction: fraction), default: 0] += 1
            }
        }
        return (result, indices)
    }

    /// Cardinal number words and a few words that state a number ("dozen", "squared", "cubed").
    static let wordTable: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
        "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
        "thousand": 1000, "million": 1_000_000, "dozen": 12, "squared": 2, "square": 2, "cubed": 3, "cube": 3,
        "twice": 2, "double": 2, "triple": 3, "thrice": 3, "half": 2, "halves": 2, "pair": 2, "once": 1,
        "single": 1, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
        "eighth": 8, "ninth": 9, "tenth": 10, "quarter": 4, "percent": 100, "both": 2, "doubling": 2,
        "doubled": 2, "squaring": 2, "cubing": 3, "halving": 2, "tripling": 3, "tripled": 3, "halved": 2, "quadruple": 4, "quadrupled": 4,
    ]

    static func wordValues(_ text: String) -> [String: Int] {
        var result: [String: Int] = [:]
        // A right angle is 90 degrees.
        let lower = text.lowercased()
        for phrase in ["right angle", "right triangle", "right-angled", "right-angle", "perpendicular"] {
            result["90", default: 0] += lower.ranges(of: phrase).count
        }
        for word in lowercaseWords(text) {
            // "twenty-five": both parts and their sum count.
            let parts = word.split(separator: "-").map(String.init)
            var sum = 0
            var all = true
            for part in parts {
                if let value = wordTable[part] {
                    result[String(value), default: 0] += 1
                    sum += value
                } else {
                    all = false
                }
            }
            if parts.count == 2, all { result[String(sum), default: 0] += 1 }
        }
        return result
    }

    /// Lower-case runs of ASCII letters and hyphens.
    static func lowercaseWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar == "-" && !current.isEmpty) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current.hasSuffix("-") ? String(current.dropLast()) : current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        // "halves"/"quarters"/"thirds": the plural names the same number.
        return words.map { $0.hasSuffix("s") && wordTable[String($0.dropLast())] != nil && wordTable[$0] == nil ? String($0.dropLast()) : $0 }
    }
}
