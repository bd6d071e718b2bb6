import Logging
import Server

/// Any request body on any JSON route gets an answer below 500 (simdjson decoding, field reading,
/// extraction, voting, scoring and rendering, all in process).
private let router: Router = {
    var logger = Logger(label: "fuzz")
    logger.logLevel = .critical
    var configuration = ServerConfiguration()
    configuration.maxRollouts = 64
    configuration.maxGroups = 64
    return Service(configuration: configuration).router(logger: logger)
}()

private let routes = ["/v1/reward", "/v1/vote", "/v1/extract", "/v1/equivalent", "/get_reward"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequests(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let route = routes[Int(data[0]) % routes.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let answer = router.respond(method: "POST", path: route, body: body, headers: ["Content-Type": "application/json"])
    // In process a /get_reward sample cannot wait for its group: that one 503 is the expected answer.
    let parked = route == "/get_reward" && answer.status == 503 && answer.body.contains("needs the HTTP server")
    precondition(answer.status < 500 || parked, "\(route) answered \(answer.status): \(answer.body)")
    return 0
}
