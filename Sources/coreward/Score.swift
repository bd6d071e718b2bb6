import ArgumentParser
import Foundation
import Logging
import Server

/// `coreward score`: one `/v1/reward` request from a file or standard input, answered offline.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a /v1/reward request body (JSON) without a server; prints the response body.")

    @Option(name: .shortAndLong, help: "Request file (default: standard input).")
    var input: String?
    @Option(name: .long, help: "Route to answer (default /v1/reward; /v1/vote and /v1/extract work too).")
    var route = "/v1/reward"

    func run() throws {
        let data: Data
        if let input {
            guard let read = FileManager.default.contents(atPath: input) else {
                throw ValidationError("cannot read \(input)")
            }
            data = read
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        var configuration = ServerConfiguration()
        configuration.maxBodyBytes = Int(Int32.max)
        var logger = Logger(label: "coreward")
        logger.logLevel = .warning
        let router = Service(configuration: configuration).router(logger: logger)
        let answer = router.respond(method: "POST", path: route, body: Array(data),
                                    headers: ["Content-Type": "application/json"])
        print(answer.body)
        if answer.status != 200 { throw ExitCode(Int32(answer.status / 100)) }
    }
}
