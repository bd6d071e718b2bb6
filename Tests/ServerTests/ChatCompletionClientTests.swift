import Core
import Foundation
import Synchronization
import Testing
@testable import Server

/// What the `llm` backend sends, and how it treats what comes back, without a server.
struct ChatCompletionClientTests {
    static func client(_ change: (inout AugmentationSettings) -> Void = { _ in }) throws -> ChatCompletionClient {
        var settings = AugmentationSettings()
        settings.llmURL = "http://127.0.0.1:9/v1"
        change(&settings)
        return try #require(ChatCompletionClient(settings: settings))
    }

    /// `n` is sent only above 1; `seed` and `max_tokens` always.
    @Test(arguments: [1, 3])
    func requestBody(n: Int) throws {
        let body = try ChatCompletionClientTests.client().body(.init(prompt: "p", n: n, seed: 17, maxTokens: 300))
        #expect(body["n"] as? Int == (n > 1 ? n : nil))
        #expect(body["seed"] as? Int == 17)
        #expect(body["max_tokens"] as? Int == 300)
        #expect(body["model"] as? String == "Qwen/Qwen3-32B")
    }

    /// Each variant of a call gets its own seed, the same for the same call seed, within 31 bits.
    @Test(arguments: [0, 1, 12345, UInt64.max])
    func seedsAreDistinctPerVariant(base: UInt64) {
        let seeds = (0..<64).map { ChatCompletionClient.seed(base, variant: $0) }
        #expect(Set(seeds).count == seeds.count)
        #expect(seeds.allSatisfy { (0..<(1 << 31)).contains($0) })
        #expect(seeds == (0..<64).map { ChatCompletionClient.seed(base, variant: $0) })
    }

    /// The retry after a truncated completion doubles `max_tokens`, up to the cap; none when the cap leaves no room.
    @Test(arguments: [
        (2048, 8192, 4096 as Int?),
        (2048, 3000, 3000),
        (6000, 8192, 8192),
        (8192, 8192, nil),
        (4096, 1000, nil),
        (Int.max, Int.max, nil),
        (Int.max / 2 + 1, Int.max, Int.max),
    ])
    func retryMaxTokens(maxTokens: Int, cap: Int, retry: Int?) {
        var settings = AugmentationSettings()
        settings.maxTokens = maxTokens
        settings.maxTokensCap = cap
        #expect(settings.retryMaxTokens == retry)
    }

    /// A repeat of an earlier rewrite becomes a failure that names the earlier one; other results pass through.
    @Test func duplicatesAreDroppedNotReplaced() {
        let rewrites: [Result<String, AugmentationError>] = [
            .success("A b."), .failure(.completionFailed("HTTP 500")), .success("A  b."), .success("C."), .success(" A b.\n"),
        ]
        let distinct = Augmenter.distinct(rewrites)
        #expect(distinct[0] == .success("A b."))
        #expect(distinct[1] == .failure(.completionFailed("HTTP 500")))
        #expect(distinct[3] == .success("C."))
        let reason = "the same text as variant 1 after whitespace normalisation; dropped, not replaced (2 distinct rewrites of 5 asked)"
        #expect(distinct[2] == .failure(.duplicateVariant(reason)))
        #expect(distinct[4] == .failure(.duplicateVariant(reason)))
    }

    /// At most `count` holders at once; a release hands the slot to a waiter.
    @Test func slotsBoundTheRequestsInFlight() async {
        let slots = RequestSlots(count: 2)
        final class Peak: Sendable { let counts = Mutex((now: 0, most: 0)) }
        let peak = Peak()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await slots.acquire()
                    peak.counts.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                    await Task.yield()
                    peak.counts.withLock { $0.now -= 1 }
                    slots.release()
                }
            }
        }
        #expect(peak.counts.withLock { $0.most } <= 2)
        #expect(peak.counts.withLock { $0.now } == 0)
    }
}
