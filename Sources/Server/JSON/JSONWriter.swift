import CJansson
import Glibc

/// Serialises JSON values with jansson. The only file that sees `json_t`.
enum JSONWriter {
    /// A malloc'd, serialised document: the HTTP layer hands it to libmicrohttpd, which frees it.
    struct Buffer: @unchecked Sendable {
        let bytes: UnsafeMutableRawPointer
        let count: Int
    }

    /// Serialises `value` compactly; nil only when memory runs out.
    static func serialize(_ value: JSON) -> Buffer? {
        guard let tree = build(value) else { return nil }
        defer { json_decref(tree) }
        // One pass: json_dumps allocates with malloc (jansson's default allocator), so free() releases it.
        guard let text = json_dumps(tree, coreward_json_dump_flags()) else { return nil }
        return Buffer(bytes: UnsafeMutableRawPointer(text), count: strlen(text))
    }

    /// Serialises `value` into a String (for the command line and tests).
    static func string(_ value: JSON) -> String? {
        guard let buffer = serialize(value) else { return nil }
        defer { free(buffer.bytes) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer.bytes, count: buffer.count), as: UTF8.self)
    }

    /// Builds a jansson tree; the caller owns the returned reference.
    private static func build(_ value: JSON) -> UnsafeMutablePointer<json_t>? {
        switch value {
        case .null: return json_null()
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
}
