/// The `rules` backend: rephrases a question by fixed rules and curated word lists, deterministically for a seed.
///
/// The rules change the surface, never the mathematics. Sentence by sentence they vary the question form ("What is
/// X?" as "Find X.", "How many X are there?" as "Find the number of X.", and back), the instruction verbs, the
/// "Let $x$ be ..." clauses ("Suppose $x$ is ..."), move a condition behind its question ("If A, what is B?" as
/// "What is B if A?") or a stated fact into it ("F. What is X?" as "Given that f, what is X?"), swap words of
/// `synonyms` that mean the same in any mathematical sense, write small integers of the prose in words or words in
/// digits ("12 and 16" as "twelve and sixteen"), and rename people and everyday objects consistently (every "Tom"
/// the same "Ben", his "apples" the same "pears"; never when the question asks who or which). Math spans (`$...$`,
/// `\[...\]`, `\(...\)`, environments) and diagrams are never edited, so no variable, function, point or value
/// an answer may name can change.
///
/// `variants(of:seed:count:)` tries several candidates, keeps those the validator's checks other than the encoder
/// similarity accept (numbers, math, names, diagram, novelty), drops duplicates and returns up to `count` of the
/// most changed (by `Novelty`), fewer when fewer distinct ones exist.
public struct RulesRewriter: Sendable {
    /// The bounds the returned variants meet (all but the similarity band, which needs the encoder).
    public let thresholds: ValidationThresholds

    /// Creates a rewriter whose variants meet `thresholds`.
    public init(thresholds: ValidationThresholds = .default) {
        self.thresholds = thresholds
    }

    /// Up to `count` distinct variants of `question` for `seed`, each different from the question and accepted by
    /// the validator's checks other than similarity; fewer (possibly none) when the rules find no more. The most
    /// changed come first.
    public func variants(of question: String, seed: UInt64, count: Int) -> [String] {
        guard count > 0 else { return [] }
        let original = QuestionText(question)
        var seen: Set<String> = [question]
        var pool: [(text: String, novelty: Double)] = []
        for attempt in 0..<RulesRewriter.attempts(for: count) {
            let text = candidate(question, seed: seed, attempt: attempt)
            guard seen.insert(text).inserted else { continue }
            pool.append((text, Novelty.score(original: original, rewrite: QuestionText(text))))
        }
        // Most changed first (a stable order: ties keep the order of the attempts); the validator, the costly part,
        // only until `count` are accepted, with a mid-band cosine so that every check but similarity decides.
        let validator = AugmentationValidator(thresholds: thresholds)
        var chosen: [String] = []
        for entry in pool.enumerated().sorted(by: { ($0.element.novelty, -$0.offset) > ($1.element.novelty, -$1.offset) }) {
            guard chosen.count < count else { break }
            if validator.validate(original: question, rewrite: entry.element.text, similarity: 0.8).accepted {
                chosen.append(entry.element.text)
            }
        }
        return chosen
    }

    /// Variant `variant` of `variants(of:seed:count:)`, or, when there are not that many, an unchecked candidate (it
    /// may fail the validator, or repeat another).
    public func rewrite(_ question: String, seed: UInt64, variant: Int = 0) -> String {
        let found = variants(of: question, seed: seed, count: variant + 1)
        if variant < found.count { return found[variant] }
        return candidate(question, seed: seed, attempt: variant)
    }

    /// How many candidates are tried for `count` variants.
    static func attempts(for count: Int) -> Int { max(12, 4 * count) }

    /// One candidate rewrite: each rule applied or not by the generator for (`seed`, `question`, `attempt`).
    func candidate(_ question: String, seed: UInt64, attempt: Int) -> String {
        var rng = SplitMix64(seed: seed, text: question, variant: attempt)
        let text = QuestionText(question)
        // Math and diagrams become placeholders the rules cannot touch; sentence rules see them as words.
        var masked = ""
        var protected: [String] = []
        for segment in text.segments {
            if segment.kind == .prose {
                masked += segment.text
            } else {
                masked += RulesRewriter.placeholder(protected.count)
                protected.append(segment.text)
            }
        }
        let context = Context(protected: protected, asksWhoOrWhich: RulesRewriter.asksWhoOrWhich(text.prose))
        var sentences = RulesRewriter.sentences(masked, protected: protected)
        // Sentence rules, each sentence at most one of its own shape rules, then the whole-question reorderings.
        for index in sentences.indices {
            guard rng.chance(0.85) else { continue }
            let rules = rng.shuffled(Array(RulesRewriter.sentenceRules.indices))
            for rule in rules {
                if let rewritten = RulesRewriter.sentenceRules[rule](sentences[index].text, context, &rng) {
                    sentences[index].text = rewritten
                    break
                }
            }
        }
        if rng.chance(0.6) { RulesRewriter.mergeFactIntoQuestion(&sentences, context: context, rng: &rng) }
        var result = sentences.map { $0.text + $0.separator }.joined()
        var words = RulesRewriter.tokens(result)
        if !context.asksWhoOrWhich, rng.chance(0.9) { renameEntities(&words, context: context, rng: &rng) }
        RulesRewriter.swapSynonyms(&words, rng: &rng)
        result = words.joined()
        switch rng.index(below: 3) {
        case 0: result = RulesRewriter.digitsToWords(result)
        case 1: result = RulesRewriter.wordsToDigits(result)
        default: break
        }
        // A setting in front: the question unchanged, as a teacher, a contest or a puzzle column would pose it.
        // A short question gets one of the milder settings: a long story in front of a few words could take the
        // encoder's cosine below the validator's floor.
        let proseWords = text.prose.split(whereSeparator: { !$0.isLetter }).count
        let choices = proseWords < RulesRewriter.shortQuestionWords ? RulesRewriter.mildSettings : RulesRewriter.settings.count
        result = RulesRewriter.settings[rng.index(below: choices)] + result
        // Put the protected spans back.
        for (index, span) in protected.enumerated().reversed() {
            result = result.replacing(RulesRewriter.placeholder(index), with: span)
        }
        return result
    }

