/// Finds the answer inside free text (a fallback for answers that are sentences rather than mathematics).
enum ProseExtraction {
    private static let markers: [String] = [
        "final answer is", "final answer:", "answer is", "answer:", "the answer", "réponse est", "réponse :", "réponse:",
        "答案是", "答案：", "答案:", "答案为",
    ]

    private static func lower(_ b: [UInt8]) -> [UInt8] { b.map(ASCII.lowercased) }

    private static func find(_ hay: [UInt8], _ needle: [UInt8], last: Bool) -> Int? {
        if needle.isEmpty || needle.count > hay.count { return nil }
        var found: Int? = nil
        var i = 0
        while i + needle.count <= hay.count {
            var ok = true
            for k in 0..<needle.count where hay[i + k] != needle[k] { ok = false; break }
            if ok {
                if !last { return i }
                found = i
            }
            i += 1
        }
        return found
    }

    /// The sentence tail after position `from`: stops at a newline, ". ", "。" (leading blanks and colons skipped).
    private static func sentence(_ b: [UInt8], from: Int) -> [UInt8] {
        var s = from
        while s < b.count && (b[s] == ASCII.space || b[s] == ASCII.newline || b[s] == ASCII.colon || b[s] == ASCII.tab) { s += 1 }
        var e = s
        while e < b.count {
            if b[e] == ASCII.newline { break }
            if b[e] == ASCII.period && (e + 1 == b.count || b[e + 1] == ASCII.space || b[e + 1] == ASCII.newline) { break }
            if e + 2 < b.count && b[e] == 0xE3 && b[e + 1] == 0x80 && b[e + 2] == 0x82 { break } // 。
            e += 1
        }
        return Array(b[s..<e])
    }

    private static func isClean(_ b: [UInt8]) -> Bool {
        guard let r = MathAnswer.parse(MathAnswer.preclean(b)) else { return false }
        if case .raw = r.form { return false }
        return r.acceptableCandidate
    }

    /// A best-effort final answer found in prose, or nil.
    static func candidate(_ text: String) -> String? {
        if let boxed = LastBox.content(of: text) { return boxed }
        var b = Array(text.utf8)
        if b.count > EquivalenceLimits.proseBytes { b = Array(b.suffix(EquivalenceLimits.proseBytes)) }
        let lb = lower(b)
        let hasDigit = b.contains(where: ASCII.isDigit)
        var markerEnd: Int? = nil
        var bestPos = -1
        for m in markers {
            let mb = Array(m.utf8)
            if let pos = find(lb, mb, last: true), pos > bestPos { bestPos = pos; markerEnd = pos + mb.count }
        }
        if !hasDigit, let letter = choiceLetter(b, after: markerEnd) { return letter }
        var region = b
        var fromMarker = false
        if let me = markerEnd {
            let tail = sentence(b, from: me)
            if isClean(tail) { return String(decoding: tail, as: UTF8.self) }
            if !tail.isEmpty { region = tail; fromMarker = true }
        }
        if fromMarker, let t = isTail(region) { return t.text }
        let seg = lastMathSegment(region)
        if fromMarker, let seg { return seg.text }
        // Otherwise the latest-ending candidate wins (ties: math segment, bold, "is" tail, bare number run).
        var options: [(end: Int, text: String)] = []
        if let seg { options.append(seg) }
        if let bold = lastBold(region) { options.append(bold) }
        if let t = isTail(region) { options.append(t) }
        if let time = lastClockTime(region) { options.append(time) }
        if let run = mathRun(region, last: !fromMarker) { options.append(run) }
        var best: (end: Int, text: String)? = nil
        for o in options where o.end > (best?.end ?? -1) { best = o }
        if let best { return best.text }
        if region.count != b.count, let r = mathRun(b, last: true) { return r.text }
        return nil
    }

    /// The clean tail after the last " is " (or its translations), with where it ends.
    private static func isTail(_ region: [UInt8]) -> (end: Int, text: String)? {
        for m in [" is ", " est ", "是", "为"] {
            if let pos = find(lower(region), Array(m.utf8), last: true) {
                var tail = sentence(region, from: pos + m.utf8.count)
                if let f = tail.first, ASCII.isDigit(f) {
                    let whole = tail
                    while let l = tail.last, !ASCII.isDigit(l) && l != ASCII.closeParen && l != ASCII.closeBracket
                        && l != ASCII.closeBrace { tail.removeLast() }
                    // "is 4 thousand people": the multiplier stays, the unit goes.
                    if let e = multiplierEnd(whole, from: tail.count) { tail = Array(whole[0..<e]) }
                }
                // A tail that starts with a word ("is a zero matrix: ...") is prose, not an answer.
                if tail.count >= 2, ASCII.isLetter(tail[0]), ASCII.isLetter(tail[1]) { continue }
                if isClean(tail) { return (pos + m.utf8.count + tail.count, String(decoding: tail, as: UTF8.self)) }
            }
        }
        return nil
    }

