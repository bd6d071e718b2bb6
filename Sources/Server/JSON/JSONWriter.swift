import Glibc

/// Serialises JSON values straight into one malloc'd buffer, with no intermediate tree: compact, members in
/// order, reals with 17 significant digits (round-trips every double), the same text jansson wrote before
/// (`"\u001F"`-style escapes for control characters, `1e-5` exponents, `1.0` for whole reals).
enum JSONWriter {
    /// A malloc'd, serialised document: the HTTP layer hands it to libmicrohttpd, which frees it.
    struct Buffer: @unchecked Sendable {
        let bytes: UnsafeMutableRawPointer
        let count: Int
    }

    /// Serialises `value` compactly; nil only when memory runs out.
    static func serialize(_ value: JSON) -> Buffer? {
        var output = Output()
        output.write(value)
        return output.finish()
    }

    /// Serialises `value` into a String (for the command line and tests).
    static func string(_ value: JSON) -> String? {
        guard let buffer = serialize(value) else { return nil }
        defer { free(buffer.bytes) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.bytes, count: buffer.count), as: UTF8.self)
    }

    /// A JSON array written element by element: each element's tree lives only while it is written.
    struct ArrayStream {
        private var output = Output()
        private var empty = true

        init() {
            output.append(UInt8(ascii: "["))
        }

        /// Appends one element.
        mutating func append(_ element: JSON) {
            if !empty { output.append(UInt8(ascii: ",")) }
            empty = false
            output.write(element)
        }

        /// Appends one number (`integral`: written as an integer).
        mutating func append(_ number: Double, integral: Bool = false) {
            append(integral ? .int(Int(number)) : .double(number))
        }

        /// The array as a value; `.null` only when memory ran out.
        consuming func finish() -> JSON {
            output.append(UInt8(ascii: "]"))
            return output.finish().map { .raw(JSONText($0)) } ?? .null
        }
    }

    /// A growing malloc'd byte buffer. Past glibc's mmap threshold a realloc remaps pages rather than copying,
    /// so a large answer is never held twice while it grows.
    private struct Output {
        private var base: UnsafeMutablePointer<UInt8>?
        private var count = 0
        private var capacity = 0
        private var failed = false

        /// The buffer, handed over; nil when memory ran out.
        mutating func finish() -> Buffer? {
            guard !failed, reserve(1), let base else {
                free(base)
                return nil
            }
            return Buffer(bytes: UnsafeMutableRawPointer(base), count: count)
        }

        /// Room for `extra` more bytes; false when memory ran out.
        private mutating func reserve(_ extra: Int) -> Bool {
            guard !failed else { return false }
            guard count + extra > capacity else { return true }
            let grown = max(count + extra, capacity * 2, 256)
            guard let moved = realloc(base, grown) else {
                failed = true
                return false
            }
            base = moved.assumingMemoryBound(to: UInt8.self)
            capacity = grown
            return true
        }

        mutating func append(_ byte: UInt8) {
            guard reserve(1), let base else { return }
            base[count] = byte
            count += 1
        }

        private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard bytes.count > 0, reserve(bytes.count), let base, let source = bytes.baseAddress else { return }
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        private mutating func append(_ text: StaticString) {
            append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func write(_ value: JSON) {
            switch value {
            case .null: append("null")
            case .bool(let flag): append(flag ? "true" : "false")
            case .int(let number): writeInteger(number)
            case .double(let number):
                // JSON has no spelling for NaN and infinities.
                number.isFinite ? writeReal(number) : append("null")
            case .string(var text):
                text.withUTF8 { writeString($0) }
            case .array(let items):
                append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { append(UInt8(ascii: ",")) }
                    write(item)
                }
                append(UInt8(ascii: "]"))
            case .raw(let text):
                append(UnsafeBufferPointer(start: text.buffer.bytes.assumingMemoryBound(to: UInt8.self),
                                           count: text.buffer.count))
            case .object(let members):
                append(UInt8(ascii: "{"))
                for (i, (key, item)) in members.enumerated() {
                    if i > 0 { append(UInt8(ascii: ",")) }
                    var key = key
                    key.withUTF8 { writeString($0) }
                    append(UInt8(ascii: ":"))
                    write(item)
                }
                append(UInt8(ascii: "}"))
            }
        }

        private mutating func writeInteger(_ number: Int) {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for -9223372036854775808
            withUnsafeMutableBytes(of: &digits) { raw in
                let end = raw.count
                var i = end
                var magnitude = number.magnitude
                repeat {
                    i -= 1
                    raw[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                } while magnitude > 0
                if number < 0 {
                    i -= 1
                    raw[i] = UInt8(ascii: "-")
                }
                append(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[i ..< end]))
            }
        }

        /// `%.17g`, then as jansson: `.0` when the text has neither `.` nor `e`, and no `+` or leading zeros in
        /// the exponent.
        private mutating func writeReal(_ number: Double) {
            var text = [CChar](repeating: 0, count: 40)
            let length = text.withUnsafeMutableBufferPointer { buffer in
                withVaList([number]) { vsnprintf(buffer.baseAddress, buffer.count, "%.17g", $0) }
            }
            var bytes = text.prefix(Int(max(0, length))).map { UInt8(bitPattern: $0) }
            if let e = bytes.firstIndex(of: UInt8(ascii: "e")) {
                var start = e + 1
                if start < bytes.count, bytes[start] == UInt8(ascii: "-") { start += 1 }
                var end = start
                while end < bytes.count, bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "0") { end += 1 }
                if end == bytes.count { end -= 1 }  // keep one digit
                bytes.removeSubrange(start ..< end)
            } else if !bytes.contains(UInt8(ascii: ".")) {
                bytes += [UInt8(ascii: "."), UInt8(ascii: "0")]
            }
            bytes.withUnsafeBufferPointer { append($0) }
        }

        /// A quoted string: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00XX`; the rest as is.
        private mutating func writeString(_ text: UnsafeBufferPointer<UInt8>) {
            append(UInt8(ascii: "\""))
            var run = 0  // start of the bytes not yet written
            for (i, byte) in text.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                append(UnsafeBufferPointer(rebasing: text[run ..< i]))
                run = i + 1
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x08: append("\\b")
                case 0x0C: append("\\f")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
                    append("\\u00")
                    append(hex[Int(byte >> 4)])
                    append(hex[Int(byte & 0xF)])
                }
            }
            append(UnsafeBufferPointer(rebasing: text[run...]))
            append(UInt8(ascii: "\""))
        }
    }
}
