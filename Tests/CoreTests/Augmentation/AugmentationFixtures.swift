import Foundation
import Testing
@testable import Core
import TestSupport

/// The shared MATH data and the committed paper-pair cosines for the augmentation tests.
enum AugmentationFixtures {
    typealias Pair = TestData.Pair

    /// The 7,500 (original, rephrased) pairs of `data/math/train_pairs.jsonl`.
    static let paperPairs: [Pair] = recorded { try TestData.paperPairs() } ?? []

    /// The first 100 questions of `data/math/test.jsonl` (the quality suite runs the first 1,000).
    static let testQuestions: [String] = recorded { try TestData.testQuestions(100) } ?? []

    /// Rows of a shared JSON Lines file, or none with a recorded issue.
    static func jsonLines(_ name: String) -> [[String: Any]] {
        recorded { try TestData.jsonLines(name) } ?? []
    }

    /// The value, or nil with the failure recorded as an issue.
    static func recorded<T>(_ read: () throws -> T) -> T? {
        do { return try read() } catch {
            Issue.record(Comment(rawValue: "\(error)"))
            return nil
        }
    }

    /// Every 75th of the paper's pairs (100 pairs) with its cosine from `Tests/Data/paper_pair_cosines.tsv` (the
    /// quality suite reads it for all 7,500), or nil with a recorded issue.
    static let paperSample: [(pair: Pair, similarity: Double)]? = {
        guard let rows = recorded({ try TestData.paperCosines() }) else { return nil }
        let cosines = Dictionary(rows.map { ($0.id, $0.cosine) }, uniquingKeysWith: { first, _ in first })
        var sample: [(pair: Pair, similarity: Double)] = []
        for pair in paperPairs where pair.id % 75 == 0 {
            guard let cosine = cosines[pair.id] else {
                Issue.record("\(TestData.paperCosinesFile.lastPathComponent) has no cosine for pair \(pair.id)")
                return nil
            }
            sample.append((pair, cosine))
        }
        return sample
    }()
}
