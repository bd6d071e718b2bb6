/// `GET /healthz` (the process answers) and `GET /readyz` (it accepts work).
struct HealthEndpoint {
    let service: Service

    var routes: [Route] {
        [
            Route(method: "GET", path: "/healthz", access: .open) { _, _ throws(HTTPError) in
                HTTPResponse(json: .object([("status", .string("ok"))]))
            },
            Route(method: "GET", path: "/readyz", access: .open) { [service] _, _ throws(HTTPError) in
                if service.isDraining {
                    throw HTTPError(503, "shutting down: draining in-flight requests", headers: [("Retry-After", "1")])
                }
                switch service.encoder.current {
                case .ready: break
                case .loading: throw HTTPError(503, "the encoder is still loading", headers: [("Retry-After", "1")])
                case .failed(let reason):
                    throw HTTPError(503, "the encoder is not available: \(reason)", headers: [("Retry-After", "30")])
                }
                return HTTPResponse(json: .object([("status", .string("ready"))]))
            },
        ]
    }
}