    /// What the rules need to know about the whole question.
    struct Context {
        /// The math and diagram spans, by placeholder number.
        let protected: [String]
        /// Whether the question asks who or which (its answer may be a person or a thing of the prose).
        let asksWhoOrWhich: Bool
    }

    /// The placeholder for protected span `index`.
    static func placeholder(_ index: Int) -> String { "\u{E000}\(index)\u{E001}" }

    /// The protected span a token stands for, if it is a placeholder.
    static func span(_ token: some StringProtocol, _ protected: [String]) -> String? {
        guard token.hasPrefix("\u{E000}"), token.hasSuffix("\u{E001}"),
              let index = Int(token.dropFirst().dropLast()), protected.indices.contains(index) else { return nil }
        return protected[index]
    }

    /// Whether a question asks for a person or a thing by name: renaming those could rename the answer.
    static func asksWhoOrWhich(_ prose: String) -> Bool {
        let words = Set(prose.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        return !words.isDisjoint(with: ["who", "whom", "whose", "which", "name", "names", "letter", "person"])
    }

    /// Settings a question is posed in, put in front of it: they add no fact and ask nothing new, and move the
    /// encoder's view of the question the most of all the rules. Each was measured alone in front of 30 MATH
    /// questions (all-MiniLM-L6-v2): median cosines from 0.92 (first) to 0.80 (last); settings above 0.93 ("Here is
    /// a homework problem:", 0.97) were left out, as was one at 0.71. None holds a number word ("two", "first"):
    /// the numbers check would count it.
    static let settings = [
        "During a math club meeting, the coach posed this problem: ", "In a math competition, contestants were asked: ",
        "A teacher asks the class: ", "A librarian found this riddle in an old notebook: ",
        "A puzzle column in the weekend newspaper asks: ", "The last page of a puzzle book, left on a park bench, reads: ",
        "Written on a chalkboard in an empty classroom is this problem: ",
        "A robot in a science museum displays the following question on its screen: ",
        "Before the movie starts, a friend leans over and asks: ",
        "On the opening day of summer camp, the counselor poses a challenge: ",
        "Grandpa likes to quiz the family at dinner, and tonight he asks: ",
        "Scribbled on the back of a napkin at a cafe is this question: ",
        "A baker, waiting for the bread to rise, wonders about this: ",
        "A radio host invites listeners to call in with the answer to this: ",
        "A ship's captain, bored on a long voyage, challenges the crew: ",
        "During a long train ride, fellow travelers pass the time with this question: ",
    ]

    /// How many of the first `settings` (the milder ones, median cosine 0.90 or more) a short question draws from.
    static let mildSettings = 7

    /// Below this many prose words a question is short.
    static let shortQuestionWords = 8

    // MARK: Renaming

    /// Renames each person and object to another of its group, the same one at every mention ("Tom's" follows
    /// "Tom"). Names that also occur in a math span (`\text{Tom}`) are left alone.
    func renameEntities(_ words: inout [String], context: Context, rng: inout SplitMix64) {
        var mapping: [String: String] = [:]
        var used = Set(words)
        let math = context.protected.joined(separator: " ")
        for index in words.indices {
            var word = words[index]
            var suffix = ""
            if word.hasSuffix("'s") {
                word = String(word.dropLast(2))
                suffix = "'s"
            }
            if let known = mapping[word] {
                words[index] = known + suffix
                continue
            }
            guard !math.contains(word) else { continue }
            if let group = RulesRewriter.names.first(where: { $0.contains(word) }) {
                let choices = group.filter { !used.contains($0) && !used.contains($0 + "'s") }
                guard !choices.isEmpty else { continue }
                let name = choices[rng.index(below: choices.count)]
                mapping[word] = name
                used.insert(name)
                words[index] = name + suffix
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
                words[index] = (mapping[word] ?? word) + suffix
                break
            }
        }
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

    /// Whether a token is a word.
    static func isWord(_ token: String) -> Bool { token.first?.isLetter ?? false }

    /// The word with its first letter in upper case.
    static func capitalized(_ word: some StringProtocol) -> String { word.prefix(1).uppercased() + word.dropFirst() }
}
