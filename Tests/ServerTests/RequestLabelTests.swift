@testable import Server
import Testing

/// What a request may put into metrics labels and log lines: bounded, and never a forged line.
struct RequestLabelTests {
    /// Methods HTTP defines are labels of their own; invented ones share `other`.
    @Test(arguments: [("GET", "GET"), ("POST", "POST"), ("HEAD", "HEAD"), ("BREW", "other"), ("get", "other"),
                      ("X-\(String(repeating: "A", count: 100))", "other")])
    func methodLabelsAreBounded(method: String, label: String) {
        #expect(Router.metricMethod(method) == label)
    }

    /// A decoded `%0A` (or any control character) in a path is escaped, so the text access log stays one line
    /// per request; printable text is kept as it is, and a huge path is clipped.
    @Test func logTextCannotForgeALine() {
        #expect(Router.printable("/healthz\nlevel=critical forged") == "/healthz\\u{a}level=critical forged")
        #expect(Router.printable("/v1/reward\r\u{1B}[2J") == "/v1/reward\\u{d}\\u{1b}[2J")
        #expect(Router.printable("/v1/ré ward") == "/v1/ré ward")
        #expect(Router.printable("/" + String(repeating: "x", count: 5000)).utf8.count <= 2048 + 3)
    }
}
