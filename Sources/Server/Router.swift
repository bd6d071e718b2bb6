import Logging

/// An endpoint: a method and path, who may call it, and what answers it.
struct Route: Sendable {
    /// Whether a route needs the API key (when one is configured).
    enum Access: Sendable {
        /// Health, readiness and metrics: always open, so that probes and scrapers need no secret.
        case open
        /// `/v1` routes: the key as `Authorization: Bearer <key>`.
        case protected
        /// `/get_reward`: the key as a bearer header, or as the query argument `api_key` (OpenRLHF can be given
        /// only a URL, never a header).
        case protectedOrQueryKey
    }

    let method: String
    let path: String
    let access: Access
    let handle: @Sendable (HTTPRequest, RequestContext) throws(HTTPError) -> HTTPResponse

    init(method: String, path: String, access: Access = .protected,
         handle: @escaping @Sendable (HTTPRequest, RequestContext) throws(HTTPError) -> HTTPResponse) {
        self.method = method
        self.path = path
        self.access = access
        self.handle = handle
    }
}

/// Routes requests to endpoints and, in one place, turns errors into problem+json, checks the API key,
/// assigns request ids, times requests, logs them and counts them.
public final class Router: HTTPHandler {
    private let routes: [String: [Route]]
    /// Routes whose last path segment is a parameter (`/v1/runs/{run}`), by the prefix before it (`/v1/runs/`).
    private let templates: [String: (pattern: String, routes: [Route])]
    private let logger: Logger
    private let apiKey: APIKey?
    private let metrics: ServiceMetrics
    private let timeBudget: Duration

    init(routes: [Route], logger: Logger, apiKey: APIKey?, metrics: ServiceMetrics, timeBudget: Duration) {
        self.routes = Dictionary(grouping: routes, by: \.path)
        var templates: [String: (pattern: String, routes: [Route])] = [:]
        for (path, group) in self.routes where path.hasSuffix("}") {
            guard let slash = path.lastIndex(of: "/") else { continue }
            templates[String(path[...slash])] = (path, group)
        }
        self.templates = templates
        self.logger = logger
        self.apiKey = apiKey
        self.metrics = metrics
        self.timeBudget = timeBudget
    }

    /// Only a server with an API key refuses requests on their headers.
    public var screens: Bool { apiKey != nil }

    /// Refuses, on its headers alone, a request to a route that needs the API key and does not carry it: the 401
    /// goes out (logged and counted as any answer) before the body is read, so keyless uploads hold no memory.
    public func screen(_ request: HTTPRequest) -> HTTPResponse? {
        guard apiKey != nil, let route = candidates(for: request.path).flatMap({ Router.route(for: request.method, in: $0.routes) }),
              !authorized(request, for: route) else { return nil }
        return handle(request)
    }

    /// Whether the request may use the route: an open route, no key configured, or the key given as the route
    /// accepts it.
    private func authorized(_ request: HTTPRequest, for route: Route) -> Bool {
        guard let apiKey else { return true }
        switch route.access {
        case .open: return true
        case .protected: return apiKey.accepts(authorization: request.header("Authorization"))
        case .protectedOrQueryKey:
            return apiKey.accepts(authorization: request.header("Authorization"))
                || apiKey.accepts(token: request.query("api_key"))
        }
    }

    /// Every route as "METHOD /path", sorted.
    public var table: [String] {
        routes.values.flatMap { $0 }.map { "\($0.method) \($0.path)" }.sorted()
    }

