import CJansson
import Glibc

/// Serialises JSON values: the only file that sees `json_t`.
///
/// A small answer is built as a jansson tree and dumped in one pass. A large answer (the batch endpoints') is not
/// built whole: its big arrays are written element by element (`ArrayStream`) as text, so that the answer is held
/// only as text (issue 14: a tree per value cost about 60 bytes each, 35 times a body of small values). That text,
/// and any answer holding it (`JSON.raw`), is written by this file's own byte writer, straight into one buffer that
/// libmicrohttpd sends: no tree, no printf. It formats reals shortest round-trip (Swift's `description`, e.g. `0.1`;
/// jansson writes 17 digits, `0.10000000000000001`): both read back to the same double. On the hot path jansson's
/// trees and printf took 2 of the 5 ms of a 2,048-rollout `/v1/reward` (issue 18).
enum JSONWriter {
    /// A malloc'd, serialised document: the HTTP layer hands it to libmicrohttpd, which frees it.
    struct Buffer: @unchecked Sendable {
        let bytes: UnsafeMutableRawPointer
        let count: Int
    }

    /// Serialises `value` compactly; nil only when memory runs out.
    static func serialize(_ value: JSON) -> Buffer? {
        if !value.holdsRaw {
            guard let tree = build(value) else { return nil }
            defer { json_decref(tree) }
            // One pass: json_dumps allocates with malloc (jansson's default allocator), so free() releases it.
            guard let text = json_dumps(tree, coreward_json_dump_flags()) else { return nil }
            return Buffer(bytes: UnsafeMutableRawPointer(text), count: strlen(text))
        }
        let output = Output()
        output.write(value)
        return output.finish()
    }

