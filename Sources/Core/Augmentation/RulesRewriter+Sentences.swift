/// The sentence rules of `RulesRewriter`: each takes one sentence of masked text (math and diagrams are
/// placeholders) and returns its rewrite, or nil when the sentence does not have the rule's shape.
extension RulesRewriter {
    /// One sentence and the whitespace after it.
    struct Sentence: Equatable {
        /// The sentence, its closing punctuation included.
        var text: String
        /// The whitespace that followed it.
        var separator: String
    }

    /// A sentence rule.
    typealias SentenceRule = @Sendable (String, Context, inout SplitMix64) -> String?

    /// The sentence rules, tried in a random order until one applies.
    static let sentenceRules: [SentenceRule] = [
        whatIs, imperative, howMany, numberOfAsHowMany, letBe, moveCondition, conditionFirst, instructionWords, activeVoice,
    ]

    /// Splits masked text into sentences: after `.`, `?` or `!` followed by whitespace, at a line break, after a
    /// math span that ends a sentence inside its delimiters (`$r.$`), and after a display formula followed by a
    /// capital (`\]Find`).
    static func sentences(_ masked: String, protected: [String]) -> [Sentence] {
        let characters = Array(masked)
        var result: [Sentence] = []
        var current = ""
        var index = 0
        func close(_ whitespace: String) {
            var text = current
            var separator = whitespace
            while let last = text.last, last.isWhitespace {
                separator.insert(last, at: separator.startIndex)
                text.removeLast()
            }
            if text.isEmpty {
                if result.isEmpty { result.append(Sentence(text: "", separator: separator)) } else { result[result.count - 1].separator += separator }
            } else {
                result.append(Sentence(text: text, separator: separator))
            }
            current = ""
        }
        func whitespace() -> String {
            var run = ""
            while index < characters.count, characters[index].isWhitespace {
                run.append(characters[index])
                index += 1
            }
            return run
        }
        var placeholderStart = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\n" {
                close(whitespace())
                continue
            }
            if character == "\u{E000}" { placeholderStart = current.count }
            current.append(character)
            index += 1
            let atEnd = index == characters.count || characters[index].isWhitespace
            let abbreviation = character == "." && abbreviations.contains(where: { current.hasSuffix(" " + $0) || current == $0 })
            if ".?!".contains(character), atEnd, !abbreviation {
                close(whitespace())
            } else if character == "\u{E001}", let span = span(current.dropFirst(placeholderStart), protected) {
                let inner = trimmed(span, "$\\]) \n")
                if atEnd, let last = inner.last, ".?!".contains(last) {
                    close(whitespace())
                } else if index < characters.count, characters[index].isUppercase, isDisplay(span) {
                    close("")
                }
            }
        }
        if !current.isEmpty { close("") }
        return result
    }

    /// Abbreviations whose period ends no sentence.
    static let abbreviations = ["Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Prof.", "Jr.", "Sr.", "e.g.", "i.e.", "vs.", "etc."]

    /// Whether a math span is displayed (on a line of its own).
    static func isDisplay(_ span: String) -> Bool {
        span.hasPrefix("\\[") || span.hasPrefix("$$") || span.hasPrefix("\\begin") || span.hasPrefix("[asy]")
    }

    // MARK: Question forms

    /// Words that, opening what a "What is" asks for, make "Find ..." ungrammatical or change the question.
    static let badObjectStarts: Set<String> = [
        "it", "that", "this", "there", "true", "false", "wrong", "left", "more", "less", "not", "so", "meant",
        "known", "being", "going", "special", "how", "what", "which", "whether", "why", "when", "where", "who",
    ]

    /// Words a question may not end with when its object moves (a stranded preposition: "What is $x$ equal to?").
    static let prepositions: Set<String> = [
        "to", "of", "for", "in", "with", "from", "by", "at", "on", "as", "about", "into", "than", "equal", "be",
    ]

    /// Nouns whose value one computes ("Compute the sum of ...").
    static let computedNouns: Set<String> = [
        "sum", "product", "value", "remainder", "probability", "area", "volume", "perimeter", "number", "distance",
        "length", "ratio", "average", "mean", "median", "difference", "quotient", "units", "maximum", "minimum",
        "total", "expected", "exact", "degree", "measure",
    ]

    /// "What is X?" as "Find X.", "Determine X.", "Compute X." ("What is the value of X?" also as "Evaluate X.").
    static func whatIs(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        guard sentence.hasSuffix("?"), !sentence.dropLast().contains("?") else { return nil }
        let body = trimmed(sentence.dropLast(), " ")
        let forms = ["What is the value of ", "What is ", "What are ", "What was ", "What were ", "What's "]
        guard let form = forms.first(where: { body.hasPrefix($0) }) else { return nil }
        let object = String(body.dropFirst(form.count))
        let words = object.split(separator: " ").map { bare($0) }
        guard let first = words.first, let last = words.last, !badObjectStarts.contains(first),
              !prepositions.contains(last), !first.hasSuffix("ed"), !first.hasSuffix("ing") else { return nil }
        var verbs = ["Find", "Determine"]
        if first.hasPrefix("\u{E000}") || (first == "the" && words.count > 1 && computedNouns.contains(words[1])) {
            verbs += ["Compute", "Calculate"]
        }
        if form == "What is the value of " {
            let choices = ["Find the value of", "Determine the value of", "Evaluate", "Compute", "Find"]
            return choices[rng.index(below: choices.count)] + " " + object + "."
        }
        if first.hasPrefix("\u{E000}"), words.count == 1 || words[1] == "if" || words[1] == "when", rng.chance(0.4) {
            return "Find the value of " + object + "."
        }
        return verbs[rng.index(below: verbs.count)] + " " + object + "."
    }

    /// The instruction verbs a sentence may open with.
    static let imperativeVerbs = ["Find", "Compute", "Determine", "Calculate", "Evaluate"]

    /// "Find X." as "What is X?" (or "What are X?" for a plural), else with another verb.
    static func imperative(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        guard let verb = imperativeVerbs.first(where: { sentence.hasPrefix($0 + " ") }) else { return nil }
        let rest = String(sentence.dropFirst(verb.count + 1))
        let words = rest.split(separator: " ").map { bare($0) }
        guard let first = words.first, !["if", "whether", "that"].contains(first) else { return nil }
        let noQuestion: Set<String> = ["all", "a", "an", "each", "every", "both", "how", "what", "which", "one", "two", "any", "some", "and"]
        let asQuestion = rest.hasSuffix(".") && !rest.dropLast().contains(".") && !noQuestion.contains(first)
            && !badObjectStarts.contains(first) && !rest.contains("?")
        if asQuestion, rng.chance(0.6) {
            let object = String(rest.dropLast())
            if verb == "Evaluate" { return "What is the value of " + object + "?" }
            return (pluralObject(words) ? "What are " : "What is ") + object + "?"
        }
        var others = ["Find", "Determine"]
        if first.hasPrefix("\u{E000}") { others += ["Compute", "Evaluate", "Calculate"] }
        if first == "the", words.count > 1, computedNouns.contains(words[1]) { others += ["Compute", "Calculate"] }
        others.removeAll { $0 == verb }
        guard !others.isEmpty else { return nil }
        return others[rng.index(below: others.count)] + " " + rest
    }

    /// Whether the noun phrase a sentence asks for is plural ("the roots of", "the values").
    static func pluralObject(_ words: [String]) -> Bool {
        let stops: Set<String> = ["of", "that", "such", "for", "in", "if", "with", "where", "which", "to", "so", "and", "when"]
        var head = ""
        for word in words {
            if stops.contains(word) || word.hasPrefix("\u{E000}") { break }
            head = word
        }
        return head.hasSuffix("s") && !head.hasSuffix("ss") && !head.hasSuffix("us") && !head.hasSuffix("is")
    }

    /// Verbs a plural subject of "How many X ... ?" may take directly.
    static let pluralVerbs: Set<String> = [
        "satisfy", "have", "lie", "divide", "contain", "leave", "appear", "remain", "exist", "end", "yield", "belong",
        "occur", "fit", "sum", "add", "give", "make", "meet", "intersect", "share",
    ]

    /// Verbs after "does": their third-person form.
    static let thirdPerson: [String: String] = [
        "have": "has", "contain": "contains", "need": "needs", "take": "takes", "make": "makes", "get": "gets",
        "eat": "eats", "use": "uses", "cost": "costs", "hold": "holds", "produce": "produces", "leave": "leaves",
        "receive": "receives", "buy": "buys", "spend": "spends", "earn": "earns", "sell": "sells", "read": "reads",
        "require": "requires", "satisfy": "satisfies", "equal": "equals", "own": "owns", "collect": "collects",
    ]

    /// "How many X are there?" as "Find the number of X."; "How many X are P?" as "Find the number of X that are
    /// P."; "How many X do S V?" as "Find the number of X S V."; "How many ways can S be V?" as "Find the number of
    /// ways S can be V."; "In how many ways" as "How many ways".
    static func howMany(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        guard sentence.hasSuffix("?"), !sentence.dropLast().contains("?") else { return nil }
        if sentence.hasPrefix("In how many ways ") { return "How many ways " + sentence.dropFirst("In how many ways ".count) }
        guard sentence.hasPrefix("How many ") else { return nil }
        let body = sentence.dropFirst("How many ".count).dropLast()
        let words = body.split(separator: " ").map(String.init)
        guard let first = words.first, !["more", "fewer", "less", "times", "of", "different", "total"].contains(bare(first)) else { return nil }
        let auxiliaries: Set<String> = ["are", "is", "were", "was", "do", "does", "can", "could", "will", "would", "must", "should", "might"]
        guard let k = words.indices.first(where: { auxiliaries.contains(words[$0]) || pluralVerbs.contains(words[$0]) }),
              k >= 1, k <= 8, words[0..<k].allSatisfy({ !$0.hasSuffix(",") && !$0.contains("(") }) else { return nil }
        let subject = words[0..<k].joined(separator: " ")
        let aux = words[k]
        let rest = Array(words[(k + 1)...])
        let leads = ["Find the number of", "Determine the number of", "Compute the number of"]
        let lead = leads[rng.index(below: leads.count)]
        func joined(_ parts: [String]) -> String { parts.filter { !$0.isEmpty }.joined(separator: " ") + "." }
        switch aux {
        case "are", "is", "were", "was":
            if rest.first == "there" {
                let tail = rest.dropFirst().joined(separator: " ")
                if tail.isEmpty, rng.chance(0.3) { return "Count the " + subject + "." }
                return joined([lead, subject, tail])
            }
            return joined([lead, subject, "that", aux] + rest)
        case "do":
            return joined([lead, subject] + rest)
        case "does":
            guard let j = rest.indices.first(where: { thirdPerson[rest[$0]] != nil }), j >= 1,
                  let verb = thirdPerson[rest[j]] else { return nil }
            return joined([lead, subject, "that"] + rest[0..<j] + [verb] + rest[(j + 1)...])
        case "can", "could", "will", "would", "must", "should", "might":
            guard let j = rest.firstIndex(of: "be"), j >= 1 else { return nil }
            return joined([lead, subject] + rest[0..<j] + [aux] + rest[j...])
        default:
            return joined([lead, subject, "that", aux] + rest)
        }
    }

    /// "Find the number of X such that P." as "How many X are there such that P?".
    static func numberOfAsHowMany(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        let leads = ["Find the number of ", "Compute the number of ", "Determine the number of "]
        guard let lead = leads.first(where: { sentence.hasPrefix($0) }), sentence.hasSuffix("."),
              !sentence.dropLast().contains(".") else { return nil }
        let words = sentence.dropFirst(lead.count).dropLast().split(separator: " ").map(String.init)
        let markers: Set<String> = ["such", "that", "satisfying", "for", "with", "where", "which", "so", "if", "to", "whose",
                                    "in", "between", "less", "greater", "among", "on"]
        let marker = words.indices.first(where: { markers.contains(words[$0]) })
        let k = marker ?? words.count
        // Without a marker, "are there" goes last: only after a short noun phrase.
        guard k >= 1, k <= (marker == nil ? 5 : 8), bare(words[0]) != "of", !words[0].hasPrefix("\u{E000}"), words[0..<k].allSatisfy({ !$0.hasSuffix(",") }) else { return nil }
        let tail = words[k...].joined(separator: " ")
        return "How many " + words[0..<k].joined(separator: " ") + " are there" + (tail.isEmpty ? "" : " " + tail) + "?"
    }

    // MARK: Clauses

    /// "Let $x$ be P." as "Suppose $x$ is P.", "Assume ...", "Take $x$ to be P."; "Let $f(x) = ...$." as "Define
    /// $f(x) = ...$." or "Consider ...".
    static func letBe(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        guard sentence.hasPrefix("Let ") else { return nil }
        let words = sentence.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        var j = 1
        var names = 0
        var plural = false
        var ended = false
        while j < words.count, !ended {
            let word = words[j]
            let name = word.hasSuffix(",") || word.hasSuffix(".") ? String(word.dropLast()) : word
            if let math = span(name, context.protected) {
                names += 1
                if math.contains(",") { plural = true }
                ended = word.hasSuffix(".")
            } else if word != "and" {
                break
            }
            j += 1
        }
        guard names >= 1 else { return nil }
        let subject = words[1..<j].joined(separator: " ")
        if j == words.count {
            // "Let $f(x) = x^2$." (or without the period, which then is inside the math).
            guard names == 1, !subject.hasSuffix(",") else { return nil }
            let verbs = ["Define", "Consider"]
            return verbs[rng.index(below: verbs.count)] + " " + words[1...].joined(separator: " ")
        }
        guard words[j] == "be", j + 1 < words.count else { return nil }
        plural = plural || names > 1
        let rest = words[(j + 1)...].joined(separator: " ")
        switch rng.index(below: 3) {
        case 0: return "Suppose " + subject + (plural ? " are " : " is ") + rest
        case 1: return "Assume " + subject + (plural ? " are " : " is ") + rest
        default: return "Take " + subject + " to be " + rest
        }
    }

    /// Participles of things done to dice, coins and cards, with the active verb ("tossed" as "tosses").
    static let actions: [String: String] = [
        "chosen": "chooses", "selected": "selects", "picked": "picks", "drawn": "draws", "rolled": "rolls",
        "tossed": "tosses", "flipped": "flips", "thrown": "throws", "dealt": "deals", "spun": "spins",
        "shuffled": "shuffles", "painted": "paints", "cut": "cuts", "folded": "folds",
    ]

    /// "A fair coin is tossed six times." as "Someone tosses a fair coin six times.": a passive sentence whose
    /// subject is a short noun phrase, made active with an unnamed doer.
    static func activeVoice(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        let words = sentence.split(separator: " ").map(String.init)
        guard let first = words.first, ["A", "An", "Two", "Three", "Four", "Five", "Six", "The"].contains(first),
              let k = words.indices.first(where: { ["is", "are"].contains(words[$0]) }), (2...5).contains(k),
              words[0..<k].allSatisfy({ !$0.contains(",") && !$0.hasPrefix("\u{E000}") && actions[$0] == nil }),
              k + 1 < words.count else { return nil }
        var participle = k + 1
        if ["then", "randomly"].contains(words[participle]), participle + 1 < words.count { participle += 1 }
        let word = bare(words[participle])
        guard let verb = actions[word], words[participle] == word || words[participle] == word + "." else { return nil }
        let adverb = participle > k + 1 ? [words[k + 1]] : []
        let subject = [first.lowercased()] + words[1..<k]
        let tail = words[participle] == word + "." ? ["."] : Array(words[(participle + 1)...])
        let doer = ["Someone", "A player", "A student"][rng.index(below: 3)]
        let sentenceWords = [doer] + adverb + [verb] + subject + tail
        return sentenceWords.joined(separator: " ").replacing(" .", with: ".")
    }

    /// The words that may follow a condition's comma to start its question.
    static let questionStarts = ["what", "how", "find", "compute", "determine", "evaluate", "calculate"]

    /// "If A, what is B?" as "What is B if A?" (one comma, a question after it); "Given that A, find B." as "Find
    /// B, given that A.".
    static func moveCondition(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        if sentence.hasPrefix("Given that ") {
            guard let comma = sentence.firstIndex(of: ",") else { return nil }
            let condition = sentence[sentence.index(sentence.startIndex, offsetBy: 11)..<comma]
            var rest = sentence[sentence.index(after: comma)...].drop { $0 == " " }
            guard let term = rest.last, ".?".contains(term), let first = rest.first, first.isLowercase,
                  questionStarts.contains(where: { rest.hasPrefix($0 + " ") }), !condition.isEmpty else { return nil }
            rest = rest.dropLast()
            return capitalized(rest) + ", given that " + condition + String(term)
        }
        let moved = moveLeadingCondition(sentence)
        return moved == sentence ? nil : moved
    }

    /// "If A, what is B?" as "What is B if A?": a sentence opening with a condition without commas, then a question.
    func moveLeadingCondition(_ text: String) -> String { RulesRewriter.moveLeadingCondition(text) }

    /// "If A, what is B?" as "What is B if A?": a sentence opening with a condition without commas, then a question.
    static func moveLeadingCondition(_ text: String) -> String {
        guard text.hasPrefix("If "), let comma = text.firstIndex(of: ",") else { return text }
        let condition = text[text.index(text.startIndex, offsetBy: 3)..<comma]
        var rest = text[text.index(after: comma)...].drop { $0 == " " }
        guard !condition.isEmpty, !condition.contains("."), !condition.contains("?"), !condition.contains("\n"),
              !condition.contains(" then "), let term = rest.last, term == "?" || term == ".",
              !rest.dropLast().contains("?"), !rest.dropLast().contains("."), !rest.contains("\n"),
              let first = rest.first, first.isLowercase,
              questionStarts.contains(where: { rest.hasPrefix($0 + " ") }) else { return text }
        rest = rest.dropLast()
        return first.uppercased() + rest.dropFirst() + " if " + condition + String(term)
    }

    /// "What is B if A?" as "If A, what is B?" (one "if", no comma after it).
    static func conditionFirst(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        guard let term = sentence.last, term == "?" || term == ".",
              ["What ", "How ", "Find ", "Compute ", "Determine "].contains(where: { sentence.hasPrefix($0) }),
              sentence.ranges(of: " if ").count == 1, let range = sentence.firstRange(of: " if ") else { return nil }
        let question = sentence[..<range.lowerBound]
        let condition = sentence[range.upperBound...].dropLast()
        let blocked = ["only", "even", "as", "and"]
        guard !condition.isEmpty, !condition.contains(","), !condition.contains("."),
              !blocked.contains(where: { question.hasSuffix(" " + $0) }), !question.hasSuffix(","),
              question.split(separator: " ").count >= 2 else { return nil }
        let opening = question.split(separator: " ", maxSplits: 1)
        guard let verb = opening.first, opening.count == 2 else { return nil }
        return "If " + condition + ", " + verb.lowercased() + " " + opening[1] + String(term)
    }

    /// Instructions and openings reworded: "Express your answer" as "Give your answer", "Suppose" as "Assume", ...
    static func instructionWords(_ sentence: String, _ context: Context, _ rng: inout SplitMix64) -> String? {
        for (phrase, choices) in openings where sentence.hasPrefix(phrase + " ") {
            return choices[rng.index(below: choices.count)] + sentence.dropFirst(phrase.count)
        }
        return nil
    }

    /// Sentence openings and their rewordings (each keeps the grammar of what follows).
    static let openings: [(String, [String])] = [
        ("Express your answer", ["Give your answer", "Write your answer", "State your answer", "Give the answer", "Write the answer"]),
        ("Express", ["Write"]),
        ("Enter your answer", ["Give your answer", "Write your answer"]),
        ("Enter", ["List", "Give"]),
        ("Simplify", ["Fully simplify"]),
        ("Solve for", ["Find", "Determine"]),
        ("Given that", ["Assuming that", "Knowing that"]),
        ("Suppose that", ["Assume that"]),
        ("Suppose", ["Assume"]),
        ("Assume that", ["Suppose that"]),
        ("Assume", ["Suppose"]),
        ("Consider", ["Take"]),
        ("Note that", ["Observe that"]),
        ("In the diagram,", ["In the figure,"]),
        ("In the figure,", ["In the diagram,"]),
        ("Furthermore,", ["Moreover,", "In addition,"]),
        ("Moreover,", ["Furthermore,"]),
    ]

    // MARK: Across sentences

    /// Openings of a sentence that states no plain fact (instructions, conditions, definitions).
    static let notAFact: Set<String> = [
        "let", "if", "suppose", "assume", "given", "find", "compute", "determine", "evaluate", "calculate",
        "express", "simplify", "solve", "what", "how", "consider", "define", "note", "when", "for", "then", "so",
        "thus", "hence", "also", "here", "enter", "write", "give", "round", "use", "show", "prove", "assuming", "in",
        "recall", "remember", "which", "where", "why", "who", "but", "and", "or", "however", "now", "again",
        "taking", "knowing", "observe", "take", "list", "state", "answer", "is", "are", "does", "do", "can",
        "after", "before", "while", "since", "because", "although", "once", "until", "during", "unless", "as",
    ]

    /// Sentence openings that are common words (lower-cased inside a sentence); any other opening is kept as is.
    static let commonOpenings: Set<String> = [
        "The", "A", "An", "There", "Each", "Every", "This", "These", "Those", "All", "Some", "It", "Its", "Their",
        "His", "Her", "Both", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "One",
        "Point", "Points", "Triangle", "Triangles", "Circle", "Circles", "Line", "Lines", "Segment", "Square",
        "Rectangle", "Quadrilateral", "Polygon", "Angle", "Side", "Sides", "Parallelogram", "Trapezoid", "Pentagon",
        "Hexagon", "Cube", "Sphere", "Cone", "Cylinder", "Number", "Numbers", "Function", "Sequence", "Integers",
    ]

    /// "F. What is X?" as "Given that f, what is X?" and "F. Find X." as "Find X, given that f.": a plain statement
    /// moved into the question that follows it.
    static func mergeFactIntoQuestion(_ sentences: inout [Sentence], context: Context, rng: inout SplitMix64) {
        let starts = ["What ", "How ", "Find ", "Compute ", "Determine "]
        guard let q = sentences.indices.last(where: { index in
            index >= 1 && starts.contains(where: { sentences[index].text.hasPrefix($0) })
        }) else { return }
        let fact = sentences[q - 1].text
        let question = sentences[q].text
        let words = fact.split(separator: " ")
        guard let firstWord = words.first, let term = question.last, term == "?" || term == ".",
              fact.hasSuffix("."), !abbreviations.reduce(fact, { $0.replacing($1, with: "") }).dropLast().contains("."), !fact.contains("?"), !fact.contains(":"),
              !fact.contains("!"), !fact.contains(";"), (3...35).contains(words.count),
              !notAFact.contains(bare(firstWord)), !sentences[q - 1].separator.contains("\n"),
              !question.contains(" if "), !question.contains("given"), !question.dropLast().contains("?"),
              !question.dropLast().contains("."), !fact.hasPrefix("(") else { return }
        var statement = String(fact.dropLast())
        if commonOpenings.contains(String(firstWord)) {
            statement = firstWord.lowercased() + statement.dropFirst(firstWord.count)
        }
        let merged: String
        // After the question only when the fact introduces nothing ("a sequence") that the question refers back to.
        let introduces = words.contains { ["a", "an"].contains(bare($0)) }
        if term == ".", !introduces, rng.chance(0.5) {
            merged = question.dropLast() + ", given that " + statement + "."
        } else {
            guard let verb = question.split(separator: " ").first else { return }
            merged = "Given that " + statement + ", " + verb.lowercased() + question.dropFirst(verb.count)
        }
        sentences[q - 1].text = merged
        sentences[q - 1].separator = sentences[q].separator
        sentences.remove(at: q)
    }

    // MARK: Helpers

    /// The text without leading and trailing characters of `set`.
    static func trimmed(_ text: some StringProtocol, _ set: String) -> String {
        var rest = Substring(text)
        while let first = rest.first, set.contains(first) { rest = rest.dropFirst() }
        while let last = rest.last, set.contains(last) { rest = rest.dropLast() }
        return String(rest)
    }

    /// A word lower-cased without the punctuation around it; a placeholder as is.
    static func bare(_ word: some StringProtocol) -> String {
        if word.hasPrefix("\u{E000}") {
            return String(word.prefix { $0 != "\u{E001}" }) + "\u{E001}"
        }
        return String(word.lowercased().filter { $0.isLetter || $0 == "'" || $0 == "-" })
    }
}