    /// Answers a request. The response carries `X-Request-Id` and `Server-Timing` (`app`, the time spent here:
    /// routing, parsing, scoring, building the answer; for a parked request, until its answer; then the handler's
    /// phases, if it timed any, and the writing of the body), so that a trainer can tell server time from network time.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let start = ContinuousClock.now
        let context = RequestContext(id: RequestContext.requestID(from: request.header("X-Request-Id")),
                                     deadline: start + timeBudget)
        metrics.requestStarted()
        // Unknown paths are one metrics bucket, not one label each.
        let finish = Finish(router: self, start: start, id: context.id, method: request.method, path: request.path,
                            route: candidates(for: request.path)?.pattern ?? "unmatched",
                            bytesIn: request.body.count)
        var routed = request
        routed.suspend = request.suspend.map { suspend in
            { suspend().mapping { finish($0) } }
        }
        // After a large body, freed memory goes back to the kernel once the request is over (answer sent, parked
        // request answered or given up): the handler's own `whenDone`, if it registers one, runs first.
        let trimmed = request.body.count >= MemoryRelease.trimAfterBodyBytes ? request.whenDone : nil
        let handlerDone = HandlerDone()
        if trimmed != nil {
            routed.whenDone = { handlerDone.callback = $0 }
        }
        let response = route(routed, context)
        if let trimmed {
            let callback = handlerDone.callback
            trimmed { delivered in
                callback?(delivered)
                MemoryRelease.trim()
            }
        }
        return response.isDeferred ? response : finish(response)
    }

    /// What a handler registered through `HTTPRequest.whenDone`, when the router registers its own.
    private final class HandlerDone {
        var callback: (@Sendable (Bool) -> Void)?
    }

    /// Counts, logs and stamps a request's answer, whenever it comes.
    private struct Finish: Sendable {
        let router: Router
        let start: ContinuousClock.Instant
        let id: String
        let method: String
        let path: String
        /// The route name for metrics.
        let route: String
        let bytesIn: Int

        func callAsFunction(_ response: HTTPResponse) -> HTTPResponse {
            let elapsed = ContinuousClock.now - start
            router.metrics.requestFinished(route: route, method: Router.metricMethod(method), status: response.status,
                                           duration: elapsed)
            router.logger.info("request", metadata: [
                "request_id": "\(id)", "method": "\(Router.printable(method))", "path": "\(Router.printable(path))",
                "status": "\(response.status)", "duration_ms": "\(ServerTiming.milliseconds(elapsed))",
                "bytes_in": "\(bytesIn)",
            ])
            return response
                .adding(header: ("X-Request-Id", id))
                .adding(timing: "app;dur=\(ServerTiming.milliseconds(elapsed))", first: true)
        }
    }

    /// The methods HTTP defines keep their name as a metrics label; anything else is `other`, so that invented
    /// methods cannot grow the label set.
    static func metricMethod(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE": method
        default: "other"
        }
    }

    /// Text for a log line: control characters (a decoded `%0A` in a path, say) written as `\u{..}` escapes, so
    /// that a request cannot forge a line of the text access log; at most 2,048 bytes.
    static func printable(_ text: String) -> String {
        // Fast path, on the bytes: no C0 control, DEL or C1 control (U+0080-U+009F, UTF-8 lead byte 0xC2).
        guard text.utf8.count > 2048 || text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else {
            return text
        }
        let clipped = text.utf8.count > 2048 ? String(decoding: text.utf8.prefix(2048), as: UTF8.self) + "…" : text
        guard clipped.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return clipped }
        var out = ""
        for scalar in clipped.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The route of a path that answers `method`: HEAD is answered as GET (libmicrohttpd sends the headers only).
    /// The routes of a path, and the pattern they were registered under (the metrics' route label): the path itself,
    /// or a template whose last segment is a parameter (`/v1/runs/{run}` for `/v1/runs/grpo-7`).
    private func candidates(for path: String) -> (pattern: String, routes: [Route])? {
        if let exact = routes[path] { return (path, exact) }
        guard let slash = path.lastIndex(of: "/"), path.index(after: slash) < path.endIndex else { return nil }
        return templates[String(path[...slash])]
    }

    private static func route(for method: String, in candidates: [Route]) -> Route? {
        candidates.first { $0.method == method } ?? (method == "HEAD" ? candidates.first { $0.method == "GET" } : nil)
    }

    /// The route's response, or the problem that stopped the request on its way.
    private func route(_ request: HTTPRequest, _ context: RequestContext) -> HTTPResponse {
        guard let candidates = candidates(for: request.path)?.routes else {
            return HTTPError(404, "no route \(request.path); see GET /v1/info and api/openapi.yaml").response
        }
        guard let route = Router.route(for: request.method, in: candidates) else {
            let methods = candidates.map(\.method)
            let allow = (methods.contains("GET") ? methods + ["HEAD"] : methods).joined(separator: ", ")
            return HTTPError(405, "\(request.method) is not allowed on \(request.path); use \(allow)",
                             headers: [("Allow", allow)]).response
        }
        if !authorized(request, for: route) {
            let how = route.access == .protectedOrQueryKey
                ? "send Authorization: Bearer <key>, or add ?api_key=<key> to the URL" : "send Authorization: Bearer <key>"
            return HTTPError(401, "this route needs the API key: \(how)", headers: [("WWW-Authenticate", "Bearer")])
                .response
        }
        do {
            return try route.handle(request, context)
        } catch {
            if error.status >= 500 {
                logger.warning("request failed", metadata: [
                    "request_id": "\(context.id)", "path": "\(request.path)", "detail": "\(error.detail)",
                ])
            }
            return error.response
        }
    }
}
