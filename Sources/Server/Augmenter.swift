import Core
import Encoder
import Dispatch
import Synchronization

/// Rephrases questions with the `rules` or `llm` backend and validates every variant against its question.
///
/// Shared by `/v1/augment`, `/v1/augment/check` and `coreward augment`. A failed, unparseable or truncated
/// completion, and with the `llm` backend a repeat of an earlier variant, becomes a rejected variant with its
/// reason: every question comes back with exactly `n` variants, of which fewer may be distinct and valid.
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

    /// `n` validated variants of each question; the `llm` backend stops waiting at `deadline`. A variant that renames
    /// a variable, function or point is rejected unless `allowRenaming` (for questions whose answer is a number).
    public func augment(_ questions: [String], n: Int, backend: Backend, seed: UInt64, model: MiniLM,
                        deadline: ContinuousClock.Instant, allowRenaming: Bool = false) -> [[Variant]] {
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
            let prompts = questions.map { settings.prompt.render(question: $0) }
            let rewrites = Augmenter.blocking { await client.rewrites(prompts, n: n, seed: seed, deadline: deadline) }
            candidates = rewrites.flatMap(Augmenter.distinct)
        }
        let pairs = candidates.enumerated().map { index, candidate in (questions[index / max(n, 1)], candidate) }
        let reports = validate(pairs, model: model, deadline: deadline, allowRenaming: { _ in allowRenaming })
        return questions.indices.map { q in
            (0..<n).map { v in
                let index = q * n + v
                let text: String? = if case .success(let rewrite) = candidates[index] { rewrite } else { nil }
                return Variant(text: text, report: reports[index])
            }
        }
    }

    /// `rewrites` with each repeat of an earlier one (after whitespace normalisation) made a failure that says
    /// so: dropped, never replaced, so that a question may have fewer distinct variants than asked.
    static func distinct(_ rewrites: [Result<String, AugmentationError>]) -> [Result<String, AugmentationError>] {
        let texts = rewrites.map { rewrite -> String? in if case .success(let text) = rewrite { text } else { nil } }
        let earlier = DistinctVariants.earlierDuplicates(texts)
        let distinctCount = texts.indices.filter { texts[$0] != nil && earlier[$0] == nil }.count
        return zip(rewrites, earlier).map { rewrite, earlier in
            guard let earlier else { return rewrite }
            return .failure(.duplicateVariant(
                "the same text as variant \(earlier + 1) after whitespace normalisation; dropped, not replaced "
                    + "(\(distinctCount) distinct rewrites of \(rewrites.count) asked)"))
        }
    }

    /// The verdict on each (original, rewrite) pair made elsewhere; pairs left when `deadline` passes are not
    /// validated (the caller answers 503, never a partial answer).
    public func check(_ pairs: [(original: String, rewrite: String, allowRenaming: Bool)], model: MiniLM,
                      deadline: ContinuousClock.Instant) -> [ValidationReport] {
        validate(pairs.map { ($0.original, .success($0.rewrite)) }, model: model, deadline: deadline,
                 allowRenaming: { pairs[$0].allowRenaming })
    }

    /// Embeds each distinct text once, then validates each pair with its cosine, until `deadline` (each pair's
    /// validation is bounded by `MathSpanMatcher.workBudget`; the deadline bounds the request).
    func validate(_ pairs: [(String, Result<String, AugmentationError>)], model: MiniLM,
                  deadline: ContinuousClock.Instant, allowRenaming: (Int) -> Bool) -> [ValidationReport] {
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
        return zip(pairs.indices, zip(pairs, ids)).map { index, element in
            let (pair, ids) = element
            switch pair.1 {
            case .failure(let error):
                return .failed(error.description)
            case .success(let rewrite):
                guard let (a, b) = ids else { return .failed("no rewrite") }
                guard ContinuousClock.now < deadline else { return .failed("not validated: the time budget ran out") }
                let cosine = zip(embeddings[a], embeddings[b]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                return validator.validate(original: pair.0, rewrite: rewrite, similarity: cosine,
                                          allowRenaming: allowRenaming(index))
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
