/// Names for the ASCII bytes the engine reads and writes (internal): answers are handled as UTF-8 bytes, and
/// `.symbol(ASCII.openParen)` says what `.symbol(40)` does not.
enum ASCII {
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let verticalTab: UInt8 = 0x0B
    static let formFeed: UInt8 = 0x0C
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let exclamation = UInt8(ascii: "!")
    static let hash = UInt8(ascii: "#")
    static let dollar = UInt8(ascii: "$")
    static let percent = UInt8(ascii: "%")
    static let ampersand = UInt8(ascii: "&")
    static let apostrophe = UInt8(ascii: "'")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let asterisk = UInt8(ascii: "*")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let minus = UInt8(ascii: "-")
    static let period = UInt8(ascii: ".")
    static let slash = UInt8(ascii: "/")
    static let colon = UInt8(ascii: ":")
    static let semicolon = UInt8(ascii: ";")
    static let less = UInt8(ascii: "<")
    static let equals = UInt8(ascii: "=")
    static let greater = UInt8(ascii: ">")
    static let openBracket = UInt8(ascii: "[")
    static let backslash = UInt8(ascii: "\\")
    static let closeBracket = UInt8(ascii: "]")
    static let caret = UInt8(ascii: "^")
    static let underscore = UInt8(ascii: "_")
    static let openBrace = UInt8(ascii: "{")
    static let bar = UInt8(ascii: "|")
    static let closeBrace = UInt8(ascii: "}")
    static let tilde = UInt8(ascii: "~")

    /// True for `0`...`9`.
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    /// True for `A`...`Z`.
    @inline(__always) static func isUppercase(_ c: UInt8) -> Bool { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
    /// True for `A`...`Z` and `a`...`z`.
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool {
        isUppercase(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
    }
    /// True for ASCII letters and digits.
    @inline(__always) static func isAlphanumeric(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
    /// True for space, tab, line feed and carriage return.
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == space || c == tab || c == newline || c == carriageReturn
    }
    /// The lower-case letter for `A`...`Z`; any other byte unchanged.
    @inline(__always) static func lowercased(_ c: UInt8) -> UInt8 { isUppercase(c) ? c + 32 : c }
    /// The value of a digit byte (`7` gives 7).
    @inline(__always) static func digitValue(_ c: UInt8) -> Int { Int(c - UInt8(ascii: "0")) }
}
