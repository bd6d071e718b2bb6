/// One lexical unit of a normalised answer (internal to the parser).
enum Token: Sendable, Equatable {
    /// A decimal literal: digits before and after the point (thousands separators removed).
    case number(whole: [UInt8], fraction: [UInt8])
    /// A run of ASCII letters outside text mode.
    case ident(String)
    /// A word from text mode or a non-ASCII run (units, prose, text answers).
    case word(String)
    /// A backslash command such as `frac` or `{` (for `\{`).
    case command(String)
    /// A single punctuation or operator character.
    case symbol(UInt8)
    /// A two-character relation such as `<=`, `>=`, `!=`.
    case relation(String)
}