    /// Serialises `value` into a String (for the command line and tests).
    static func string(_ value: JSON) -> String? {
        guard let buffer = serialize(value) else { return nil }
        defer { free(buffer.bytes) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.bytes, count: buffer.count), as: UTF8.self)
    }

    /// A JSON array written element by element, straight to text: no tree of values for the whole array.
    struct ArrayStream {
        private let output = Output()
        private var empty = true

        init() {
            output.append(UInt8(ascii: "["))
        }

        /// The comma before an element, unless it is the first.
        private mutating func separate() {
            if !empty { output.append(UInt8(ascii: ",")) }
            empty = false
        }

        /// Appends one element.
        mutating func append(_ element: JSON) {
            separate()
            output.write(element)
        }

        /// Appends the elements of another stream, in order.
        mutating func append(contentsOf other: borrowing ArrayStream) {
            guard !other.empty else { return }
            separate()
            output.append(elementsOf: other.output)
        }

        /// Appends an array of numbers, each written as the double it widens to (no tree of values).
        mutating func append(numbers: [Float]) {
            separate()
            output.append(UInt8(ascii: "["))
            for (i, number) in numbers.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                output.write(.double(Double(number)))
            }
            output.append(UInt8(ascii: "]"))
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

    /// Builds a jansson tree; the caller owns the returned reference. A `.raw` value has no tree (callers check
    /// `holdsRaw` first).
    private static func build(_ value: JSON) -> UnsafeMutablePointer<json_t>? {
        switch value {
        case .null, .raw: return json_null()
        case .bool(let flag): return flag ? json_true() : json_false()
        case .int(let number): return json_integer(json_int_t(number))
        case .double(let number):
            // jansson refuses NaN and infinities; JSON has no spelling for them.
            return number.isFinite ? json_real(number) : json_null()
        case .string(var text):
            return text.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    guard let base = chars.baseAddress else { return json_string("") }
                    return json_stringn_nocheck(base, chars.count)
                }
            }
        case .array(let items):
            guard let array = json_array() else { return nil }
            for item in items {
                guard let child = build(item), json_array_append_new(array, child) == 0 else {
                    json_decref(array)
                    return nil
                }
            }
            return array
        case .object(let members):
            guard let object = json_object() else { return nil }
            for (key, item) in members {
                guard let child = build(item), json_object_set_new_nocheck(object, key, child) == 0 else {
                    json_decref(object)
                    return nil
                }
            }
            return object
        }
    }

    /// A growing malloc'd byte buffer that text is appended to. Past glibc's mmap threshold a realloc remaps pages
    /// rather than copying, so a large answer is never held twice while it grows. A buffer never handed over (the
    /// request failed while its answer was being written) is freed with the object.
    private final class Output {
        private var base: UnsafeMutablePointer<UInt8>?
        private var count = 0
        private var capacity = 0
        private var failed = false

        deinit { free(base) }

        /// The buffer, handed over (the caller frees it); nil when memory ran out.
        func finish() -> Buffer? {
            guard !failed, reserve(1), let taken = base else { return nil }  // deinit frees what is not handed over
            base = nil
            return Buffer(bytes: UnsafeMutableRawPointer(taken), count: count)
        }

        /// Room for `extra` more bytes; false when memory ran out.
        private func reserve(_ extra: Int) -> Bool {
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

        func append(_ byte: UInt8) {
            guard reserve(1), let base else { return }
            base[count] = byte
            count += 1
        }

        /// Appends another output's text after its first byte (an array stream's `[`).
        func append(elementsOf other: Output) {
            guard let source = other.base, other.count > 1 else { return }
            append(UnsafeRawPointer(source + 1), other.count - 1)
        }

        private func append(_ bytes: UnsafeRawPointer, _ length: Int) {
            guard length > 0, reserve(length), let base else { return }
            (base + count).update(from: bytes.assumingMemoryBound(to: UInt8.self), count: length)
            count += length
        }

        /// Writes `value` as compact JSON text.
        func write(_ value: JSON) {
            switch value {
            case .null: append(literal: "null")
            case .bool(let flag): append(literal: flag ? "true" : "false")
            case .int(let number): append(integer: number)
            case .double(let number): append(real: number)
            case .string(let text): append(string: text)
            case .raw(let text): append(UnsafeRawPointer(text.buffer.bytes), text.buffer.count)
            case .array(let items):
                append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { append(UInt8(ascii: ",")) }
                    write(item)
                }
                append(UInt8(ascii: "]"))
            case .object(let members):
                append(UInt8(ascii: "{"))
                for (i, (key, item)) in members.enumerated() {
                    if i > 0 { append(UInt8(ascii: ",")) }
                    append(string: key)
                    append(UInt8(ascii: ":"))
                    write(item)
                }
                append(UInt8(ascii: "}"))
            }
        }

        private func append(literal: StaticString) {
            append(UnsafeRawPointer(literal.utf8Start), literal.utf8CodeUnitCount)
        }

        /// Decimal digits, without a heap allocation.
        private func append(integer: Int) {
            guard reserve(20), let base else { return }  // "-9223372036854775808" is 20 bytes
            var magnitude = integer.magnitude
            if integer < 0 {
                base[count] = UInt8(ascii: "-")
                count += 1
            }
            var digits = 1
            var probe = magnitude
            while probe >= 10 {
                probe /= 10
                digits += 1
            }
            var position = count + digits
            count = position
            repeat {
                position -= 1
                base[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
        }

        /// The shortest decimal that reads back as `real` (`1e-05`, `0.5`, `2.0`: all JSON numbers); `null` for NaN
        /// and the infinities, which JSON cannot spell.
        private func append(real: Double) {
            guard real.isFinite else {
                append(literal: "null")
                return
            }
            var text = real.description
            text.withUTF8 { bytes in
                if let start = bytes.baseAddress { append(UnsafeRawPointer(start), bytes.count) }
            }
        }

        /// A string literal: `"` and `\` escaped, control characters as `\n`-style or `\u00XX` escapes, the rest
        /// as its UTF-8 bytes (as jansson writes it without `JSON_ENSURE_ASCII`).
        private func append(string: String) {
            var text = string
            text.withUTF8 { bytes in
                append(UInt8(ascii: "\""))
                guard let start = bytes.baseAddress else {
                    append(UInt8(ascii: "\""))
                    return
                }
                var run = 0  // bytes[run..<i] need no escape and are not written yet
                for i in 0..<bytes.count {
                    let byte = bytes[i]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                    append(UnsafeRawPointer(start + run), i - run)
                    run = i + 1
                    append(escape: byte)
                }
                append(UnsafeRawPointer(start + run), bytes.count - run)
                append(UInt8(ascii: "\""))
            }
        }

        private func append(escape byte: UInt8) {
            let short: UInt8?
            switch byte {
            case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
            case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
            case 0x08: short = UInt8(ascii: "b")
            case 0x0C: short = UInt8(ascii: "f")
            case 0x0A: short = UInt8(ascii: "n")
            case 0x0D: short = UInt8(ascii: "r")
            case 0x09: short = UInt8(ascii: "t")
            default: short = nil
            }
            append(UInt8(ascii: "\\"))
            if let short {
                append(short)
                return
            }
            let hex: StaticString = "0123456789ABCDEF"
            append(literal: "u00")
            append(hex.utf8Start[Int(byte >> 4)])
            append(hex.utf8Start[Int(byte & 0x0F)])
        }
    }
}

extension JSON {
    /// Whether the value is or contains serialised text (`.raw`), which jansson cannot hold in a tree.
    var holdsRaw: Bool {
        switch self {
        case .raw: return true
        case .array(let items): return items.contains { $0.holdsRaw }
        case .object(let members): return members.contains { $0.1.holdsRaw }
        default: return false
        }
    }
}
