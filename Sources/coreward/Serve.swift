import ArgumentParser
import Dispatch
import Foundation
import Logging
import Server

/// `coreward serve`: the HTTP service.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API. Every option also reads a COREWARD_* environment variable; a flag wins over it.")

    @Option(help: "Address to listen on (env COREWARD_HOST; default 127.0.0.1).")
    var host: String?
    @Option(help: "TCP port, 0 for any free one (env COREWARD_PORT; default 8080).")
    var port: Int?
    @Option(help: "HTTP worker threads (env COREWARD_THREADS; default: the number of CPUs).")
    var threads: Int?
    @Option(help: "Largest request body in bytes (env COREWARD_MAX_BODY_BYTES; default 67108864).")
    var maxBodyBytes: Int?
    @Option(help: "Most groups per request (env COREWARD_MAX_GROUPS; default 8192).")
    var maxGroups: Int?
    @Option(help: "Most views per group (env COREWARD_MAX_VIEWS; default 16).")
    var maxViews: Int?
    @Option(help: "Most rollouts per view, or responses per vote group or extract call (env COREWARD_MAX_ROLLOUTS; default 1024).")
    var maxRollouts: Int?
    @Option(help: "Largest single response text in UTF-8 bytes (env COREWARD_MAX_RESPONSE_BYTES; default 1048576).")
    var maxResponseBytes: Int?
    @Option(help: "Deepest JSON nesting accepted (env COREWARD_MAX_JSON_DEPTH; default 64).")
    var maxJsonDepth: Int?
    @Option(help: "Most simultaneous connections (env COREWARD_MAX_CONNECTIONS; default 1024).")
    var maxConnections: Int?
    @Option(help: "Seconds before an idle connection is closed (env COREWARD_CONNECTION_TIMEOUT_SECONDS; default 60).")
    var connectionTimeoutSeconds: Int?
    @Option(help: "Seconds in-flight requests get to finish after SIGTERM (env COREWARD_DRAIN_TIMEOUT_SECONDS; default 30).")
    var drainTimeoutSeconds: Int?

    func run() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "coreward")
        let configuration: ServerConfiguration
        do {
            configuration = try resolve(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        let service = Service(configuration: configuration)
        let server = HTTPServer(options: configuration.httpOptions, handler: service.router(logger: logger))

        // Signals are taken by a dispatch source, not by the default handler that would kill the process.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }

        let port: Int
        do {
            port = try server.start()
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        logger.info("coreward listening", metadata: [
            "address": "\(configuration.host):\(port)", "threads": "\(configuration.threads)",
        ])

        stop.wait()
        logger.info("shutting down: draining in-flight requests",
                    metadata: ["in_flight": "\(server.requestsInFlight)"])
        service.beginDraining()
        server.quiesce()
        let deadline = DispatchTime.now() + .seconds(configuration.drainTimeoutSeconds)
        while server.requestsInFlight > 0, DispatchTime.now() < deadline {
            usleep(10_000)
        }
        let abandoned = server.requestsInFlight
        server.stop()
        sources.forEach { $0.cancel() }
        if abandoned > 0 {
            logger.warning("drain timeout reached", metadata: ["abandoned": "\(abandoned)"])
        }
        logger.info("stopped")
    }

    /// Defaults, then COREWARD_* variables, then flags.
    func resolve(environment: [String: String]) throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        try configuration.apply(environment: environment)
        if let host { configuration.host = host }
        let flags: [(Int?, WritableKeyPath<ServerConfiguration, Int>, String)] = [
            (port, \.port, "--port"),
            (threads, \.threads, "--threads"),
            (maxBodyBytes, \.maxBodyBytes, "--max-body-bytes"),
            (maxGroups, \.maxGroups, "--max-groups"),
            (maxViews, \.maxViews, "--max-views"),
            (maxRollouts, \.maxRollouts, "--max-rollouts"),
            (maxResponseBytes, \.maxResponseBytes, "--max-response-bytes"),
            (maxJsonDepth, \.maxJSONDepth, "--max-json-depth"),
            (maxConnections, \.maxConnections, "--max-connections"),
            (connectionTimeoutSeconds, \.connectionTimeoutSeconds, "--connection-timeout-seconds"),
            (drainTimeoutSeconds, \.drainTimeoutSeconds, "--drain-timeout-seconds"),
        ]
        for (value, keyPath, flag) in flags {
            if let value { try configuration.set(keyPath, to: value, source: "\(flag) \(value)") }
        }
        return configuration
    }
}
