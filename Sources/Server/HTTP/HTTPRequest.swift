/// A received request: method, path, headers and the whole body.
public struct HTTPRequest {
    public let method: String
    /// The path without the query string.
    public let path: String
    /// The body bytes; `body.count + JSONDocument.padding` bytes are readable at `body.baseAddress`.
    public let body: UnsafeRawBufferPointer
    /// Readable bytes at the body's address (at least the body plus the JSON parser's padding).
    let bodyCapacity: Int
    /// Looks up a request header by name (case-insensitive).
    public let header: (String) -> String?
}
