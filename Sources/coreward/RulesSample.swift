import ArgumentParser
import Core
import Foundation

/// `coreward rules-sample`: a seeded sample of questions and their `rules` variants, side by side, for a reviewer.
struct RulesSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules-sample",
        abstract: "Print a seeded random sample of questions with their rules-backend variants, for review.",
        discussion: """
            Reads a JSONL file whose lines hold a "question" (or "original", or "problem"), draws --count of them \
            with --seed, and prints each original followed by its variants (up to --n, as /v1/augment with \
            backend rules would return for that seed; fewer when the rules find no more distinct valid ones). \
            No encoder is loaded: the variants meet every check but the similarity band. Diagrams are folded \
            to their line count (the rules never edit them).
            """)

    @Option(name: .shortAndLong, help: "Input JSONL file.")
    var input: String
    @Option(help: "Questions to draw.")
    var count: Int = 30
    @Option(help: "Seed of the draw and of the rules backend.")
    var seed: UInt64 = 1
    @Option(help: "Variants per question.")
    var n: Int = 2

    func run() throws {
        guard count >= 1, n >= 1 else { throw ValidationError("--count and --n must be at least 1") }
        guard let text = try? String(contentsOfFile: input, encoding: .utf8) else { throw ValidationError("cannot read \(input)") }
        let questions: [String] = text.split(separator: "\n").compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
            return (object["question"] ?? object["original"] ?? object["problem"]) as? String
        }
        var rng = SplitMix64(seed: seed)
        var order = Array(questions.indices)
        // A partial Fisher-Yates shuffle: the first `count` are a seeded sample.
        for position in 0..<min(count, order.count) {
            order.swapAt(position, position + rng.index(below: order.count - position))
        }
        let rewriter = RulesRewriter()
        for (number, index) in order.prefix(count).enumerated() {
            let question = questions[index]
            print("── \(number + 1) (line \(index + 1)) " + String(repeating: "─", count: 40))
            print("ORIGINAL:  " + RulesSample.folded(question))
            let variants = rewriter.variants(of: question, seed: seed, count: n)
            for (k, variant) in variants.enumerated() {
                let novelty = Novelty.score(original: QuestionText(question), rewrite: QuestionText(variant))
                print("VARIANT \(k + 1) (novelty \(String(format: "%.2f", novelty))): " + RulesSample.folded(variant))
            }
            if variants.count < n { print("(only \(variants.count) distinct valid variant\(variants.count == 1 ? "" : "s"))") }
            print()
        }
    }

    /// The text with each `[asy]` diagram folded to its line count (the rules never edit a diagram).
    static func folded(_ text: String) -> String {
        QuestionText(text).segments.map { segment in
            guard segment.kind == .diagram else { return segment.text }
            let lines = segment.text.split(separator: "\n", omittingEmptySubsequences: false).count
            return "[asy] ... (\(lines) lines) [/asy]"
        }.joined()
    }
}
