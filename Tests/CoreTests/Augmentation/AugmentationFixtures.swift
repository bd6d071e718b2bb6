import Foundation
import Testing
@testable import Core

/// The shared MATH data and the committed paper-pair cosines for the augmentation tests.
enum AugmentationFixtures {
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

    /// The first 100 questions of `data/math/test.jsonl` (the quality suite runs the first 1,000).
    static let testQuestions: [String] = jsonLines("data/math/test.jsonl").prefix(100).compactMap { $0["question"] as? String }

    /// Every 75th of the paper's pairs (100 pairs) with its cosine from `Tests/Data/paper_pair_cosines.tsv` (the
    /// quality suite reads it for all 7,500), or nil with a recorded issue.
    static let paperSample: [(pair: Pair, similarity: Double)]? = {
        let file = packageRoot.appendingPathComponent("Tests/Data/paper_pair_cosines.tsv")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("cannot read \(file.path)")
            return nil
        }
        var cosines: [Int: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            if fields.count == 2, let id = Int(fields[0]), let cosine = Double(fields[1]) { cosines[id] = cosine }
        }
        var sample: [(pair: Pair, similarity: Double)] = []
        for pair in paperPairs where pair.id % 75 == 0 {
            guard let cosine = cosines[pair.id] else {
                Issue.record("\(file.lastPathComponent) has no cosine for pair \(pair.id)")
                return nil
            }
            sample.append((pair, cosine))
        }
        return sample
    }()
}
