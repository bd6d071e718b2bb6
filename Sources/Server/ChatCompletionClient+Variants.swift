import Core

extension ChatCompletionClient {
    /// `n` rewrites of each prompt, or why each is missing, in order; every request ends by `deadline`.
    ///
    /// Per prompt: one request with `n` (unless the server has refused `n` above 1); a variant it did not
    /// answer (the server refused `n`, or returned fewer choices) is asked for in a request of its own, each
    /// with its own seed; a choice cut at `max_tokens` is asked for once more with `retryMaxTokens`. Duplicates
    /// are left to the caller (`Augmenter` drops them).
    public func rewrites(_ prompts: [String], n: Int, seed: UInt64,
                         deadline: ContinuousClock.Instant) async -> [[Result<String, AugmentationError>]] {
        await withTaskGroup(of: (Int, [Result<String, AugmentationError>]).self) { group in
            for (index, prompt) in prompts.enumerated() {
                group.addTask { (index, await self.rewrites(of: prompt, n: n, seed: seed, deadline: deadline)) }
            }
            var results = [[Result<String, AugmentationError>]](repeating: [], count: prompts.count)
            for await (index, rewrites) in group { results[index] = rewrites }
            return results
        }
    }

    /// The seed of variant `variant` of a call seeded `base`: distinct per variant, and below 2^31 (llama.cpp
    /// reads it as a 32-bit number).
    static func seed(_ base: UInt64, variant: Int) -> Int {
        var generator = SplitMix64(seed: base ^ (UInt64(truncatingIfNeeded: variant) &* 0xd1b5_4a32_d192_ed03))
        return Int(generator.next() >> 33)
    }

    /// `n` rewrites of one prompt.
    func rewrites(of prompt: String, n: Int, seed: UInt64, deadline: ContinuousClock.Instant) async -> [Result<String, AugmentationError>] {
        var answers = [Result<CompletionChoice, Failure>?](repeating: nil, count: n)
        if n > 1 && !refusesN.withLock({ $0 }) {
            let request = Request(prompt: prompt, n: n, seed: ChatCompletionClient.seed(seed, variant: 0), maxTokens: settings.maxTokens)
            switch await send(request, deadline: deadline) {
            case .success(let choices):
                for (variant, choice) in choices.prefix(n).enumerated() { answers[variant] = .success(choice) }
            case .failure(let failure) where failure.refusedN:
                refusesN.withLock { $0 = true }
            case .failure(let failure):
                return Array(repeating: .failure(.completionFailed(failure.description)), count: n)
            }
        }
        let missing = answers.indices.filter { answers[$0] == nil }
        for (variant, answer) in await single(prompt, variants: missing, seed: seed, maxTokens: settings.maxTokens, deadline: deadline) {
            answers[variant] = answer
        }
        var results = answers.map { answer -> Result<String, AugmentationError> in
            switch answer {
            case .success(let choice): return ChatCompletionClient.parse(choice)
            case .failure(let failure): return .failure(.completionFailed(failure.description))
            case nil: return .failure(.completionFailed("not attempted"))
            }
        }
        let truncated = results.indices.filter { if case .failure(.truncatedCompletion) = results[$0] { true } else { false } }
        guard !truncated.isEmpty else { return results }
        let first = settings.maxTokens
        guard let larger = settings.retryMaxTokens else {
            for variant in truncated {
                results[variant] = results[variant].mapError { error in
                    guard case .truncatedCompletion(let detail) = error else { return error }
                    return .truncatedCompletion("\(detail) (max_tokens \(first); no retry: --llm-max-tokens-cap is not above it)")
                }
            }
            return results
        }
        for (variant, answer) in await single(prompt, variants: truncated, seed: seed, maxTokens: larger, deadline: deadline) {
            switch answer {
            case .success(let choice):
                results[variant] = ChatCompletionClient.parse(choice).mapError { error in
                    guard case .truncatedCompletion(let detail) = error else { return error }
                    return .truncatedCompletion("\(detail) (max_tokens \(first), then \(larger) on the one retry)")
                }
            case .failure(let failure):
                results[variant] = .failure(.completionFailed(
                    "the retry with max_tokens \(larger) after a truncated completion failed: \(failure.description)"))
            }
        }
        return results
    }

    /// One request per variant in `variants`, each with its own seed, at once.
    func single(_ prompt: String, variants: [Int], seed: UInt64, maxTokens: Int,
                deadline: ContinuousClock.Instant) async -> [(Int, Result<CompletionChoice, Failure>)] {
        await withTaskGroup(of: (Int, Result<CompletionChoice, Failure>).self) { group in
            for variant in variants {
                let request = Request(prompt: prompt, n: 1, seed: ChatCompletionClient.seed(seed, variant: variant), maxTokens: maxTokens)
                group.addTask {
                    let answer = await self.send(request, deadline: deadline).flatMap { choices in
                        choices.first.map(Result.success) ?? .failure(Failure(description: "no choices in the answer"))
                    }
                    return (variant, answer)
                }
            }
            var answers: [(Int, Result<CompletionChoice, Failure>)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
    }

    /// The rewrite in `choice`, or why there is none.
    static func parse(_ choice: CompletionChoice) -> Result<String, AugmentationError> {
        do throws(AugmentationError) { return .success(try RewriteResponseParser.parse(choice)) } catch { return .failure(error) }
    }
}
