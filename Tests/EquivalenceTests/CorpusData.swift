import Foundation
@testable import Equivalence
import TestSupport

/// Loads the labelled equivalence corpus and applies docs/equivalence-policy.md's per-class decisions.
enum CorpusData {
    /// One labelled pair, already extracted and with the expectation our policy assigns.
    struct Row: Sendable {
        let file: String
        let gold: String
        let pred: String
        let label: Bool
        let expected: Bool
        let duplicate: Bool
        let doubt: Bool
    }

    static var equivalenceDirectory: URL { TestData.sharedDirectory.appendingPathComponent("data/equivalence") }

    static func jsonLines(_ url: URL) throws -> [[String: Any]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }

    /// How response sides are reduced to answers.
    enum Extraction: Sendable {
        /// What coreward does (`LastBox`, as strict extraction): the content of the last `\boxed{}`, else the side as is.
        case lastBoxed
        /// The trailing run of boxes joined as a list (docs/equivalence-policy.md), else the side as is.
        case lastBoxedRun
    }

    static func extract(_ side: String, _ mode: Extraction) -> String {
        switch mode {
        case .lastBoxed: return LastBox.content(of: side) ?? side
        case .lastBoxedRun: return BoxedExtraction.lastBoxedRun(in: side) ?? side
        }
    }

    /// Our expectation for a row (see docs/equivalence-policy.md for each label_policy class).
    static func expectation(label: Bool, policy: String, params: [String: Any], status: String?, escapeWarning: Bool) -> Bool {
        if policy.contains("numeric rounding") { return false }
        if policy.contains("comma list treated as ORDERED") { return true }
        if policy.contains("tuple gold vs set pred accepted") { return false }
        if policy.contains("anti-reward-hacking") { return true }
        if policy.contains("inline math split") { return true }
        if policy.contains("strict variable") && ((params["strict"] as? Bool) == false || status != nil) { return false }
        if escapeWarning { return true }
        return label
    }

    /// Every row of every corpus file.
    static func rows(_ mode: Extraction = .lastBoxed) throws -> [Row] {
        let dir = equivalenceDirectory
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jsonl") }.sorted()
        var out: [Row] = []
        for f in files {
            for o in try jsonLines(dir.appendingPathComponent(f)) {
                guard var gold = o["gold"] as? String, var pred = o["pred"] as? String, let label = o["equivalent"] as? Bool else { continue }
                if (o["kind"] as? String) == "response" {
                    if (o["gold_kind"] as? String) == "response" { gold = extract(gold, mode) }
                    if (o["pred_kind"] as? String) == "response" { pred = extract(pred, mode) }
                }
                let expected = expectation(label: label, policy: (o["label_policy"] as? String) ?? "",
                                           params: (o["params"] as? [String: Any]) ?? [:], status: o["status"] as? String,
                                           escapeWarning: o["escape_warning"] != nil)
                out.append(Row(file: f, gold: gold, pred: pred, label: label, expected: expected,
                               duplicate: o["duplicate_of"] != nil, doubt: o["label_doubt"] != nil))
            }
        }
        return out
    }
}
