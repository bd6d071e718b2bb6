import CJansson
import Glibc

/// Serialises JSON values with jansson. The only file that sees `json_t`.
///
/// A value is built as a jansson tree and dumped in one pass. A large answer is not built whole: its big arrays are
/// written element by element (`ArrayStream`), each element a small tree dumped by jansson and freed at once, so that
/// the answer is held only as text (issue 14: a tree per value cost about 60 bytes each, 35 times a body of small
/// values). A value holding such text (`JSON.raw`) is written around it: brackets, commas and colons here, every key
/// and leaf by jansson.
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

    /// A JSON array written element by element: each element's tree lives only while jansson writes it.
    struct ArrayStream {
        private let output = Output()
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

        private func append(_ bytes: UnsafeRawPointer, _ length: Int) {
            guard length > 0, reserve(length), let base else { return }
            (base + count).update(from: bytes.assumingMemoryBound(to: UInt8.self), count: length)
            count += length
        }

        /// Writes `value`: jansson writes any part without raw text; brackets, commas and colons join the rest.
        func write(_ value: JSON) {
            switch value {
            case .raw(let text):
                append(UnsafeRawPointer(text.buffer.bytes), text.buffer.count)
            case .array(let items) where value.holdsRaw:
                append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { append(UInt8(ascii: ",")) }
                    write(item)
                }
                append(UInt8(ascii: "]"))
            case .object(let members) where value.holdsRaw:
                append(UInt8(ascii: "{"))
                for (i, (key, item)) in members.enumerated() {
                    if i > 0 { append(UInt8(ascii: ",")) }
                    dump(.string(key))
                    append(UInt8(ascii: ":"))
                    write(item)
                }
                append(UInt8(ascii: "}"))
            default:
                dump(value)
            }
        }

        /// Appends jansson's text of a value without raw parts (any value, not only arrays and objects).
        private func dump(_ value: JSON) {
            guard let tree = JSONWriter.build(value) else {
                failed = true
                return
            }
            defer { json_decref(tree) }
            guard let text = json_dumps(tree, coreward_json_dump_flags() | coreward_json_encode_any()) else {
                failed = true
                return
            }
            defer { free(text) }
            append(UnsafeRawPointer(text), strlen(text))
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
