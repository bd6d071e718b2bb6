import Encoder
import Foundation
import Testing
import TestSupport

/// The shared MATH data, the committed paper-pair cosines and the encoder for the quality suite.
enum QualityFixtures {
    typealias Pair = TestData.Pair

    static var modelDirectory: String { TestData.modelDirectory }

    /// The 7,500 (original, rephrased) pairs of `data/math/train_pairs.jsonl`.
    static let paperPairs: [Pair] = recorded { try TestData.paperPairs() } ?? []

    /// The first 1,000 questions of `data/math/test.jsonl`.
    static let testQuestions: [String] = recorded { try TestData.testQuestions(1000) } ?? []

    /// The value, or nil with the failure recorded as an issue.
    static func recorded<T>(_ read: () throws -> T) -> T? {
        do { return try read() } catch {
            Issue.record(Comment(rawValue: "\(error)"))
            return nil
        }
    }

    /// The encoder, or nil with a recorded issue.
    static let model: MiniLM? = {
        do {
            // One batch per core, each on single-threaded OpenBLAS (as the server runs it).
            let parallelism = MiniLM.Parallelism.batches(workers: ProcessInfo.processInfo.activeProcessorCount)
            BLAS.setThreadCount(parallelism.blasThreads)
            return try MiniLM(directory: modelDirectory, parallelism: parallelism)
        } catch {
            Issue.record("cannot load the model from \(modelDirectory) (set COREWARD_MODEL_DIR): \(error)")
            return nil
        }
    }()

    /// Cosine of each (a, b), embedded in batches; nothing is cached on disk.
    static func similarities(_ pairs: [(String, String)], model: MiniLM) -> [Double] {
        let a = model.embed(pairs.map(\.0), batchSize: 64)
        let b = model.embed(pairs.map(\.1), batchSize: 64)
        return zip(a, b).map { x, y in zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } }
    }

    /// `Tests/Data/paper_pair_cosines.tsv`: the cosine of each paper pair, committed (see `PaperPairCosinesTests`).
    static var paperCosinesFile: URL { TestData.paperCosinesFile }

    /// The committed cosines in the order of `paperPairs`, or nil with a recorded issue when the file is
    /// missing or its ids are not those of `paperPairs`.
    static let paperCosines: [Double]? = {
        guard let rows = recorded({ try TestData.paperCosines() }) else { return nil }
        guard rows.map(\.id) == paperPairs.map(\.id) else {
            Issue.record("\(paperCosinesFile.lastPathComponent) does not hold one cosine per paper pair, in their order")
            return nil
        }
        return rows.map(\.cosine)
    }()
}
