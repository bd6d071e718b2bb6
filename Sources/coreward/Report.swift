import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Server

/// `coreward report`: runs' histories, from a stats log or from a server, as one self-contained HTML page.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render runs' signals and verdicts as one self-contained HTML page (inline SVG charts, no script).",
        discussion: """
            From a stats log (--input, the JSON Lines that `coreward serve --stats-log` appends): every run in \
            it, one section each, or the one --run names. From a server (--server URL --run NAME): the run's \
            history from GET /v1/runs/NAME, with --api-key-file when the server has a key.
            """)

    @Option(name: .shortAndLong, help: "Stats log to read (JSON Lines, one step a line).")
    var input: String?
    @Option(help: "Base URL of a coreward server to fetch the run's history from (e.g. http://127.0.0.1:8080).")
    var server: String?
    @Option(name: .customLong("run"), help: "The run to report (default with --input: every run in the log).")
    var runName: String?
    @Option(help: "File holding the server's API key (sent as a bearer token).")
    var apiKeyFile: String?
    @Option(name: .shortAndLong, help: "HTML file to write.")
    var output: String
    @Option(help: "Seconds to wait for the server's answer.")
    var timeoutSeconds: Double = 30

    func validate() throws {
        guard (input == nil) != (server == nil) else { throw ValidationError("give either --input or --server") }
        if server != nil && runName == nil { throw ValidationError("--server needs --run") }
        if input != nil && apiKeyFile != nil { throw ValidationError("--api-key-file goes with --server") }
    }

    func run() throws {
        let runs: [RunReport.Run], source: String, skipped: [String]
        if let input {
            guard let data = FileManager.default.contents(atPath: input) else { throw Report.Failure("cannot read \(input)") }
            let log = try RunReport.runs(statsLog: String(decoding: data, as: UTF8.self))
            skipped = log.skipped
            source = "the stats log \(input)"
            if let runName {
                guard let found = log.runs.first(where: { $0.name == runName }) else {
                    throw Report.Failure("no run \(runName) in \(input) (runs: \(log.runs.map(\.name).joined(separator: ", ")))")
                }
                runs = [found]
            } else {
                runs = log.runs
            }
        } else if let server, let runName {
            let url = try Report.historyURL(server: server, run: runName)
            runs = [try RunReport.run(history: try fetch(url))]
            source = "GET \(url.absoluteString)"
            skipped = []
        } else {
            throw Report.Failure("give either --input or --server")
        }
        for line in skipped.prefix(10) { FileHandle.standardError.write(Data("report: skipped \(line)\n".utf8)) }
        let page = RunReport.page(runs: runs, source: source, skipped: skipped)
        do {
            try Data(page.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw Report.Failure("cannot write \(output): \(error.localizedDescription)")
        }
        let steps = runs.reduce(0) { $0 + $1.steps.count }
        print("wrote \(output): \(runs.count) run\(runs.count == 1 ? "" : "s"), \(steps) steps")
    }

    /// `{server}/v1/runs/{run}`, the run's name percent-encoded as a path segment.
    static func historyURL(server: String, run: String) throws -> URL {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove("/")
        guard var base = URL(string: server), base.scheme == "http" || base.scheme == "https",
              let segment = run.addingPercentEncoding(withAllowedCharacters: allowed) else {
            throw ValidationError("--server must be an http or https URL, got \(server)")
        }
        while base.absoluteString.hasSuffix("/") { base = URL(string: String(base.absoluteString.dropLast())) ?? base }
        guard let url = URL(string: base.absoluteString + "/v1/runs/" + segment) else {
            throw Report.Failure("cannot make a URL of \(server) and \(run)")
        }
        return url
    }

    /// The body of a GET of `url` (with the API key, if any), or an error naming the status.
    func fetch(_ url: URL) throws -> Data {
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let apiKeyFile {
            guard let key = try? String(contentsOfFile: apiKeyFile, encoding: .utf8) else {
                throw Report.Failure("cannot read \(apiKeyFile)")
            }
            request.setValue("Bearer \(key.trimmingCharacters(in: .whitespacesAndNewlines))", forHTTPHeaderField: "Authorization")
        }
        let answer = Answer()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            answer.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }.resume()
        done.wait()
        let (data, status, error) = answer.get()
        if let error { throw Report.Failure("GET \(url.absoluteString) failed: \(error.localizedDescription)") }
        let body = data ?? Data()
        switch status {
        case 200: return body
        case 401: throw Report.Failure("GET \(url.absoluteString): 401, the server wants an API key (--api-key-file) or refused it")
        case 404: throw Report.Failure("GET \(url.absoluteString): 404, the server has no such run")
        default:
            throw Report.Failure("GET \(url.absoluteString): \(status.map(String.init) ?? "no status"): \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
    }

    /// A report that could not be made once the arguments were fine: a file unread or unwritten, a run not
    /// found, a server that did not answer with the history.
    struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        let description: String

        /// A failure saying `description`.
        init(_ description: String) {
            self.description = description
        }
    }

    /// The outcome of one request, handed from URLSession's delegate queue to the waiting command.
    final class Answer: @unchecked Sendable {
        private let lock = NSLock()
        private var outcome: (Data?, Int?, (any Error)?) = (nil, nil, nil)

        /// Stores the outcome (called once, on URLSession's queue).
        func set(data: Data?, status: Int?, error: (any Error)?) {
            lock.lock()
            defer { lock.unlock() }
            outcome = (data, status, error)
        }

        /// The stored outcome (read after the semaphore says it is there).
        func get() -> (Data?, Int?, (any Error)?) {
            lock.lock()
            defer { lock.unlock() }
            return outcome
        }
    }
}
