/// The word rules of `RulesRewriter` and their curated lists: synonyms, people, everyday objects, small numbers.
extension RulesRewriter {
    // MARK: Synonyms

    /// Phrases (lower case, as tokens would join) with rewordings that mean the same in any mathematical sense.
    static let synonyms: [(String, [String])] = [
        ("largest", ["greatest"]), ("greatest", ["largest"]), ("the smallest", ["the least"]), ("the least", ["the smallest"]),
        ("is equal to", ["equals"]), ("are equal to", ["equal"]),
        ("distinct", ["different"]), ("chosen", ["selected", "picked"]), ("selected", ["chosen"]),
        ("choose", ["select", "pick"]), ("chooses", ["selects", "picks"]), ("selects", ["chooses"]),
        ("buys", ["purchases"]), ("bought", ["purchased"]), ("buy", ["purchase"]), ("purchased", ["bought"]),
        ("wants to", ["would like to", "wishes to"]), ("needs to", ["has to"]), ("need to", ["have to"]),
        ("begins", ["starts"]), ("starts", ["begins"]), ("flips", ["tosses"]), ("flipped", ["tossed"]),
        ("students", ["pupils"]), ("children", ["kids"]), ("altogether", ["in all"]),
        ("in total", ["altogether"]), ("can be written", ["can be expressed"]), ("can be expressed", ["can be written"]),
        ("written as", ["expressed as"]), ("is defined as", ["is given by"]), ("is defined by", ["is given by"]),
        ("in the diagram", ["in the figure"]), ("in the figure", ["in the diagram"]), ("as shown", ["as pictured"]),
        ("consists of", ["is made up of"]), ("a certain", ["some"]), ("lies on", ["is on"]), ("lie on", ["are on"]),
        ("passes through", ["goes through"]), ("pass through", ["go through"]), ("calculate", ["compute"]),
        ("compute", ["calculate"]), ("find", ["determine"]), ("determine", ["find"]), ("note that", ["observe that"]),
        ("rolled", ["thrown"]), ("store", ["shop"]), ("assume", ["suppose"]), ("suppose", ["assume"]),
        ("exactly", ["precisely"]), ("the following", ["these"]), ("each of the", ["every one of the"]),
        ("therefore", ["so"]), ("entire", ["whole"]), ("initially", ["at first"]), ("at first", ["initially"]), ("large", ["big"]),
        ("big", ["large"]), ("only", ["just"]), ("quickly", ["fast"]), ("received", ["got"]), ("receives", ["gets"]),
        ("completely", ["fully"]),
    ]

    /// Words after which a phrase is not swapped (a grammatical or fixed use).
    static let synonymBlockers: [String: Set<String>] = [
        "the following": ["is", "are", "of"],
        "only": ["if", "the", "one", "not"], "large": ["sufficiently", "a"], "find": ["to"], "determine": ["to"],
    ]

    /// Words before which a phrase is not swapped ("the least common multiple" is a name, not a comparison).
    static let synonymFollowers: [String: Set<String>] = [
        "largest": ["common"], "greatest": ["common", "integer"], "the smallest": ["common"], "the least": ["common"],
        "only": ["if"], "large": ["number", "numbers"], "exactly": ["one", "two"],
        "the following": ["is", "are"],
    ]

    /// Swaps each phrase of `synonyms`, with probability 0.6 at each occurrence, keeping a capital.
    static func swapSynonyms(_ words: inout [String], rng: inout SplitMix64) {
        var index = 0
        while index < words.count {
            guard isWord(words[index]) else {
                index += 1
                continue
            }
            var replaced = false
            for (phrase, choices) in synonyms where choices != [phrase] {
                let parts = tokens(phrase)
                guard index + parts.count <= words.count,
                      zip(words[index..<(index + parts.count)], parts).allSatisfy({ $0.lowercased() == $1 }) else { continue }
                let previous = previousWord(words, before: index)?.lowercased()
                let next = nextWord(words, after: index + parts.count - 1)?.lowercased()
                if let previous, synonymBlockers[phrase]?.contains(previous) == true { break }
                if let next, synonymFollowers[phrase]?.contains(next) == true { break }
                guard rng.chance(0.6) else { break }
                var replacement = choices[rng.index(below: choices.count)]
                if words[index].first?.isUppercase == true { replacement = capitalized(replacement) }
                let newTokens = tokens(replacement)
                words.replaceSubrange(index..<(index + parts.count), with: newTokens)
                index += newTokens.count
                replaced = true
                break
            }
            if !replaced { index += 1 }
        }
    }

