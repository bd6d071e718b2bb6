import Glibc

/// A JSON value to send; rendered by JSONWriter.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])
    /// Text already serialised (by `JSONWriter.ArrayStream`), written as is: a large answer is built element by
    /// element without a tree of values for the whole of it.
    case raw(JSONText)
}

/// A serialised JSON value in a malloc'd buffer, freed with this object.
public final class JSONText: @unchecked Sendable {
    /// The text; immutable once built.
    let buffer: JSONWriter.Buffer

    init(_ buffer: JSONWriter.Buffer) {
        self.buffer = buffer
    }

    deinit { free(buffer.bytes) }
}

extension JSON {
    /// A string, or null when nil.
    static func optional(_ value: String?) -> JSON {
        value.map(JSON.string) ?? .null
    }

    /// A number array; whole numbers in `integral` mode are written as integers (`[1, 0]`).
    static func numbers(_ values: [Double], integral: Bool = false) -> JSON {
        .array(values.map { integral ? .int(Int($0)) : .double($0) })
    }
}
