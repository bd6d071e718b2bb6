import Foundation
import Testing
@testable import Encoder

struct MiniLMTests {
    static let tolerance = 1e-5

    @Test("embedding within 1e-5 of the reference", arguments: Fixtures.textCases)
    func referenceEmbedding(_ reference: Fixtures.TextCase) throws {
        let model = try #require(Fixtures.model)
        let embedding = try #require(model.embed([reference.text]).first)
        #expect(embedding.count == 384)
        #expect(Fixtures.maxAbsDifference(embedding, reference.embedding) <= Self.tolerance)
    }

    @Test("pair cosine within 1e-5 of the reference", arguments: Fixtures.pairCases)
    func referenceCosine(_ pair: Fixtures.PairCase) throws {
        let model = try #require(Fixtures.model)
        let embeddings = model.embed([pair.a, pair.b])
        #expect(abs(Fixtures.cosine(embeddings[0], embeddings[1]) - pair.cosine) <= Self.tolerance)
    }

    @Test func identity() throws {
        let model = try #require(Fixtures.model)
        #expect(model.dimension == 384)
        #expect(model.modelName == "all-MiniLM-L6-v2")
        #expect(model.weightsFile.hasSuffix("/model.safetensors"))
        #expect(model.embed([]).isEmpty)
    }

    /// Every reference text embedded alone (no padding).
    static let singles: [[Float]] = {
        guard let model = Fixtures.model else { return [] }
        return Fixtures.textCases.map { model.embed([$0.text], batchSize: 1)[0] }
    }()

    @Test("a padded batch of mixed lengths equals one-by-one", arguments: [7, 64])
    func batchedEqualsSingle(batchSize: Int) throws {
        let model = try #require(Fixtures.model)
        let texts = Fixtures.textCases.map(\.text)
        let single = Self.singles
        try #require(single.count == texts.count)
        let batched = model.embed(texts, batchSize: batchSize)
        #expect(batched.count == texts.count)
        for (index, (one, many)) in zip(single, batched).enumerated() {
            #expect(Fixtures.maxAbsDifference(one, many) <= 1e-5, "text \(index)")
        }
        // And every batched result still matches the reference (order restored).
        for (reference, embedding) in zip(Fixtures.textCases, batched) {
            #expect(Fixtures.maxAbsDifference(embedding, reference.embedding) <= Self.tolerance, "\(reference.testDescription)")
        }
    }

    /// One worker and no token cap, so all 62 texts (2 to 256 tokens) go through a single batch.
    @Test func allReferenceTextsInOnePaddedBatch() throws {
        let model = try MiniLM(directory: Fixtures.modelDirectory, parallelism: .batches(workers: 1),
                               maxBatchTokens: 1_000_000)
        let single = Self.singles
        try #require(single.count == Fixtures.textCases.count)
        let batched = model.embed(Fixtures.textCases.map(\.text), batchSize: 64)
        for (index, (one, many)) in zip(single, batched).enumerated() {
            #expect(Fixtures.maxAbsDifference(one, many) <= 1e-5, "text \(index)")
        }
    }

    /// At the smallest token cap (256, one text of the longest kind) every batch is cut to fit, and nothing changes.
    @Test func batchesCutByTokensGiveTheSameEmbeddings() throws {
        let capped = try MiniLM(directory: Fixtures.modelDirectory, parallelism: .batches(workers: 2), maxBatchTokens: 1)
        #expect(capped.maxBatchTokens == 256)
        let texts = Fixtures.textCases.map(\.text)
        for (index, (one, cut)) in zip(Self.singles, capped.embed(texts, batchSize: 64)).enumerated() {
            #expect(Fixtures.maxAbsDifference(one, cut) <= 1e-5, "text \(index)")
        }
    }

    @Test func shortestAndLongestInOneBatch() throws {
        let model = try #require(Fixtures.model)
        let texts = ["", String(repeating: "long sentence ", count: 200), "a", "What is 2 + 3?"]
        let batched = model.embed(texts, batchSize: 4)
        for (text, embedding) in zip(texts, batched) {
            #expect(Fixtures.maxAbsDifference(model.embed([text])[0], embedding) <= 1e-5)
        }
    }

    @Test func concurrentCallsGiveTheSameResults() async throws {
        let model = try #require(Fixtures.model)
        let texts = Array(Fixtures.textCases.map(\.text).prefix(24))
        let expected = model.embed(texts, batchSize: 8)
        let results = await withTaskGroup(of: [[Float]].self) { group in
            for task in 0..<4 {
                group.addTask {
                    // Run on a plain thread: embed blocks while it computes.
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            continuation.resume(returning: model.embed(texts, batchSize: 8 + task % 2 * 8))
                        }
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 4)
        for result in results {
            #expect(result.count == texts.count)
            for (a, b) in zip(result, expected) {
                #expect(Fixtures.maxAbsDifference(a, b) <= 1e-5)
            }
        }
    }

    @Test func missingDirectoryNamesTheFile() {
        #expect {
            try MiniLM(directory: "/nonexistent/model", parallelism: .batches(workers: 1))
        } throws: { error in
            "\(error)".contains("/nonexistent/model/model.safetensors")
        }
    }
}
