import Core
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of an OpenAI-compatible `POST {base}/chat/completions`: at most `llmConcurrency` requests in
/// flight, a time limit per attempt, retries with exponential backoff on 408, 429 and 5xx only.
public final class ChatCompletionClient: Sendable {
    /// Why a request failed, in words for `reasons`.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, attempts included.
        public let description: String
        /// True when the server refused an `n` above 1: the variants can be asked for one request each.
        public var refusedN = false
    }

    /// One request: the prompt, how many completions, the sampling seed and the token budget.
    public struct Request: Sendable, Equatable {
        /// The user message.
        public var prompt: String
        /// Completions asked for (`n`, sent only above 1).
        public var n: Int
        /// `seed`, so that a variant can be asked for again and comes out the same on servers that honour it.
        public var seed: Int
        /// `max_tokens`.
        public var maxTokens: Int
    }

    let endpoint: URL
    let settings: AugmentationSettings
    let session: URLSession
    let slots: RequestSlots
    /// Set once the server has refused an `n` above 1; from then on each variant is a request of its own.
    let refusesN = Mutex(false)

    /// A client of `settings.llmURL`; nil when there is none or it is not a URL.
    public init?(settings: AugmentationSettings) {
        guard let base = settings.llmURL, var url = URL(string: base), url.scheme == "http" || url.scheme == "https" else {
            return nil
        }
        if !url.path.hasSuffix("/chat/completions") { url.appendPathComponent("chat/completions") }
        endpoint = url
        self.settings = settings
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.llmTimeoutSeconds
        configuration.timeoutIntervalForResource = settings.llmTimeoutSeconds
        configuration.httpMaximumConnectionsPerHost = max(1, settings.llmConcurrency)
        session = URLSession(configuration: configuration)
        slots = RequestSlots(count: max(1, settings.llmConcurrency))
    }

    /// The choices of one request, retried where it should be; none outlives `deadline`.
    public func send(_ request: Request, deadline: ContinuousClock.Instant) async -> Result<[CompletionChoice], Failure> {
        var attempt = 0
        var history: [String] = []
        while true {
            attempt += 1
            await slots.acquire()
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                slots.release()
                return .failure(Failure(description: (history + ["deadline reached"]).joined(separator: "; ")))
            }
            let limit = min(remaining, .milliseconds(Int64(settings.llmTimeoutSeconds * 1000)))
            let outcome = await attemptOnce(request, limit: limit)
            slots.release()
            switch outcome {
            case .success(let choices):
                return .success(choices)
            case .failure(let failure):
                history.append("attempt \(attempt): \(failure.reason)")
                let description = history.joined(separator: "; ")
                if failure.refusedN { return .failure(Failure(description: description, refusedN: true)) }
                guard failure.retryable, attempt <= settings.llmRetries else {
                    return .failure(Failure(description: description))
                }
                let backoff = max(settings.llmBackoffSeconds * Double(1 << min(attempt - 1, 16)), min(failure.retryAfter ?? 0, 60))
                let wait = Duration.milliseconds(Int64(backoff * 1000))
                guard ContinuousClock.now + wait < deadline else {
                    history.append("no time left to retry")
                    return .failure(Failure(description: history.joined(separator: "; ")))
                }
                try? await Task.sleep(for: wait)
            }
        }
    }

    struct AttemptFailure: Error {
        let reason: String
        let retryable: Bool
        var retryAfter: Double?
        var refusedN = false
    }

    /// The JSON body of `request`.
    func body(_ request: Request) -> [String: Any] {
        var body: [String: Any] = [
            "model": settings.llmModel,
            "messages": [["role": "user", "content": request.prompt]],
            "temperature": settings.temperature,
            "top_p": settings.topP,
            "max_tokens": request.maxTokens,
            "seed": request.seed,
        ]
        if request.n > 1 { body["n"] = request.n }
        return body
    }

    /// One HTTP exchange, abandoned after `limit`.
    func attemptOnce(_ request: Request, limit: Duration) async -> Result<[CompletionChoice], AttemptFailure> {
        var urlRequest = URLRequest(url: endpoint)
        urlRequest.httpMethod = "POST"
        urlRequest.timeoutInterval = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        urlRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = settings.llmAPIKey { urlRequest.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        guard let data = try? JSONSerialization.data(withJSONObject: body(request)) else {
            return .failure(AttemptFailure(reason: "cannot encode the request", retryable: false))
        }
        urlRequest.httpBody = data
        let exchange = await ChatCompletionClient.exchange(urlRequest, session: session, limit: limit)
        let (payload, response): (Data, URLResponse)
        switch exchange {
        case .success(let pair): (payload, response) = pair
        case .failure(let failure): return .failure(failure)
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(AttemptFailure(reason: "not an HTTP response", retryable: false))
        }
        let status = http.statusCode
        guard status == 200 else {
            let message = ChatCompletionResponse.errorMessage(from: payload)
            let reason = message.map { "HTTP \(status): \(String($0.prefix(200)))" } ?? "HTTP \(status)"
            // llama.cpp's server refuses n > 1 with a 400 (a 500 in older releases): retrying cannot help.
            if request.n > 1, status >= 400, status != 408, status != 429, let message, ChatCompletionResponse.refusesN(message) {
                return .failure(AttemptFailure(reason: reason, retryable: false, refusedN: true))
            }
            let retryable = status == 408 || status == 429 || (500...599).contains(status)
            let retryAfter = http.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init)
            return .failure(AttemptFailure(reason: reason, retryable: retryable, retryAfter: retryAfter))
        }
        do throws(ChatCompletionResponse.Malformed) {
            return .success(try ChatCompletionResponse.choices(from: payload))
        } catch {
            return .failure(AttemptFailure(reason: error.description, retryable: false))
        }
    }

    /// Sends `request` and waits for the answer, at most `limit`.
    static func exchange(_ request: URLRequest, session: URLSession, limit: Duration) async -> Result<(Data, URLResponse), AttemptFailure> {
        await withTaskGroup(of: Result<(Data, URLResponse), AttemptFailure>?.self) { group in
            group.addTask {
                do {
                    return .success(try await session.data(for: request))
                } catch let error as URLError where error.code == .timedOut {
                    return .failure(AttemptFailure(reason: "timed out after \(limit)", retryable: false))
                } catch {
                    return .failure(AttemptFailure(reason: "transport error: \(error.localizedDescription)", retryable: false))
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return Task.isCancelled ? nil : .failure(AttemptFailure(reason: "timed out after \(limit)", retryable: false))
            }
            var first: Result<(Data, URLResponse), AttemptFailure>?
            while first == nil, let next = await group.next() { first = next }
            group.cancelAll()
            return first ?? .failure(AttemptFailure(reason: "no answer", retryable: false))
        }
    }
}

/// A counting semaphore for async callers: at most `count` holders at once, the others wait in order.
final class RequestSlots: Sendable {
    private let state: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    /// `count` slots, all free.
    init(count: Int) {
        state = Mutex((count, []))
    }

    /// Waits for a free slot and takes it.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let taken = state.withLock { state -> Bool in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if taken { continuation.resume() }
        }
    }

    /// Gives a slot back, to the longest waiter if there is one.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
