import Core
import Encoder
import Dispatch
import Synchronization

/// Rephrases questions with the `rules` or `llm` backend and validates every variant against its question.
///
/// Shared by `/v1/augment`, `/v1/augment/check` and `coreward augment`. A failed or unparseable completion
/// becomes a rejected variant with its reason: every question comes back with exactly `n` variants.
public final class Augmenter: Sendable {
    /// Where variants come from.
    public enum Backend: String, CaseIterable, Sendable {
        /// `RulesRewriter`: embedded, deterministic for a seed.
        case rules
        /// An OpenAI-compatible chat-completions server (`--llm-url`).
        case llm
    }

    /// One variant and the validator's verdict on it.
    public struct Variant: Sendable {
        /// The rewrite; nil when the backend produced none (the report says why).
        public let text: String?
        /// Every check, `accepted` and `reasons`.
        public let report: ValidationReport
    }

    /// The settings in force.
    public let settings: AugmentationSettings
    let validator: AugmentationValidator
    let rules = RulesRewriter()
    let client: ChatCompletionClient?

    /// An augmenter; the `llm` backend exists when `settings.llmURL` is a URL.
    public init(settings: AugmentationSettings) {
        self.settings = settings
        validator = AugmentationValidator(thresholds: settings.thresholds)
        client = ChatCompletionClient(settings: settings)
    }

    /// Whether the `llm` backend is configured.
    public var hasLLM: Bool { client != nil }

    /// `n` validated variants of each question; the `llm` backend stops waiting at `deadline`.
    public func augment(_ questions: [String], n: Int, backend: Backend, seed: UInt64, model: MiniLM,
                        deadline: ContinuousClock.Instant) -> [[Variant]] {
        // One candidate per (question, variant): a text, or why there is none.
        var candidates: [Result<String, AugmentationError>] = []
        switch backend {
        case .rules:
            // Up to n distinct variants; a slot the rules could not fill distinctly says so instead of repeating one.
            for question in questions {
                let found = rules.variants(of: question, seed: seed, count: n)
                candidates += found.map { .success($0) }
                candidates += Array(repeating: .failure(.tooFewVariants(found: found.count, asked: n)), count: n - found.count)
            }
        case .llm:
            guard let client else {
                candidates = Array(repeating: .failure(.completionFailed("no LLM backend configured (--llm-url)")),
                                   count: questions.count * n)
                break
            }
            let prompts = questions.flatMap { question in Array(repeating: settings.prompt.render(question: question), count: n) }
            let answers = Augmenter.blocking { await client.complete(prompts, deadline: deadline) }
            candidates = answers.map { answer in
                switch answer {
                case .success(let completion):
                    do throws(AugmentationError) { return .success(try RewriteResponseParser.parse(completion)) } catch { return .failure(error) }
                case .failure(let failure):
                    return .failure(.completionFailed(failure.description))
                }
            }
        }
        let pairs = candidates.enumerated().map { index, candidate in (questions[index / max(n, 1)], candidate) }
        let reports = validate(pairs, model: model, deadline: deadline)
        return questions.indices.map { q in
            (0..<n).map { v in
                let index = q * n + v
                let text: String? = if case .success(let rewrite) = candidates[index] { rewrite } else { nil }
                return Variant(text: text, report: reports[index])
            }
        }
    }

    /// The verdict on each (original, rewrite) pair made elsewhere; pairs left when `deadline` passes are not
    /// validated (the caller answers 503, never a partial answer).
    public func check(_ pairs: [(original: String, rewrite: String)], model: MiniLM,
                      deadline: ContinuousClock.Instant) -> [ValidationReport] {
        validate(pairs.map { ($0.original, .success($0.rewrite)) }, model: model, deadline: deadline)
    }

    /// Embeds each distinct text once, then validates each pair with its cosine, until `deadline` (each pair's
    /// validation is bounded by `MathSpanMatcher.workBudget`; the deadline bounds the request).
    func validate(_ pairs: [(String, Result<String, AugmentationError>)], model: MiniLM,
                  deadline: ContinuousClock.Instant) -> [ValidationReport] {
        var texts: [String] = []
        var indexOf: [String: Int] = [:]
        func id(_ text: String) -> Int {
            if let known = indexOf[text] { return known }
            indexOf[text] = texts.count
            texts.append(text)
            return texts.count - 1
        }
        let ids: [(Int, Int)?] = pairs.map { original, candidate in
            guard case .success(let rewrite) = candidate else { return nil }
            return (id(original), id(rewrite))
        }
        let embeddings = model.embed(texts)
        return zip(pairs, ids).map { pair, ids in
            switch pair.1 {
            case .failure(let error):
                return .failed(error.description)
            case .success(let rewrite):
                guard let (a, b) = ids else { return .failed("no rewrite") }
                guard ContinuousClock.now < deadline else { return .failed("not validated: the time budget ran out") }
                let cosine = zip(embeddings[a], embeddings[b]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                return validator.validate(original: pair.0, rewrite: rewrite, similarity: cosine)
            }
        }
    }

    /// Runs async work to completion from a synchronous caller (a libmicrohttpd thread, the CLI's loop).
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await work()
            box.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        // The task stored its value before signalling.
        guard let value = box.withLock({ $0 }) else { preconditionFailure("blocking task finished without a value") }
        return value
    }
}