    /// The word before token `index`, across spaces only.
    static func previousWord(_ words: [String], before index: Int) -> String? {
        var k = index - 1
        while k >= 0, words[k].allSatisfy({ $0 == " " }) { k -= 1 }
        return k >= 0 && isWord(words[k]) ? words[k] : nil
    }

    /// The word after token `index`, across spaces only.
    static func nextWord(_ words: [String], after index: Int) -> String? {
        var k = index + 1
        while k < words.count, words[k].allSatisfy({ $0 == " " }) { k += 1 }
        return k < words.count && isWord(words[k]) ? words[k] : nil
    }

    // MARK: People and objects

    /// People's names, grouped so a name is replaced by one of the same group (pronouns stay right). Names that
    /// are also common words ("Mark", "Bill", "Grace") are left out.
    static let names: [[String]] = [
        ["Tom", "John", "Bob", "Jack", "Mike", "Sam", "Ben", "Peter", "David", "Alex", "Paul", "Kevin", "James",
         "Henry", "Luke", "Eric", "Steve", "Carl", "Adam", "Ryan", "Dan", "Joe", "Jim", "Greg", "Larry", "Fred"],
        ["Mary", "Alice", "Jane", "Sarah", "Emily", "Anna", "Lucy", "Kate", "Emma", "Linda", "Lisa", "Amy", "Julia",
         "Rachel", "Nina", "Sophie", "Laura", "Ella", "Olivia", "Mia", "Chloe", "Susan", "Betty", "Helen", "Karen"],
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

    // MARK: Small numbers

    /// The words for 0 to 19.
    static let units = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    /// The words for the tens, by their digit.
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    /// The word for 2 to 99 ("twenty-five").
    static func numberWord(_ value: Int) -> String? {
        guard (2...99).contains(value) else { return nil }
        if value < 20 { return units[value] }
        return tens[value / 10] + (value % 10 == 0 ? "" : "-" + units[value % 10])
    }

    /// Integers from 2 to 99 of the prose, standing alone ("12 and 16", "a 3-inch cube"), in words. Left alone:
    /// decimals, thousands, times, ranges, lists of numbers, and numbers touching letters or symbols ("10cm",
    /// "\$5", "5%"). Placeholders are skipped.
    static func digitsToWords(_ text: String) -> String {
        let characters = Array(text)
        var result = ""
        var index = 0
        var inPlaceholder = false
        while index < characters.count {
            let character = characters[index]
            if character == "\u{E000}" { inPlaceholder = true }
            if character == "\u{E001}" { inPlaceholder = false }
            guard !inPlaceholder, character.isASCII, character.isNumber else {
                result.append(character)
                index += 1
                continue
            }
            var end = index
            while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
            let digits = String(characters[index..<end])
            let previous: Character? = index > 0 ? characters[index - 1] : nil
            let next: Character? = end < characters.count ? characters[end] : nil
            let afterNext: Character? = end + 1 < characters.count ? characters[end + 1] : nil
            let before = previous.map { $0.isWhitespace || $0 == "(" } ?? true
            let after: Bool
            if let next {
                after = next.isWhitespace || (",.?!);:".contains(next) && !(afterNext?.isNumber ?? false))
                    || (next == "-" && (afterNext?.isLetter ?? false))
            } else {
                after = true
            }
            let inList = (next == "," && firstNonSpace(characters, from: end + 1)?.isNumber == true)
                || (lastNonSpace(characters, before: index) == "," && lastNonSpace(characters, before: index - 1 - spaces(characters, before: index))?.isNumber == true)
            // "25-gallon" stays: the numbers check reads "twenty-five" as 25, not "twenty-five-gallon".
            let compound = next == "-" && (Int(digits) ?? 0) > 20 && (Int(digits) ?? 0) % 10 != 0
            if before, after, !inList, !compound, let value = Int(digits), var word = numberWord(value) {
                if atSentenceStart(characters, index) { word = capitalized(word) }
                result += word
            } else {
                result += digits
            }
            index = end
        }
        return result
    }

    /// The last character before `index` that is not a space.
    static func lastNonSpace(_ characters: [Character], before index: Int) -> Character? {
        var k = index - 1
        while k >= 0, characters[k] == " " { k -= 1 }
        return k >= 0 ? characters[k] : nil
    }

    /// The first character from `index` on that is not a space.
    static func firstNonSpace(_ characters: [Character], from index: Int) -> Character? {
        var k = index
        while k < characters.count, characters[k] == " " { k += 1 }
        return k < characters.count ? characters[k] : nil
    }

    /// How many spaces stand right before `index`.
    static func spaces(_ characters: [Character], before index: Int) -> Int {
        var k = index - 1
        while k >= 0, characters[k] == " " { k -= 1 }
        return index - 1 - k
    }

    /// Whether `index` opens a sentence (nothing but spaces since the start, a line break or closing punctuation).
    static func atSentenceStart(_ characters: [Character], _ index: Int) -> Bool {
        var k = index - 1
        while k >= 0, characters[k] == " " { k -= 1 }
        return k < 0 || ".?!\n".contains(characters[k])
    }

    /// Number words from two to ninety-nine inside a sentence ("eight All-Stars", "a three-inch cube") in digits.
    /// Left alone: a sentence's first word, "one", a word next to another number word ("two hundred"), a fraction
    /// ("two-thirds"), and after "the" ("the two numbers").
    static func wordsToDigits(_ text: String) -> String {
        var words = tokens(text)
        var index = 0
        let multipliers: Set<String> = ["hundred", "hundreds", "thousand", "thousands", "million", "dozen", "halves",
                                        "half", "thirds", "third", "quarters", "fourths", "fifths", "score", "or"]
        func value(_ word: String) -> Int? {
            if let unit = units.firstIndex(of: word), unit >= 2 { return unit }
            if let ten = tens.firstIndex(of: word), ten >= 2 { return ten * 10 }
            return nil
        }
        while index < words.count {
            let word = words[index]
            guard isWord(word), word.first?.isLowercase == true, var number = value(word) else {
                index += 1
                continue
            }
            var last = index
            // "twenty-five".
            if number >= 20, index + 2 < words.count, words[index + 1] == "-", let unit = value(words[index + 2]), unit < 10 {
                number += unit
                last = index + 2
            }
            let previous = previousWord(words, before: index)?.lowercased()
            let next = nextWord(words, after: last)?.lowercased()
            let hyphenNext = last + 2 < words.count && words[last + 1] == "-" ? words[last + 2].lowercased() : nil
            let characters = Array(words[0..<index].joined())
            let blocked = atSentenceStart(characters, characters.count)
                || previous.map { $0 == "the" || value($0) != nil || $0 == "one" || multipliers.contains($0) } ?? false
                || next.map { multipliers.contains($0) || value($0) != nil } ?? false
                || hyphenNext.map { multipliers.contains($0) || value($0) != nil || $0 == "one" } ?? false
                || (index > 0 && words[index - 1].hasSuffix("-"))
            if !blocked {
                words.replaceSubrange(index...last, with: [String(number)])
            }
            index += 1
        }
        return words.joined()
    }
}
