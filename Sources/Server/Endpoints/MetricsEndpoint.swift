/// `GET /metrics`: Prometheus text exposition.
struct MetricsEndpoint {
    let metrics: ServiceMetrics

    var routes: [Route] {
        [Route(method: "GET", path: "/metrics", access: .open) { [metrics] _, _ throws(HTTPError) in
            HTTPResponse(status: 200, bytes: metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }]
    }
}
