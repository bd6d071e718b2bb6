/// The phases of a request's handling, for its `Server-Timing` header: a trainer sees where the server's time went
/// without a profiler. The header is one line, `app` first (the whole), then the handler's phases, then `write`
/// (`app;dur=2.811, parse;dur=1.277, decode;dur=0.328, score;dur=0.905, stats;dur=0.207, write;dur=0.010`).
/// Milliseconds, to the microsecond.
struct ServerTiming {
    private var last = ContinuousClock.now
    private var phases: [(name: StaticString, duration: Duration)] = []

    /// Ends the current phase, naming it.
    mutating func lap(_ name: StaticString) {
        let now = ContinuousClock.now
        phases.append((name, now - last))
        last = now
    }

    /// `response` with the phases in its `Server-Timing` header.
    func stamp(_ response: HTTPResponse) -> HTTPResponse {
        phases.reduce(response) { $0.adding(timing: "\($1.name);dur=\(Self.milliseconds($1.duration))") }
    }

    /// `headers` with `metric` in their `Server-Timing` header (added when there is none), first or last.
    static func adding(_ metric: String, first: Bool, to headers: [(String, String)]) -> [(String, String)] {
        var headers = headers
        guard let index = headers.firstIndex(where: { $0.0 == "Server-Timing" }) else {
            return headers + [("Server-Timing", metric)]
        }
        let value = headers[index].1
        headers[index].1 = first ? metric + ", " + value : value + ", " + metric
        return headers
    }

    /// `elapsed` in milliseconds with three decimals (`1.204`).
    static func milliseconds(_ elapsed: Duration) -> String {
        let (seconds, attoseconds) = elapsed.components
        let micros = max(0, Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000))
        let fraction = String(micros % 1000)
        return "\(micros / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
