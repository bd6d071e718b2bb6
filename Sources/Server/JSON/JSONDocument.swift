import CSimdJSON

/// A parsed JSON request body (simdjson underneath). Values are read in place on simdjson's tape (8 bytes per
/// value, 16 per number: no other per-value memory): strings are unescaped UTF-8 in simdjson's buffer, valid
/// while the document lives.
final class JSONDocument {
    private let handle: OpaquePointer
    fileprivate let tape: UnsafePointer<UInt64>
    fileprivate let strings: UnsafePointer<UInt8>

    /// Why a body could not be parsed.
    struct ParseError: Error {
        enum Kind { case syntax, utf8, depth, number, empty, tooLarge }
        let kind: Kind
        let message: String
    }

    /// Bytes simdjson may read past the end of the input; a buffer with this much slack is not copied.
    static let padding: Int = crjson_padding()

    /// Parses `count` bytes at `bytes`; `capacity` is how many bytes at `bytes` are readable.
    init(bytes: UnsafeRawPointer, count: Int, capacity: Int, maxDepth: Int) throws(ParseError) {
        var status = CRJSON_OK
        var message = [CChar](repeating: 0, count: 160)
        let parsed = message.withUnsafeMutableBufferPointer { buffer in
            crjson_parse(bytes.assumingMemoryBound(to: CChar.self), count, capacity, maxDepth, &status,
                         buffer.baseAddress, buffer.count)
        }
        guard let parsed else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let kind: ParseError.Kind
            switch status {
            case CRJSON_ERR_UTF8: kind = .utf8
            case CRJSON_ERR_DEPTH: kind = .depth
            case CRJSON_ERR_NUMBER: kind = .number
            case CRJSON_ERR_EMPTY: kind = .empty
            case CRJSON_ERR_CAPACITY, CRJSON_ERR_MEMORY: kind = .tooLarge
            default: kind = .syntax
            }
            throw ParseError(kind: kind, message: text)
        }
        guard let tape = crjson_tape(parsed), let strings = crjson_strings(parsed) else {
            crjson_free(parsed)
            throw ParseError(kind: .tooLarge, message: "the parser has no tape")
        }
        handle = parsed
        self.tape = tape
        self.strings = strings
    }

    deinit {
        crjson_free(handle)
    }

    /// The top-level value (word 0 of the tape is the root word).
    var root: JSONNode { JSONNode(document: self, index: 1) }
}

/// The kind of a JSON value, as named in error messages.
enum JSONKind: String {
    case null, boolean, integer, number, string, array, object
}

/// One value inside a JSONDocument: its word on the tape. Only valid while its document lives.
struct JSONNode {
    fileprivate unowned(unsafe) let document: JSONDocument
    fileprivate let index: Int

    /// The tape word: the type in the top byte, a payload below.
    private var word: UInt64 { document.tape[index] }

    /// The type byte of the word (`"`, `[`, `{`, `l`, `u`, `d`, `t`, `f`, `n`).
    private var tag: UInt8 { UInt8(truncatingIfNeeded: word >> 56) }

    private static let string = UInt8(ascii: "\""), array = UInt8(ascii: "["), object = UInt8(ascii: "{")
    private static let int64 = UInt8(ascii: "l"), uint64 = UInt8(ascii: "u"), double = UInt8(ascii: "d")

    var kind: JSONKind {
        switch tag {
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .boolean
        case Self.int64, Self.uint64: return .integer
        case Self.double: return .number
        case Self.string: return .string
        case Self.array: return .array
        default: return .object
        }
    }

    /// The value of a boolean.
    var bool: Bool? {
        switch tag {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }

    /// The value of an integer that fits Int; as in JSON Schema, `3.0` is the integer 3.
    var int: Int? {
        let payload = document.tape[index + 1]  // a number's value is the word after its type word
        switch tag {
        case Self.int64: return Int(Int64(bitPattern: payload))
        case Self.uint64: return Int(exactly: payload)
        case Self.double: return Int(exactly: Double(bitPattern: payload))
        default: return nil
        }
    }

    /// The UTF-8 bytes of a string (valid UTF-8: simdjson validated the whole body).
    var utf8: UnsafeBufferPointer<UInt8>? {
        let w = word
        guard UInt8(truncatingIfNeeded: w >> 56) == Self.string else { return nil }
        let entry = UnsafeRawPointer(document.strings + Int(w & 0x00FF_FFFF_FFFF_FFFF))
        let length = entry.loadUnaligned(as: UInt32.self)
        return UnsafeBufferPointer(start: (entry + 4).assumingMemoryBound(to: UInt8.self), count: Int(length))
    }

    /// The value of a string.
    var string: String? {
        utf8.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The index just past this value's words on the tape: where its next sibling starts.
    fileprivate var end: Int {
        let w = word
        switch UInt8(truncatingIfNeeded: w >> 56) {
        case Self.array, Self.object: return Int(UInt32(truncatingIfNeeded: w))
        case Self.int64, Self.uint64, Self.double: return index + 2
        default: return index + 1
        }
    }

    /// Number of elements of an array or members of an object (0 for other kinds). The tape saturates the count
    /// at 0xFFFFFF; past that the children are counted.
    var count: Int {
        let w = word
        let t = UInt8(truncatingIfNeeded: w >> 56)
        guard t == Self.array || t == Self.object else { return 0 }
        let stored = Int((w >> 32) & 0xFF_FFFF)
        guard stored == 0xFF_FFFF else { return stored }
        let last = Int(UInt32(truncatingIfNeeded: w)) - 1  // the closing word
        var counted = 0
        var i = index + 1
        while i < last {
            i = JSONNode(document: document, index: i).end  // an object's key, or an element
            if t == Self.object { i = JSONNode(document: document, index: i).end }  // the member's value
            counted += 1
        }
        return counted
    }

    /// The elements of an array (empty for other kinds).
    var elements: JSONChildren {
        JSONChildren(document: document, first: index + 1, count: tag == Self.array ? count : 0)
    }

    /// The value of an object's first member named `key` (nil for other kinds or when absent), found without
    /// building strings.
    func member(_ key: StaticString) -> JSONNode? {
        guard tag == Self.object else { return nil }
        let wanted = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var i = index + 1
        for _ in 0 ..< count {
            let value = JSONNode(document: document, index: i + 1)  // a key is one word
            if let name = JSONNode(document: document, index: i).utf8, name.elementsEqual(wanted) { return value }
            i = value.end
        }
        return nil
    }

    /// The members of an object as (key, value) pairs (empty for other kinds).
    var members: [(key: String, value: JSONNode)] {
        guard tag == Self.object else { return [] }
        let total = count
        var result: [(key: String, value: JSONNode)] = []
        result.reserveCapacity(total)
        var i = index + 1
        for _ in 0 ..< total {
            let key = JSONNode(document: document, index: i)
            let value = JSONNode(document: document, index: i + 1)  // a key is one word
            result.append((key.string ?? "", value))
            i = value.end
        }
        return result
    }
}

/// The elements of an array, walked without copying.
struct JSONChildren: Sequence {
    fileprivate unowned(unsafe) let document: JSONDocument
    fileprivate let first: Int
    let count: Int

    struct Iterator: IteratorProtocol {
        fileprivate unowned(unsafe) let document: JSONDocument
        fileprivate var position: Int
        fileprivate var remaining: Int

        mutating func next() -> JSONNode? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            let node = JSONNode(document: document, index: position)
            position = node.end
            return node
        }
    }

    func makeIterator() -> Iterator {
        Iterator(document: document, position: first, remaining: count)
    }

    var underestimatedCount: Int { count }
}
