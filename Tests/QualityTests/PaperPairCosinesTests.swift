import Foundation
import Testing

/// The committed cosines of the paper's 7,500 pairs (`Tests/Data/paper_pair_cosines.tsv`) against the live
/// encoder, and the command that writes them: `make paper-pair-cosines`.
@Suite(.quality)
struct PaperPairCosinesTests {
    /// The file's first lines: what it holds and how to regenerate it.
    static let header = """
        # The all-MiniLM-L6-v2 cosine of each (original, rephrased) pair of shared/data/math/train_pairs.jsonl, one pair a
        # line: id, tab, cosine (the shortest decimal that reads back as the same Double, so thresholds give the
        # same verdicts as the embedding run). Read by PaperRewritesTests instead of embedding 15,000 texts each run;
        # PaperPairCosinesTests checks a sample against the live encoder.
        # Regenerate (release build, embeds 15,000 texts): make paper-pair-cosines

        """

    /// Every 375th pair (20 pairs) embedded now agrees with the committed cosine to within the encoder's
    /// reference tolerance (batch composition moves a cosine by less than that).
    @Test func aSampleAgreesWithTheLiveEncoder() throws {
        let pairs = QualityFixtures.paperPairs
        try #require(pairs.count == 7500)
        let committed = try #require(QualityFixtures.paperCosines)
        let model = try #require(QualityFixtures.model)
        let sample = Array(stride(from: 0, to: pairs.count, by: 375))
        try #require(sample.count == 20)
        let live = QualityFixtures.similarities(sample.map { (pairs[$0].original, pairs[$0].rewrite) }, model: model)
        for (index, cosine) in zip(sample, live) {
            #expect(abs(cosine - committed[index]) <= 1e-5, "pair \(pairs[index].id): live \(cosine), committed \(committed[index])")
        }
    }

    /// Embeds all 7,500 pairs as the validator statistics did before the cosines were committed (originals in one
    /// call, rewrites in another, batches of 64) and rewrites the file.
    @Test(.enabled(if: Quality.regenerate, "rewrites Tests/Data: run with `make paper-pair-cosines`"))
    func regenerate() throws {
        let pairs = QualityFixtures.paperPairs
        try #require(pairs.count == 7500)
        let model = try #require(QualityFixtures.model)
        let cosines = QualityFixtures.similarities(pairs.map { ($0.original, $0.rewrite) }, model: model)
        let rows = zip(pairs, cosines).map { pair, cosine in "\(pair.id)\t\(cosine)\n" }
        try (Self.header + rows.joined()).write(to: QualityFixtures.paperCosinesFile, atomically: true, encoding: .utf8)
        print("wrote \(rows.count) cosines to \(QualityFixtures.paperCosinesFile.path)")
    }
}
