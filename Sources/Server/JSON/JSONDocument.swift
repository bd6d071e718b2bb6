import CSimdJSON

/// A parsed JSON request body (simdjson underneath). Values are read in place: strings are unescaped
/// UTF-8 in simdjson's buffer, valid while the document lives.
final class JSONDocument {
    private let handle: OpaquePointer
    fileprivate let nodes: UnsafeBufferPointer<crjson_node>

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
        handle = parsed
        var count = 0
        let base = crjson_nodes(parsed, &count)
        nodes = UnsafeBufferPointer(start: base, count: count)
    }

    deinit {
        crjson_free(handle)
    }

    /// The top-level value.
    var root: JSONNode { JSONNode(document: self, index: 0) }
}

/// The kind of a JSON value, as named in error messages.
enum JSONKind: String {
    case null, boolean, integer, number, string, array, object
}

/// One value inside a JSONDocument. Only valid while its document lives.
struct JSONNode {
    fileprivate unowned(unsafe) let document: JSONDocument
    fileprivate let index: Int

    private var node: crjson_node { document.nodes[index] }

    var kind: JSONKind {
        switch node.kind {
        case CRJSON_NULL.rawValue: return .null
        case CRJSON_TRUE.rawValue, CRJSON_FALSE.rawValue: return .boolean
        case CRJSON_INT.rawValue, CRJSON_UINT.rawValue: return .integer
        case CRJSON_DOUBLE.rawValue: return .number
        case CRJSON_STRING.rawValue: return .string
        case CRJSON_ARRAY.rawValue: return .array
        default: return .object
        }
    }

    /// The value of a boolean.
    var bool: Bool? {
        switch node.kind {
        case CRJSON_TRUE.rawValue: return true
        case CRJSON_FALSE.rawValue: return false
        default: return nil
        }
    }

    /// The value of an integer that fits Int; as in JSON Schema, `3.0` is the integer 3.
    var int: Int? {
        switch node.kind {
        case CRJSON_INT.rawValue: return Int(exactly: node.value.i)
        case CRJSON_UINT.rawValue: return Int(exactly: node.value.u)
        case CRJSON_DOUBLE.rawValue: return Int(exactly: node.value.d)
        default: return nil
        }
    }

    /// The UTF-8 bytes of a string (valid UTF-8: simdjson validated the whole body).
    var utf8: UnsafeBufferPointer<UInt8>? {
        let n = node
        guard n.kind == CRJSON_STRING.rawValue else { return nil }
        let start = UnsafeRawPointer(n.value.s).map { $0.assumingMemoryBound(to: UInt8.self) }
        return UnsafeBufferPointer(start: start, count: Int(n.length))
    }

    /// The value of a string.
    var string: String? {
        utf8.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Number of elements of an array or members of an object.
    var count: Int { Int(node.count) }

    /// The elements of an array (empty for other kinds).
    var elements: JSONChildren {
        JSONChildren(document: document, first: index + 1, count: node.kind == CRJSON_ARRAY.rawValue ? count : 0)
    }

    /// The members of an object as (key, value) pairs (empty for other kinds).
    var members: [(key: String, value: JSONNode)] {
        guard node.kind == CRJSON_OBJECT.rawValue else { return [] }
        var result: [(key: String, value: JSONNode)] = []
        result.reserveCapacity(count)
        var i = index + 1
        for _ in 0 ..< count {
            let key = JSONNode(document: document, index: i)
            let value = JSONNode(document: document, index: i + 1)
            result.append((key.string ?? "", value))
            i = Int(document.nodes[i + 1].end)
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
            position = Int(document.nodes[position].end)
            return node
        }
    }

    func makeIterator() -> Iterator {
        Iterator(document: document, position: first, remaining: count)
    }

    var underestimatedCount: Int { count }
}
