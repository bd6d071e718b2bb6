/// Finds the answer inside free text (a fallback for answers that are sentences rather than mathematics).
enum ProseExtraction {
    private static let markers: [String] = [
        "final answer is", "final answer:", "answer is", "answer:", "the answer", "réponse est", "réponse :", "réponse:",
        "答案是", "答案：", "答案:", "答案为",
    ]

    private static func lower(_ b: [UInt8]) -> [UInt8] { b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }

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

    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }

    /// The sentence tail after position `from`: stops at a newline, ". ", "。" (leading whitespace skipped).
    private static func sentence(_ b: [UInt8], from: Int) -> [UInt8] {
        var s = from
        while s < b.count && (b[s] == 32 || b[s] == 10 || b[s] == 58 || b[s] == 9) { s += 1 }
        var e = s
        while e < b.count {
            if b[e] == 10 { break }
            if b[e] == 46 && (e + 1 == b.count || b[e + 1] == 32 || b[e + 1] == 10) { break }
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
        if b.count > 20_000 { b = Array(b.suffix(20_000)) }
        let lb = lower(b)
        let hasDigit = b.contains { $0 >= 48 && $0 <= 57 }
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
                if let f = tail.first, f >= 48 && f <= 57 {
                    while let l = tail.last, !(l >= 48 && l <= 57) && l != 41 && l != 93 && l != 125 { tail.removeLast() }
                }
                // A tail that starts with a word ("is a zero matrix: ...") is prose, not an answer.
                if tail.count >= 2, (tail[0] | 32) >= 97 && (tail[0] | 32) <= 122, (tail[1] | 32) >= 97 && (tail[1] | 32) <= 122 { continue }
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
            if b[i] == 92 { i += 2; continue }
            if b[i] == 36 {
                dollars.append(i)
                if i + 1 < b.count && b[i + 1] == 36 { i += 2; continue }
            }
            i += 1
        }
        var k = 0
        while k + 1 < dollars.count {
            var s = dollars[k] + 1
            if s < b.count && b[s] == 36 { s += 1 }
            let e = dollars[k + 1]
            if e > s { ranges.append((s, e)) }
            k += 2
        }
        // \( ... \) and \[ ... \]
        for (o, c) in [(40, 41), (91, 93)] as [(UInt8, UInt8)] {
            var j = 0
            while j + 1 < b.count {
                if b[j] == 92 && b[j + 1] == o {
                    var e = j + 2
                    while e + 1 < b.count && !(b[e] == 92 && b[e + 1] == c) { e += 1 }
                    if e + 1 < b.count {
                        ranges.append((j + 2, e))
                        j = e + 2
                        continue
                    }
                }
                j += 1
            }
        }
        // The last clean segment (checked from the end; at most 8 parses).
        var tried = 0
        for r in ranges.sorted(by: { $0.end > $1.end }) where tried < 8 {
            let content = Array(b[r.start..<r.end])
            if !content.contains(where: { $0 != 32 && $0 != 10 && $0 != 9 }) { continue }
            tried += 1
            if isClean(content) { return (r.end + 1, String(decoding: content, as: UTF8.self)) }
        }
        return nil
    }

    private static func lastBold(_ b: [UInt8]) -> (end: Int, text: String)? {
        var stars: [Int] = []
        var i = 0
        while i + 1 < b.count {
            if b[i] == 42 && b[i + 1] == 42 { stars.append(i); i += 2; continue }
            i += 1
        }
        var k = stars.count - 2
        while k >= 0 {
            let s = stars[k] + 2
            let e = stars[k + 1]
            if e > s && (k % 2 == 0) {
                let content = Array(b[s..<e])
                if content.contains(where: { $0 >= 48 && $0 <= 57 }) { return (e, String(decoding: content, as: UTF8.self)) }
            }
            k -= 1
        }
        return nil
    }

    private static func mathRun(_ b: [UInt8], last: Bool) -> (end: Int, text: String)? {
        func isMath(_ c: UInt8) -> Bool {
            (c >= 48 && c <= 57) || c == 46 || c == 44 || c == 47 || c == 43 || c == 45 || c == 42 || c == 94 || c == 40
                || c == 41 || c == 61 || c == 32
        }
        func isLetter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        var runs: [(Int, Int)] = []
        var i = 0
        while i < b.count {
            guard b[i] >= 48 && b[i] <= 57 else { i += 1; continue }
            var s = i
            while s > 0 && isMath(b[s - 1]) && b[s - 1] != 61 { s -= 1 }
            var t = i
            while t < b.count && isMath(b[t]) { t += 1 }
            // Skip digit groups glued to letters (e.g. AZYUK2A).
            var glued = false
            var k = s
            while k < t {
                if b[k] >= 48 && b[k] <= 57 {
                    var e = k
                    while e < t && b[e] >= 48 && b[e] <= 57 { e += 1 }
                    if k > 0 && isLetter(b[k - 1]) { glued = true }
                    k = e
                } else { k += 1 }
            }
            if !glued { runs.append((s, t)) }
            i = max(t, i + 1)
        }
        for (s, t) in (last ? Array(runs.reversed()) : runs) {
            var run = Array(b[s..<t])
            while let f = run.first, f == 32 || f == 61 || f == 44 || f == 46 || f == 41 || f == 43 || f == 42 || f == 47 { run.removeFirst() }
            while let l = run.last, l == 32 || l == 61 || l == 44 || l == 46 || l == 40 || l == 43 || l == 45 || l == 42 || l == 47 { run.removeLast() }
            let opens = run.filter { $0 == 40 }.count
            let closes = run.filter { $0 == 41 }.count
            if opens != closes { run = run.filter { $0 != 40 && $0 != 41 } }
            if !run.isEmpty { return (t, String(decoding: run, as: UTF8.self)) }
        }
        return nil
    }

    /// A multiple-choice letter A-E found in prose (first after an answer marker, else the first not negated).
    private static func choiceLetter(_ b: [UInt8], after: Int?) -> String? {
        var positions: [Int] = []
        for i in 0..<b.count where b[i] >= 65 && b[i] <= 69 {
            let prevOK = i == 0 || !isAlnum(b[i - 1]) && b[i - 1] != 39
            let nextOK = i + 1 == b.count || !isAlnum(b[i + 1]) && b[i + 1] != 39
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