    private static func lastMathSegment(_ b: [UInt8]) -> (end: Int, text: String)? {
        var ranges: [(start: Int, end: Int)] = []
        // $...$ and $$...$$ (unescaped).
        var dollars: [Int] = []
        var i = 0
        while i < b.count {
            if b[i] == ASCII.backslash { i += 2; continue }
            if b[i] == ASCII.dollar {
                dollars.append(i)
                if i + 1 < b.count && b[i + 1] == ASCII.dollar { i += 2; continue }
            }
            i += 1
        }
        var k = 0
        while k + 1 < dollars.count {
            var s = dollars[k] + 1
            if s < b.count && b[s] == ASCII.dollar { s += 1 }
            let e = dollars[k + 1]
            if e > s { ranges.append((s, e)) }
            k += 2
        }
        // \( ... \) and \[ ... \]
        for (o, c) in [(ASCII.openParen, ASCII.closeParen), (ASCII.openBracket, ASCII.closeBracket)] {
            var j = 0
            while j + 1 < b.count {
                if b[j] == ASCII.backslash && b[j + 1] == o {
                    var e = j + 2
                    while e + 1 < b.count && !(b[e] == ASCII.backslash && b[e + 1] == c) { e += 1 }
                    if e + 1 < b.count {
                        ranges.append((j + 2, e))
                        j = e + 2
                        continue
                    }
                }
                j += 1
            }
        }
        // The last clean segment (checked from the end, with a bounded number of parses).
        var tried = 0
        for r in ranges.sorted(by: { $0.end > $1.end }) where tried < EquivalenceLimits.proseSegmentParses {
            let content = Array(b[r.start..<r.end])
            if !content.contains(where: { $0 != ASCII.space && $0 != ASCII.newline && $0 != ASCII.tab }) { continue }
            tried += 1
            if isClean(content) { return (r.end + 1, String(decoding: content, as: UTF8.self)) }
        }
        return nil
    }

    private static func lastBold(_ b: [UInt8]) -> (end: Int, text: String)? {
        var stars: [Int] = []
        var i = 0
        while i + 1 < b.count {
            if b[i] == ASCII.asterisk && b[i + 1] == ASCII.asterisk { stars.append(i); i += 2; continue }
            i += 1
        }
        var k = stars.count - 2
        while k >= 0 {
            let s = stars[k] + 2
            let e = stars[k + 1]
            if e > s && (k % 2 == 0) {
                let content = Array(b[s..<e])
                if content.contains(where: ASCII.isDigit) { return (e, String(decoding: content, as: UTF8.self)) }
            }
            k -= 1
        }
        return nil
    }

    /// Bytes trimmed from the start of a number run: space and `= , . ) + * /`.
    private static let runCannotStart: [UInt8] = [
        ASCII.space, ASCII.equals, ASCII.comma, ASCII.period, ASCII.closeParen, ASCII.plus, ASCII.asterisk, ASCII.slash,
    ]
    /// Bytes trimmed from the end of a number run: space and `= , . ( + - * /`.
    private static let runCannotEnd: [UInt8] = [
        ASCII.space, ASCII.equals, ASCII.comma, ASCII.period, ASCII.openParen, ASCII.plus, ASCII.minus, ASCII.asterisk,
        ASCII.slash,
    ]

    /// The last clock time in prose ("leaves at 7:15 a.m."): `H:MM`, `H:MM:SS`, either with a.m./p.m., or
    /// `H a.m.`, with where it ends; a bare number run would lose the minutes and the a.m./p.m.
    private static func lastClockTime(_ b: [UInt8]) -> (end: Int, text: String)? {
        var found: (end: Int, text: String)? = nil
        var i = 0
        while i < b.count {
            guard ASCII.isDigit(b[i]), i == 0 || !ASCII.isAlphanumeric(b[i - 1]) else { i += 1; continue }
            let start = i
            var k = i
            while k < b.count && k - start < 2 && ASCII.isDigit(b[k]) { k += 1 }
            var colonParts = 0
            while colonParts < 2, k + 2 < b.count, b[k] == ASCII.colon, ASCII.isDigit(b[k + 1]), ASCII.isDigit(b[k + 2]),
                  k + 3 == b.count || !ASCII.isDigit(b[k + 3]) {
                k += 3
                colonParts += 1
            }
            let meridiemEnd = ProseExtraction.meridiemEnd(b, from: k)
            if (colonParts > 0 || meridiemEnd != nil) && (k == b.count || !ASCII.isDigit(b[k])) {
                let end = meridiemEnd ?? k
                // Ranked by where it ends, spaces included, as a number run that it contains would be.
                var rankEnd = end
                while rankEnd < b.count && b[rankEnd] == ASCII.space { rankEnd += 1 }
                found = (rankEnd, String(decoding: b[start..<end], as: UTF8.self))
            }
            i = Swift.max(k, i + 1)
        }
        return found
    }

