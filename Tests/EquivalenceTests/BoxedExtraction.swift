/// Finds the final answer of a model response: the content of its last `\boxed{...}` (or `\fbox{...}`, `\boxed 5`).
enum BoxedExtraction {
    /// Content of the last `\boxed{...}` / `\fbox{...}` with balanced braces, or nil when there is none.
    static func lastBoxed(in response: String) -> String? {
        let b = Array(response.utf8)
        var best: String? = nil
        var i = 0
        while i < b.count {
            guard b[i] == 92 else { i += 1; continue }
            var nameEnd = i + 1
            while nameEnd < b.count && ((b[nameEnd] >= 97 && b[nameEnd] <= 122) || (b[nameEnd] >= 65 && b[nameEnd] <= 90)) { nameEnd += 1 }
            let name = String(decoding: b[(i + 1)..<nameEnd], as: UTF8.self)
            guard name == "boxed" || name == "fbox" else { i = max(nameEnd, i + 1); continue }
            var j = nameEnd
            while j < b.count && b[j] == 32 { j += 1 }
            if j < b.count && b[j] == 123 {
                var depth = 0
                var k = j
                var closed = -1
                while k < b.count {
                    if b[k] == 92 { k += 2; continue }
                    if b[k] == 123 { depth += 1 } else if b[k] == 125 {
                        depth -= 1
                        if depth == 0 { closed = k; break }
                    }
                    k += 1
                }
                if closed > 0 {
                    best = String(decoding: b[(j + 1)..<closed], as: UTF8.self)
                    i = j + 1
                    continue
                }
            } else if j > nameEnd && j < b.count {
                // \boxed 5: up to the next space or $.
                var k = j
                while k < b.count && b[k] != 32 && b[k] != 36 && b[k] != 10 { k += 1 }
                if k > j { best = String(decoding: b[j..<k], as: UTF8.self) }
            }
            i = nameEnd
        }
        return best
    }

    /// All `\boxed{...}` / `\fbox{...}` contents with their byte ranges, in order.
    static func allBoxes(_ b: [UInt8]) -> [(start: Int, end: Int, content: String)] {
        var out: [(Int, Int, String)] = []
        var i = 0
        while i < b.count {
            guard b[i] == 92 else { i += 1; continue }
            var nameEnd = i + 1
            while nameEnd < b.count && ((b[nameEnd] >= 97 && b[nameEnd] <= 122) || (b[nameEnd] >= 65 && b[nameEnd] <= 90)) { nameEnd += 1 }
            let name = String(decoding: b[(i + 1)..<nameEnd], as: UTF8.self)
            guard name == "boxed" || name == "fbox" else { i = max(nameEnd, i + 1); continue }
            var j = nameEnd
            while j < b.count && b[j] == 32 { j += 1 }
            guard j < b.count, b[j] == 123 else { i = nameEnd; continue }
            var depth = 0
            var k = j
            var closed = -1
            while k < b.count {
                if b[k] == 92 { k += 2; continue }
                if b[k] == 123 { depth += 1 } else if b[k] == 125 {
                    depth -= 1
                    if depth == 0 { closed = k; break }
                }
                k += 1
            }
            if closed < 0 { i = nameEnd; continue }
            out.append((i, closed + 1, String(decoding: b[(j + 1)..<closed], as: UTF8.self)))
            i = closed + 1
        }
        return out
    }

    /// The trailing run of boxes separated only by list punctuation (",", "and", "\\quad", "$", ...), joined with ", "; else the last box.
    static func lastBoxedRun(in response: String) -> String? {
        let b = Array(response.utf8)
        let boxes = allBoxes(b)
        guard var k = boxes.indices.last else { return lastBoxed(in: response) }
        var parts = [boxes[k].content]
        while k > 0 {
            let gap = String(decoding: b[boxes[k - 1].end..<boxes[k].start], as: UTF8.self)
            guard isListGap(gap) else { break }
            parts.insert(boxes[k - 1].content, at: 0)
            k -= 1
        }
        return parts.joined(separator: ", ")
    }

    private static func isListGap(_ gap: String) -> Bool {
        var g = Substring(gap)
        let tokens = ["\\quad", "\\qquad", "\\text{and}", "\\text{ and }", "\\text{ or }", "\\text{or}", "\\(", "\\)", "\\[", "\\]",
                      "\\,", "\\;", "and", "or", "$", ",", ";", " ", "\n", "\t"]
        var steps = 0
        while !g.isEmpty && steps < 1000 {
            steps += 1
            var matched = false
            for t in tokens where g.hasPrefix(t) {
                g = g.dropFirst(t.count)
                matched = true
                break
            }
            if !matched { return false }
        }
        return true
    }
}
