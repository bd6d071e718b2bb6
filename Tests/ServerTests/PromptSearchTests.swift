@testable import Server
import Testing

/// `/get_reward` finds the response after its prompt: the first occurrence, in time linear in the lengths.
struct PromptSearchTests {
    /// Agrees with the obvious search on random texts over a two-letter alphabet (many near matches).
    @Test func findsTheFirstOccurrenceLikeANaiveSearch() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 2000 {
            let text = (0 ..< Int.random(in: 0 ... 40, using: &generator)).map { _ in UInt8.random(in: 97 ... 98, using: &generator) }
            let needle = (0 ..< Int.random(in: 1 ... 6, using: &generator)).map { _ in UInt8.random(in: 97 ... 98, using: &generator) }
            let naive = text.count < needle.count ? nil
                : (0 ... text.count - needle.count).first { Array(text[$0 ..< $0 + needle.count]) == needle }
            let found = text.withUnsafeBufferPointer { t in
                needle.withUnsafeBufferPointer { GetRewardEndpoint.firstOccurrence(of: $0, in: t) }
            }
            #expect(found == naive, "\(needle) in \(text)")
        }
    }

    /// The response is what follows the prompt: as a prefix, else after its first occurrence, else the whole query.
    @Test(arguments: [
        ("PROMPT answer", "PROMPT", " answer"),
        ("<s>PROMPT answer", "PROMPT", " answer"),
        ("x PROMPT a PROMPT b", "PROMPT", " a PROMPT b"),
        ("no match here", "PROMPT", "no match here"),
    ])
    func theResponseFollowsThePrompt(query: String, prompt: String, response: String) {
        let found = Array(query.utf8).withUnsafeBufferPointer { q in
            Array(prompt.utf8).withUnsafeBufferPointer { p in Array(GetRewardEndpoint.response(of: q, after: p)) }
        }
        #expect(String(decoding: found, as: UTF8.self) == response)
    }

    /// A prompt that almost matches everywhere (`a…ab` in `a…a`, 300 KB each) is no slower than any other:
    /// a quadratic search would take minutes here.
    @Test func aNearlyMatchingPromptIsLinear() {
        let query = [UInt8](repeating: 97, count: 300_000)
        let prompt = [UInt8](repeating: 97, count: 150_000) + [98]
        let found = query.withUnsafeBufferPointer { q in
            prompt.withUnsafeBufferPointer { GetRewardEndpoint.firstOccurrence(of: $0, in: q) }
        }
        #expect(found == nil)
    }
}
