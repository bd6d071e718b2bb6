/// The `rules` backend: rephrases a question by fixed rules, deterministically for a seed.
///
/// It rewords sentence-initial instructions from `instructions` ("Find" as "Determine", "What is" as
/// "What would be", ...), swaps the few words of `synonyms` ("largest" and "greatest", ...), moves a leading
/// condition behind the question ("If A, what is B?" as "What is B if A?") where the sentence has that
/// one shape, and renames people and everyday objects, consistently across the question (every "Tom"
/// becomes the same "Ben", his "apples" the same "pears"). When that changes too little, it adds one of
/// `frames` in front and, if still too little, one of `closers` at the end. It edits prose only: math spans
/// (`$...$`, `\[...\]`, `\(...\)`, environments), diagrams and every number, in digits or in words, stay as
/// they are.
public struct RulesRewriter: Sendable {
    /// Creates a rewriter.
    public init() {}

    /// Variant `variant` of `question` for `seed`.
    public func rewrite(_ question: String, seed: UInt64, variant: Int = 0) -> String {
        var rng = SplitMix64(seed: seed, text: question, variant: variant)
        let text = QuestionText(question)
        // Math and diagrams become placeholders the rules cannot touch; sentence rules see them as words.
        var masked = ""
        var protected: [String] = []
        for segment in text.segments {
            if segment.kind == .prose {
                masked += segment.text
            } else {
                masked += "\u{E000}\(protected.count)\u{E001}"
                protected.append(segment.text)
            }
        }
        var words = RulesRewriter.tokens(masked)
        renameEntities(&words, rng: &rng)
        rewordInstructions(&words, rng: &rng)
        var result = words.joined()
        result = moveLeadingCondition(result)
        // Too little changed (no rule applied, or only words the question already had): frame it, and if
        // that is still not enough for a long question, close it with a neutral request.
        let before = QuestionText(masked)
        if Novelty.score(original: before, rewrite: QuestionText(result)) < RulesRewriter.targetNovelty {
            result = RulesRewriter.frames[rng.index(below: RulesRewriter.frames.count)] + result
        }
        if Novelty.score(original: before, rewrite: QuestionText(result)) < RulesRewriter.targetNovelty {
            result += RulesRewriter.closers[rng.index(below: RulesRewriter.closers.count)]
        }
        // Put the protected spans back.
        for (index, span) in protected.enumerated().reversed() {
            result = RulesRewriter.replacingAll(in: result, "\u{E000}\(index)\u{E001}", with: span)
        }
        return result
    }

    // MARK: Tables

    /// Openings that frame a question without changing it, used when no other rule applies.
    static let frames = ["Consider the following problem. ", "Here is a puzzle to solve. ", "Try this exercise. "]

    /// Closing requests that ask for nothing new.
    static let closers = ["\n\nPlease reason carefully before answering.", "\n\nShow your work briefly.",
                          "\n\nExplain each step of your reasoning."]

    /// The novelty the rules aim for before framing; the validator's floor is lower (`ValidationThresholds`).
    static let targetNovelty = 0.1

    /// Sentence-initial instructions and their rewordings (each keeps the grammar of what follows).
    static let instructions: [(String, [String])] = [
        ("What is", ["What's", "What would be"]),
        ("What are", ["What would be"]),
        ("How many", ["Exactly how many", "Just how many"]),
        ("Find", ["Determine", "Work out", "Calculate", "Compute"]),
        ("Compute", ["Calculate", "Evaluate", "Work out", "Find"]),
        ("Determine", ["Find", "Work out", "Establish"]),
        ("Calculate", ["Compute", "Work out", "Find"]),
        ("Evaluate", ["Compute", "Calculate", "Work out"]),
        ("Simplify", ["Give the simplest form of", "Fully simplify"]),
        ("Solve for", ["Find", "Determine"]),
        ("Express your answer", ["Give your answer", "Write your answer", "State your answer"]),
        ("Given that", ["Suppose that", "Assume that"]),
        ("Suppose that", ["Assume that", "Given that"]),
        ("Suppose", ["Assume", "Imagine"]),
    ]

    /// Words with a synonym that means the same in any mathematical sense.
    static let synonyms: [String: [String]] = [
        "largest": ["greatest"], "greatest": ["largest"], "smallest": ["least"], "least": ["smallest"],
        "such that": ["so that"], "possible": ["attainable"], "total": ["overall"],
    ]

    /// People's names, grouped so a name is replaced by one of the same group (pronouns stay right).
    static let names: [[String]] = [
        ["Tom", "John", "Bob", "Jack", "Mike", "Sam", "Ben", "Peter", "David", "Alex", "Paul", "Mark", "Kevin",
         "James", "Henry", "Luke", "Max", "Eric", "Steve", "Carl", "Adam", "Ryan", "Dan", "Joe", "Bill", "Jim"],
        ["Mary", "Alice", "Jane", "Sarah", "Emily", "Anna", "Lucy", "Kate", "Emma", "Linda", "Lisa", "Amy", "Julia",
         "Rachel", "Nina", "Sophie", "Laura", "Grace", "Ella", "Olivia", "Mia", "Chloe", "Susan", "Betty", "Helen"],
    ]

