/// An error that becomes an RFC 9457 `application/problem+json` response.
public struct HTTPError: Error, Sendable {
    /// HTTP status code.
    public let status: Int
    /// What went wrong, for a human.
    public let detail: String
    /// JSON Pointer to the offending field of the request body, when there is one.
    public let pointer: String?
    /// Extra response headers (`Allow`, `Retry-After`, ...).
    public let headers: [(String, String)]

    public init(_ status: Int, _ detail: String, pointer: String? = nil, headers: [(String, String)] = []) {
        self.status = status
        self.detail = detail
        self.pointer = pointer
        self.headers = headers
    }

    /// 400 naming a field.
    static func badField(_ pointer: String, _ detail: String) -> HTTPError {
        HTTPError(400, detail, pointer: pointer)
    }

    /// The response that reports this error.
    var response: HTTPResponse {
        var body: [(String, JSON)] = [
            ("type", .string("about:blank")),
            ("title", .string(HTTPStatus.reason(status))),
            ("status", .int(status)),
            ("detail", .string(detail)),
        ]
        if let pointer {
            body.append(("pointer", .string(pointer)))
        }
        return HTTPResponse(status: status, json: .object(body), contentType: "application/problem+json",
                            headers: headers)
    }
}

/// Reason phrases of the status codes coreward sends.
enum HTTPStatus {
    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 422: return "Unprocessable Content"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        default: return "HTTP \(status)"
        }
    }
}