    /// Where a multiplier word (`thousand`, `million`, ...) right after `start` (spaces allowed) ends, else nil.
    private static func multiplierEnd(_ b: [UInt8], from start: Int) -> Int? {
        var k = start
        while k < b.count && b[k] == ASCII.space { k += 1 }
        let wordStart = k
        while k < b.count && ASCII.isLetter(b[k]) { k += 1 }
        guard k > wordStart, NumberWords.multiplierPower(String(decoding: b[wordStart..<k], as: UTF8.self)) != nil else { return nil }
        return k
    }

    /// Where `am`, `a.m.`, `PM`, ... ends after optional spaces at `k` (the next byte must not be a letter).
    private static func meridiemEnd(_ b: [UInt8], from start: Int) -> Int? {
        var k = start
        while k < b.count && b[k] == ASCII.space { k += 1 }
        guard k < b.count, [UInt8(ascii: "a"), UInt8(ascii: "p")].contains(ASCII.lowercased(b[k])) else { return nil }
        k += 1
        if k < b.count && b[k] == ASCII.period { k += 1 }
        guard k < b.count, ASCII.lowercased(b[k]) == UInt8(ascii: "m") else { return nil }
        k += 1
        if k < b.count && b[k] == ASCII.period { k += 1 }
        if k < b.count && ASCII.isLetter(b[k]) { return nil }
        return k
    }

    private static func mathRun(_ b: [UInt8], last: Bool) -> (end: Int, text: String)? {
        func isMath(_ c: UInt8) -> Bool {
            ASCII.isDigit(c) || c == ASCII.period || c == ASCII.comma || c == ASCII.slash || c == ASCII.plus
                || c == ASCII.minus || c == ASCII.asterisk || c == ASCII.caret || c == ASCII.openParen
                || c == ASCII.closeParen || c == ASCII.equals || c == ASCII.space
        }
        var runs: [(Int, Int)] = []
        var i = 0
        while i < b.count {
            guard ASCII.isDigit(b[i]) else { i += 1; continue }
            var s = i
            while s > 0 && isMath(b[s - 1]) && b[s - 1] != ASCII.equals { s -= 1 }
            var t = i
            while t < b.count && isMath(b[t]) { t += 1 }
            // Skip digit groups glued to letters (e.g. AZYUK2A).
            var glued = false
            var k = s
            while k < t {
                if ASCII.isDigit(b[k]) {
                    var e = k
                    while e < t && ASCII.isDigit(b[e]) { e += 1 }
                    if k > 0 && ASCII.isLetter(b[k - 1]) { glued = true }
                    k = e
                } else { k += 1 }
            }
            if !glued { runs.append((s, t)) }
            i = max(t, i + 1)
        }
        for (s, t) in (last ? Array(runs.reversed()) : runs) {
            var run = Array(b[s..<t])
            while let f = run.first, runCannotStart.contains(f) { run.removeFirst() }
            while let l = run.last, runCannotEnd.contains(l) { run.removeLast() }
            let opens = run.filter { $0 == ASCII.openParen }.count
            let closes = run.filter { $0 == ASCII.closeParen }.count
            if opens != closes { run = run.filter { $0 != ASCII.openParen && $0 != ASCII.closeParen } }
            // "4 thousand people": the multiplier word belongs to the number.
            if !run.isEmpty, let e = multiplierEnd(b, from: t) {
                return (e, String(decoding: run + [ASCII.space] + b[t..<e].drop(while: { $0 == ASCII.space }), as: UTF8.self))
            }
            if !run.isEmpty { return (t, String(decoding: run, as: UTF8.self)) }
        }
        return nil
    }

    /// A multiple-choice letter A-E found in prose (first after an answer marker, else the first not negated).
    private static func choiceLetter(_ b: [UInt8], after: Int?) -> String? {
        var positions: [Int] = []
        for i in 0..<b.count where b[i] >= UInt8(ascii: "A") && b[i] <= UInt8(ascii: "E") {
            let prevOK = i == 0 || !ASCII.isAlphanumeric(b[i - 1]) && b[i - 1] != ASCII.apostrophe
            let nextOK = i + 1 == b.count || !ASCII.isAlphanumeric(b[i + 1]) && b[i + 1] != ASCII.apostrophe
            if prevOK && nextOK { positions.append(i) }
        }
        if positions.isEmpty { return nil }
        if let a = after, let p = positions.first(where: { $0 >= a }) { return String(UnicodeScalar(b[p])) }
        let lb = lower(b)
        var prevNegated = false
        var firstFree: Int? = nil
        for p in positions {
            let w = Array(lb[max(0, p - 16)..<p])
            var neg = false
            for n in ["not ", "non ", "n't", "不是", "pas "] where find(w, Array(n.utf8), last: false) != nil { neg = true }
            if !neg && prevNegated, let orPos = find(w, Array(" or ".utf8), last: true), orPos + 4 == w.count { neg = true }
            if !neg && firstFree == nil { firstFree = p }
            prevNegated = neg
        }
        if let f = firstFree { return String(UnicodeScalar(b[f])) }
        return positions.last.map { String(UnicodeScalar(b[$0])) }
    }
}