    /// Everyday objects as (singular, plural), grouped into interchangeable kinds.
    static let objects: [[(String, String)]] = [
        [("apple", "apples"), ("orange", "oranges"), ("pear", "pears"), ("peach", "peaches"), ("plum", "plums")],
        [("marble", "marbles"), ("bead", "beads"), ("button", "buttons"), ("token", "tokens")],
        [("cookie", "cookies"), ("muffin", "muffins"), ("cupcake", "cupcakes"), ("biscuit", "biscuits")],
        [("book", "books"), ("magazine", "magazines"), ("notebook", "notebooks"), ("comic", "comics")],
        [("pencil", "pencils"), ("pen", "pens"), ("crayon", "crayons"), ("marker", "markers")],
        [("candy", "candies"), ("chocolate", "chocolates"), ("lollipop", "lollipops")],
        [("shirt", "shirts"), ("hat", "hats"), ("scarf", "scarves"), ("sweater", "sweaters")],
        [("car", "cars"), ("bicycle", "bicycles"), ("truck", "trucks")],
        [("dog", "dogs"), ("cat", "cats"), ("rabbit", "rabbits")],
        [("stamp", "stamps"), ("sticker", "stickers"), ("postcard", "postcards")],
    ]

    // MARK: Rules

    /// Renames each person and object to another of its group, the same one at every mention.
    func renameEntities(_ words: inout [String], rng: inout SplitMix64) {
        var mapping: [String: String] = [:]
        var used = Set(words)
        for index in words.indices {
            let word = words[index]
            if let known = mapping[word] {
                words[index] = known
                continue
            }
            if let group = RulesRewriter.names.first(where: { $0.contains(word) }) {
                let choices = group.filter { !used.contains($0) }
                guard !choices.isEmpty else { continue }
                let name = choices[rng.index(below: choices.count)]
                mapping[word] = name
                used.insert(name)
                words[index] = name
                continue
            }
            let lower = word.lowercased()
            for group in RulesRewriter.objects {
                guard let pair = group.first(where: { $0.0 == lower || $0.1 == lower }) else { continue }
                let choices = group.filter { $0.0 != pair.0 && !used.contains($0.0) && !used.contains($0.1) }
                guard !choices.isEmpty else { break }
                let other = choices[rng.index(below: choices.count)]
                for (from, to) in [(pair.0, other.0), (pair.1, other.1)] {
                    mapping[from] = to
                    mapping[RulesRewriter.capitalized(from)] = RulesRewriter.capitalized(to)
                }
                used.insert(other.0)
                used.insert(other.1)
                words[index] = mapping[word] ?? word
                break
            }
        }
    }

    /// Rewords sentence-initial instructions and a few exact synonyms.
    func rewordInstructions(_ words: inout [String], rng: inout SplitMix64) {
        var index = 0
        var sentenceStart = true
        while index < words.count {
            let word = words[index]
            if sentenceStart, RulesRewriter.isWord(word) {
                for (phrase, choices) in RulesRewriter.instructions {
                    let parts = RulesRewriter.tokens(phrase)
                    guard index + parts.count <= words.count, Array(words[index..<(index + parts.count)]) == parts else { continue }
                    let replacement = choices[rng.index(below: choices.count)]
                    words.replaceSubrange(index..<(index + parts.count), with: RulesRewriter.tokens(replacement))
                    index += RulesRewriter.tokens(replacement).count - 1
                    break
                }
            } else if RulesRewriter.isWord(word), let choices = RulesRewriter.synonyms[word], rng.next() % 2 == 0 {
                words[index] = choices[rng.index(below: choices.count)]
            }
            let current = words[index]
            if RulesRewriter.isWord(current) || current.hasPrefix("\u{E000}") {
                sentenceStart = false
            } else if current.contains(".") || current.contains("?") || current.contains("!") || current.contains("\n") {
                sentenceStart = true
            }
            index += 1
        }
    }

    /// "If A, what is B?" as "What is B if A?": one sentence, one comma, a question after it.
    func moveLeadingCondition(_ text: String) -> String {
        guard text.hasPrefix("If "), let comma = text.firstIndex(of: ",") else { return text }
        let condition = text[text.index(text.startIndex, offsetBy: 3)..<comma]
        var rest = text[text.index(after: comma)...].drop { $0 == " " }
        guard !condition.isEmpty, !condition.contains("."), !condition.contains("?"), !condition.contains("\n"),
              rest.hasSuffix("?"), !rest.dropLast().contains("?"), !rest.contains("."), !rest.contains(","),
              !rest.contains("\n"), let first = rest.first, first.isLowercase,
              ["what", "how", "find", "compute", "determine"].contains(where: { rest.hasPrefix($0) }),
              !rest.hasPrefix("then") else { return text }
        rest = rest.dropLast()
        return first.uppercased() + rest.dropFirst() + " if " + condition + "?"
    }

    // MARK: Helpers

    /// Words (letters and apostrophes) and everything between them, in order; placeholders whole.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inWord = false
        var inPlaceholder = false
        for character in text {
            if character == "\u{E000}" {
                if !current.isEmpty { tokens.append(current) }
                current = String(character)
                inPlaceholder = true
                continue
            }
            if inPlaceholder {
                current.append(character)
                if character == "\u{E001}" {
                    tokens.append(current)
                    current = ""
                    inPlaceholder = false
                    inWord = false
                }
                continue
            }
            let letter = character.isLetter || (character == "'" && inWord)
            if letter != inWord, !current.isEmpty {
                tokens.append(current)
                current = ""
            }
            inWord = letter
            current.append(character)
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    static func isWord(_ token: String) -> Bool { token.first?.isLetter ?? false }

    static func capitalized(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }

    static func replacingAll(in text: String, _ target: String, with replacement: String) -> String {
        text.replacing(target, with: replacement)
    }
}
