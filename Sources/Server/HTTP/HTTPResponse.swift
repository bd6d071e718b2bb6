/// A response to send: a status, a body and headers.
public struct HTTPResponse: Sendable {
    public let status: Int
    /// The body: JSON to serialise, or raw bytes.
    public let body: Body
    public let contentType: String
    public let headers: [(String, String)]

    public enum Body: Sendable {
        case json(JSON)
        case bytes([UInt8])
    }

    public init(status: Int = 200, json: JSON, contentType: String = "application/json",
                headers: [(String, String)] = []) {
        self.status = status
        self.body = .json(json)
        self.contentType = contentType
        self.headers = headers
    }

    public init(status: Int = 200, bytes: [UInt8], contentType: String, headers: [(String, String)] = []) {
        self.status = status
        self.body = .bytes(bytes)
        self.contentType = contentType
        self.headers = headers
    }

    /// What a handler returns after `HTTPRequest.suspend`: the answer comes later through the responder.
    public static let deferred = HTTPResponse(status: 0, bytes: [], contentType: "")

    /// True for `deferred`.
    var isDeferred: Bool { status == 0 }

    /// The same response with one more header.
    func adding(header: (String, String)) -> HTTPResponse {
        HTTPResponse(status: status, body: body, contentType: contentType, headers: headers + [header])
    }

    /// The same response with one more `Server-Timing` metric (`parse;dur=1.204`), in its one `Server-Timing` header:
    /// first (the whole, `app`) or last (a phase after the others).
    func adding(timing metric: String, first: Bool = false) -> HTTPResponse {
        HTTPResponse(status: status, body: body, contentType: contentType,
                     headers: ServerTiming.adding(metric, first: first, to: headers))
    }

    private init(status: Int, body: Body, contentType: String, headers: [(String, String)]) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.headers = headers
    }
}
