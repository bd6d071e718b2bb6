import ArgumentParser
import Core
import Encoder
import Foundation
import Server

/// `coreward augment`: rephrase every question of a JSONL file, validate each variant, and write the
/// accepted and the rejected apart; resumable.
struct Augment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rephrase the questions of a JSONL file (the paper's offline step), keeping only validated rewrites.",
        discussion: """
            Each input line is a JSON object with a "question" (or "original", or "problem") and an "id" \
            (default: its line number). Each output line is the input object plus "rephrased" (the first \
            accepted variant) and "variants" (every accepted one, with similarity, novelty and checks). \
            Questions with no accepted variant go to --rejected with every variant's reasons. Ids already \
            in the output or the rejected file are skipped, so an interrupted run resumes where it stopped.
            """)

    @Option(name: .shortAndLong, help: "Input JSONL file.")
    var input: String
    @Option(name: .shortAndLong, help: "Output JSONL file of accepted rewrites (appended to).")
    var output: String
    @Option(help: "JSONL file of rejected questions with reasons (default: OUTPUT with .rejected.jsonl).")
    var rejected: String?
    @Option(help: "rules (embedded, deterministic) or llm (needs --llm-url).")
    var backend: String = "rules"
    @Option(help: "Variants per question.")
    var n: Int = 1
    @Option(help: "Seed of the rules backend.")
    var seed: UInt64 = 0
    @Option(help: "Questions per batch (one encoder call, one wave of LLM requests).")
    var batch: Int = 32
    @Option(help: "Folder with the encoder's model.safetensors and vocab.txt (env COREWARD_MODEL_DIR).")
    var modelDir: String?
    @Flag(help: "Accept variants that rename a variable, function or point (only when every answer is a number).")
    var allowRenaming = false
    @OptionGroup var options: AugmentOptions

    func run() throws {
        guard let backend = Augmenter.Backend(rawValue: backend) else {
            throw ValidationError("--backend must be rules or llm, got \(self.backend)")
        }
        guard n >= 1, batch >= 1 else { throw ValidationError("--n and --batch must be at least 1") }
        let settings = try options.settings()
        let augmenter = Augmenter(settings: settings)
        if backend == .llm && !augmenter.hasLLM { throw ValidationError("--backend llm needs --llm-url (or COREWARD_LLM_URL)") }
        let environment = ProcessInfo.processInfo.environment
        let directory = modelDir ?? environment["COREWARD_MODEL_DIR"] ?? "models/all-MiniLM-L6-v2"
        let parallelism = MiniLM.Parallelism.batches(workers: ProcessInfo.processInfo.activeProcessorCount)
        BLAS.setThreadCount(parallelism.blasThreads)
        let model = try MiniLM(directory: directory, parallelism: parallelism)
        let rejectedPath = rejected ?? Augment.rejectedPath(for: output)

        guard let inputText = try? String(contentsOfFile: input, encoding: .utf8) else {
            throw ValidationError("cannot read \(input)")
        }
        let done = Augment.ids(in: output).union(Augment.ids(in: rejectedPath))
        var records: [(id: String, object: [String: Any], question: String)] = []
        var unreadable: [[String: Any]] = []
        var skipped = 0
        for (number, line) in inputText.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                unreadable.append(["line": number + 1, "reasons": ["input: not a JSON object"]])
                continue
            }
            let id = object["id"].map { "\($0)" } ?? String(number + 1)
            guard let question = (object["question"] ?? object["original"] ?? object["problem"]) as? String else {
                if !done.contains(id) { unreadable.append(["id": id, "line": number + 1, "reasons": ["input: no question field"]]) }
                continue
            }
            if done.contains(id) { skipped += 1; continue }
            records.append((id, object, question))
        }

        let outputFile = try Augment.appending(to: output)
        let rejectedFile = try Augment.appending(to: rejectedPath)
        defer {
            try? outputFile.close()
            try? rejectedFile.close()
        }
        for record in unreadable { try Augment.write(record, to: rejectedFile) }

        var progress = ProgressBar(total: records.count, label: "augment")
        var accepted = 0
        var rejectedCount = unreadable.count
        var variantsAccepted = 0
        var failedChecks: [String: Int] = [:]
        let start = Date()
        for first in stride(from: 0, to: records.count, by: batch) {
            let slice = Array(records[first..<min(first + batch, records.count)])
            let waves = Double((slice.count * n + settings.llmConcurrency - 1) / settings.llmConcurrency)
            let budget = (settings.llmTimeoutSeconds + 60) * Double(settings.llmRetries + 1) * waves
            let results = augmenter.augment(slice.map(\.question), n: n, backend: backend, seed: seed, model: model,
                                            deadline: .now + .milliseconds(Int64(budget * 1000)),
                                            allowRenaming: allowRenaming)
            for (record, variants) in zip(slice, results) {
                for variant in variants {
                    for check in variant.report.checks where !check.held { failedChecks[check.name, default: 0] += 1 }
                }
                let good = variants.filter { $0.report.accepted && $0.text != nil }
                variantsAccepted += good.count
                var object = record.object
                object["id"] = record.object["id"] ?? record.id
                if let best = good.first?.text {
                    object["rephrased"] = best
                    object["variants"] = good.map(Augment.describe)
                    try Augment.write(object, to: outputFile)
                    accepted += 1
                } else {
                    object["variants"] = variants.map(Augment.describe)
                    try Augment.write(object, to: rejectedFile)
                    rejectedCount += 1
                }
            }
            progress.advance(by: slice.count)
        }
        progress.finish()

        let seconds = Date().timeIntervalSince(start)
        let processed = records.count
        var summary = """
            augment: \(processed) questions in \(String(format: "%.1f", seconds)) s (\(skipped) already done, skipped)
              accepted: \(accepted) (\(Augment.percent(accepted, processed))) -> \(output)
              rejected: \(rejectedCount) (\(Augment.percent(rejectedCount - unreadable.count, processed)), \(unreadable.count) unreadable lines) -> \(rejectedPath)
              variants accepted: \(variantsAccepted) of \(processed * n)
            """
        if !failedChecks.isEmpty {
            summary += "\n  failed checks (variants): "
                + failedChecks.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        FileHandle.standardError.write(Data((summary + "\n").utf8))
    }

    static func describe(_ variant: Augmenter.Variant) -> [String: Any] {
        var checks: [String: Any] = [:]
        for check in variant.report.checks { checks[check.name] = ["held": check.held, "detail": check.detail] }
        return [
            "text": variant.text ?? NSNull(),
            "similarity": variant.report.similarity,
            "novelty": variant.report.novelty,
            "checks": checks,
            "accepted": variant.report.accepted,
            "reasons": variant.report.reasons,
        ]
    }

    static func rejectedPath(for output: String) -> String {
        output.hasSuffix(".jsonl") ? String(output.dropLast(6)) + ".rejected.jsonl" : output + ".rejected.jsonl"
    }

    /// The ids of the records already in a JSONL file (none if it does not exist).
    static func ids(in path: String) -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var ids = Set<String>()
        for line in text.split(separator: "\n") {
            if let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any], let id = object["id"] {
                ids.insert("\(id)")
            }
        }
        return ids
    }

    static func appending(to path: String) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ValidationError("cannot create \(path)") }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot open \(path)") }
        try handle.seekToEnd()
        return handle
    }

    static func write(_ object: [String: Any], to file: FileHandle) throws {
        var data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        try file.write(contentsOf: data)
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "-" : String(format: "%.1f%%", 100 * Double(part) / Double(whole))
    }
}

/// A one-line progress bar with rate and ETA on standard error, drawn only when it is a terminal.
struct ProgressBar {
    let total: Int
    let label: String
    let enabled = isatty(STDERR_FILENO) != 0
    let start = Date()
    var done = 0

    mutating func advance(by count: Int) {
        done += count
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = rate > 0 ? ProgressBar.duration(Double(total - done) / rate) : "?"
        let line = "\r\(label) [\(bar)] \(done)/\(total) \(String(format: "%5.1f", fraction * 100))% "
            + "\(String(format: "%.1f", rate))/s ETA \(eta)   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
