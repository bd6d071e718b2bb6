/// Clock times as whole answers (internal): `14:05`, `14:05:00`, `2:05 p.m.`, `\text{2:05 PM}`, `7 a.m.`.
///
/// An answer is a time when it is hours `:` minutes (two digits, 00-59), optionally `:` seconds (two digits),
/// optionally followed by a.m./p.m.; or hours followed by a.m./p.m. Without a.m./p.m. the hours are read on a
/// 24-hour clock (0-23), with it on a 12-hour clock (1-12; 12 a.m. is midnight). Anything else with a colon
/// stays a ratio (`4:2`, `3:5`). A bare `H:MM` is ambiguous: it is a time to times and a ratio to ratios
/// (`11:21` is `22:42` as a ratio). docs/equivalence-policy.md states the rule and why.
enum ClockTime {
    /// A clock time read from a whole answer.
    struct Reading {
        /// Seconds since midnight.
        let seconds: Int
        /// For a bare `H:MM` (no seconds, no a.m./p.m.), hours and minutes: that text is also a ratio.
        let bare: (hours: Int, minutes: Int)?
    }

    /// The clock time when the whole token list is one, else nil.
    static func read(_ t: [Token]) -> Reading? {
        guard case .number(let h, let hf)? = t.first, hf.isEmpty, h.count >= 1, h.count <= 2 else { return nil }
        let hours = number(h)
        var k = 1
        var minutes = 0
        var secs = 0
        var hasMinutes = false
        var hasSeconds = false
        if k + 1 < t.count, t[k] == .symbol(ASCII.colon), let m = twoDigits(t[k + 1]) {
            minutes = m
            hasMinutes = true
            k += 2
            if k + 1 < t.count, t[k] == .symbol(ASCII.colon), let s = twoDigits(t[k + 1]) {
                secs = s
                hasSeconds = true
                k += 2
            }
        }
        let (meridiem, used) = self.meridiem(t, from: k)
        guard k + used == t.count, minutes < 60, secs < 60 else { return nil }
        var hours24 = hours
        if let pm = meridiem {
            guard hours >= 1, hours <= 12 else { return nil }
            hours24 = hours % 12 + (pm ? 12 : 0)
        } else {
            guard hasMinutes, hours <= 23 else { return nil }
        }
        let bare = meridiem == nil && !hasSeconds ? (hours, minutes) : nil
        return Reading(seconds: hours24 * 3600 + minutes * 60 + secs, bare: bare)
    }

    /// The value of a run of decimal digits (at most two here).
    private static func number(_ digits: [UInt8]) -> Int { digits.reduce(0) { $0 * 10 + ASCII.digitValue($1) } }

    /// The value of a two-digit number token (`05`), else nil.
    private static func twoDigits(_ tok: Token) -> Int? {
        guard case .number(let w, let f) = tok, f.isEmpty, w.count == 2 else { return nil }
        return number(w)
    }

    /// a.m./p.m. at `k` (`am`, `PM`, `a.m.`, `p . m`): true for p.m., and the number of tokens it takes
    /// (nil and 0 when there is none).
    private static func meridiem(_ t: [Token], from k: Int) -> (Bool?, Int) {
        func letters(_ tok: Token) -> String? {
            switch tok {
            case .ident(let s), .word(let s): return s.lowercased()
            default: return nil
            }
        }
        guard k < t.count, let first = letters(t[k]) else { return (nil, 0) }
        if first == "am" || first == "pm" {
            let dot = k + 1 < t.count && t[k + 1] == .symbol(ASCII.period) ? 1 : 0
            return (first == "pm", 1 + dot)
        }
        guard first == "a" || first == "p", k + 2 < t.count, t[k + 1] == .symbol(ASCII.period),
              letters(t[k + 2]) == "m" else { return (nil, 0) }
        let dot = k + 3 < t.count && t[k + 3] == .symbol(ASCII.period) ? 1 : 0
        return (first == "p", 3 + dot)
    }
}
