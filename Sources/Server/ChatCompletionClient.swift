import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of an OpenAI-compatible `POST {base}/chat/completions`: bounded concurrency, a time limit
/// per attempt, retries with exponential backoff on 408, 429 and 5xx only.
public final class ChatCompletionClient: Sendable {
    /// Why a completion failed, in words for `reasons`.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, attempts included.
        public let description: String
    }

    let endpoint: URL
    let settings: AugmentationSettings
    let session: URLSession

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
    }

    /// One completion per prompt, in order, at most `llmConcurrency` at a time; none outlives `deadline`.
    public func complete(_ prompts: [String], deadline: ContinuousClock.Instant) async -> [Result<String, Failure>] {
        var results = [Result<String, Failure>](repeating: .failure(Failure(description: "not attempted")), count: prompts.count)
        let width = max(1, settings.llmConcurrency)
        await withTaskGroup(of: (Int, Result<String, Failure>).self) { group in
            var next = 0
            func launch() {
                guard next < prompts.count else { return }
                let index = next
                let prompt = prompts[index]
                next += 1
                group.addTask { (index, await self.completeOne(prompt, deadline: deadline)) }
            }
            for _ in 0..<min(width, prompts.count) { launch() }
            while let (index, result) = await group.next() {
                results[index] = result
                launch()
            }
        }
        return results
    }

    /// One prompt, retried where it should be.
    func completeOne(_ prompt: String, deadline: ContinuousClock.Instant) async -> Result<String, Failure> {
        var attempt = 0
        var history: [String] = []
        while true {
            attempt += 1
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                return .failure(Failure(description: (history + ["deadline reached"]).joined(separator: "; ")))
            }
            let limit = min(remaining, .milliseconds(Int64(settings.llmTimeoutSeconds * 1000)))
            let outcome = await attemptOnce(prompt, limit: limit)
            switch outcome {
            case .success(let text):
                return .success(text)
            case .failure(let failure):
                history.append("attempt \(attempt): \(failure.reason)")
                guard failure.retryable, attempt <= settings.llmRetries else {
                    return .failure(Failure(description: history.joined(separator: "; ")))
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
    }

    /// One HTTP exchange, abandoned after `limit`.
    func attemptOnce(_ prompt: String, limit: Duration) async -> Result<String, AttemptFailure> {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.timeoutInterval = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let key = settings.llmAPIKey { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        let body: [String: Any] = [
            "model": settings.llmModel,
            "messages": [["role": "user", "content": prompt]],
            "temperature": settings.temperature,
            "top_p": settings.topP,
            "max_tokens": settings.maxTokens,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: body) else {
            return .failure(AttemptFailure(reason: "cannot encode the request", retryable: false))
        }
        request.httpBody = data
        let session = self.session
        let prepared = request
        let exchange: Result<(Data, URLResponse), AttemptFailure> = await withTaskGroup(
            of: Result<(Data, URLResponse), AttemptFailure>?.self
        ) { group in
            group.addTask {
                do {
                    return .success(try await session.data(for: prepared))
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
            let retryable = status == 408 || status == 429 || (500...599).contains(status)
            let retryAfter = http.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init)
            return .failure(AttemptFailure(reason: "HTTP \(status)", retryable: retryable, retryAfter: retryAfter))
        }
        guard let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
              let choices = object["choices"] as? [[String: Any]], let first = choices.first,
              let message = first["message"] as? [String: Any], let content = message["content"] as? String else {
            return .failure(AttemptFailure(reason: "no choices[0].message.content in the answer", retryable: false))
        }
        return .success(content)
    }
}
