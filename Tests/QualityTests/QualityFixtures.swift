import Foundation
import Testing
import Encoder

/// The shared MATH data, the committed paper-pair cosines and the encoder for the quality suite.
enum QualityFixtures {
    /// One of the paper's rewrites.
    struct Pair: Sendable {
        let id: Int
        let original: String
        let rewrite: String
    }

    /// The package root: the nearest folder above this file that holds Package.swift.
    static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/", !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }()

    /// `COREWARD_SHARED`, else the nearest `shared/` beside the package root or an ancestor of it.
    static let sharedDirectory: URL? = {
        if let dir = ProcessInfo.processInfo.environment["COREWARD_SHARED"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        var folder = packageRoot
        while folder.path != "/" {
            let candidate = folder.deletingLastPathComponent().appendingPathComponent("shared")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("data/math/train_pairs.jsonl").path) {
                return candidate
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }()

    /// `COREWARD_MODEL_DIR`, else `<package root>/models/all-MiniLM-L6-v2`.
    static let modelDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["COREWARD_MODEL_DIR"], !dir.isEmpty { return dir }
        return packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2").path
    }()

    static func jsonLines(_ name: String) -> [[String: Any]] {
        guard let url = sharedDirectory?.appendingPathComponent(name),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("cannot read shared/\(name) (set COREWARD_SHARED)")
            return []
        }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The 7,500 (original, rephrased) pairs of `data/math/train_pairs.jsonl`.
    static let paperPairs: [Pair] = jsonLines("data/math/train_pairs.jsonl").compactMap { row in
        guard let id = row["id"] as? Int, let original = row["original"] as? String,
              let rewrite = row["rephrased"] as? String else { return nil }
        return Pair(id: id, original: original, rewrite: rewrite)
    }

    /// The first 1,000 questions of `data/math/test.jsonl`.
    static let testQuestions: [String] = jsonLines("data/math/test.jsonl").prefix(1000).compactMap { $0["question"] as? String }

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
    static let paperCosinesFile = packageRoot.appendingPathComponent("Tests/Data/paper_pair_cosines.tsv")

    /// The committed cosines in the order of `paperPairs`, or nil with a recorded issue when the file is
    /// missing or its ids are not those of `paperPairs`.
    static let paperCosines: [Double]? = {
        guard let text = try? String(contentsOf: paperCosinesFile, encoding: .utf8) else {
            Issue.record("cannot read \(paperCosinesFile.path)")
            return nil
        }
        var cosines: [Double] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let id = Int(fields[0]), let cosine = Double(fields[1]),
                  cosines.count < paperPairs.count, paperPairs[cosines.count].id == id else {
                Issue.record("\(paperCosinesFile.lastPathComponent): row \(cosines.count) is not pair \(cosines.count)'s id and cosine: \(line)")
                return nil
            }
            cosines.append(cosine)
        }
        guard cosines.count == paperPairs.count else {
            Issue.record("\(paperCosinesFile.lastPathComponent) has \(cosines.count) cosines for \(paperPairs.count) pairs")
            return nil
        }
        return cosines
    }()
}
