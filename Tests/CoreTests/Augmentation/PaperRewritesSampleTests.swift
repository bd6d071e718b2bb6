import Testing
@testable import Core

/// The validator on 100 of the paper's 7,500 rewrites (every 75th) with their committed cosines, renaming allowed
/// where the answer is a number; the quality suite (`make quality`) runs all of them.
struct PaperRewritesSampleTests {
    @Test func acceptsAtLeastEightyPercentOfTheSample() throws {
        let sample = try #require(AugmentationFixtures.paperSample)
        try #require(sample.count == 100)
        let validator = AugmentationValidator()
        var accepted = 0
        var failed: [String: Int] = [:]
        for (pair, similarity) in sample {
            let report = validator.validate(original: pair.original, rewrite: pair.rewrite, similarity: similarity,
                                            allowRenaming: pair.answerIsANumber)
            if report.accepted { accepted += 1 }
            for check in report.checks where !check.held { failed[check.name, default: 0] += 1 }
        }
        print("paper rewrites sample accepted: \(accepted)/100; failed checks: \(failed.sorted { $0.key < $1.key })")
        #expect(accepted >= 80, "accepted \(accepted)/100; failed checks: \(failed.sorted { $0.key < $1.key })")
    }
}
