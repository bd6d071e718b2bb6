import Logging

/// An endpoint: a method and path, and what answers it.
struct Route: Sendable {
    let method: String
    let path: String
    let handle: @Sendable (HTTPRequest) throws(HTTPError) -> HTTPResponse
}

/// Routes requests to endpoints and turns every error into problem+json, in one place.
public final class Router: HTTPHandler {
    private let routes: [String: [Route]]
    private let logger: Logger

    init(routes: [Route], logger: Logger) {
        self.routes = Dictionary(grouping: routes, by: \.path)
        self.logger = logger
    }

    /// Every route as "METHOD /path", sorted.
    public var table: [String] {
        routes.values.flatMap { $0 }.map { "\($0.method) \($0.path)" }.sorted()
    }

    /// Answers a request; the response carries a `Server-Timing` header with the time spent here
    /// (parsing, scoring, serialising not included), so that a trainer can tell server time from network time.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let start = ContinuousClock.now
        let response = route(request)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
        return response.adding(header: ("Server-Timing", "app;dur=\(Self.format(milliseconds))"))
    }

    /// Milliseconds with three decimals.
    private static func format(_ milliseconds: Double) -> String {
        let micros = Int((milliseconds * 1000).rounded())
        let fraction = String(micros % 1000)
        return "\(micros / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        guard let candidates = routes[request.path] else {
            return HTTPError(404, "no route \(request.path); see GET /v1/info and api/openapi.yaml").response
        }
        guard let route = candidates.first(where: { $0.method == request.method }) else {
            let allow = candidates.map(\.method).joined(separator: ", ")
            return HTTPError(405, "\(request.method) is not allowed on \(request.path); use \(allow)",
                             headers: [("Allow", allow)]).response
        }
        do {
            return try route.handle(request)
        } catch {
            if error.status >= 500 {
                logger.error("request failed", metadata: ["path": "\(request.path)", "detail": "\(error.detail)"])
            }
            return error.response
        }
    }
}
