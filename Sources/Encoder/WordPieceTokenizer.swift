import Foundation

/// BERT uncased WordPiece tokenization exactly as Hugging Face `tokenizers` runs
/// all-MiniLM-L6-v2's tokenizer.json: added special tokens matched verbatim, BertNormalizer
/// (clean text, CJK spacing, NFD accent stripping, per-code-point lowercase),
/// BertPreTokenizer (whitespace and punctuation), greedy longest-match WordPiece, then
/// `[CLS] … [SEP]` with truncation to `maxTokens` ids in total.
///
/// Everything works on Unicode scalars, never on Swift `Character`s, and vocabulary lookups
/// compare UTF-8 bytes: Swift's `String ==` treats canonically equivalent strings as equal,
/// which would, for instance, match decomposed Hangul jamo to precomposed vocabulary entries.
struct WordPieceTokenizer: Sendable {
    static let classifyToken = "[CLS]"
    static let separatorToken = "[SEP]"
    static let unknownToken = "[UNK]"
    /// tokenizer.json's added tokens; matched case-sensitively in the raw text, before
    /// normalisation.
    static let specialTokens = ["[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"]
    static let continuationPrefix = "##"

    /// Word piece (UTF-8 bytes) to id; the id is the line number in vocab.txt.
    private let vocabulary: [[UInt8]: Int32]
    /// Longest vocabulary entry in Unicode scalars, `##` excluded: bounds the greedy search.
    private let longestPiece: Int
    private let specialIDs: [(scalars: [Unicode.Scalar], id: Int32)]
    let classifyID: Int32
    let separatorID: Int32
    let unknownID: Int32
    /// Ids per text including [CLS] and [SEP].
    let maxTokens: Int
    /// Longer words (in Unicode scalars) become a single [UNK].
    let maxWordLength: Int

    /// Reads vocab.txt (one piece per line, id = line index).
    init(vocabularyFile path: String, maxTokens: Int = 256, maxWordLength: Int = 100) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EncoderError.fileUnreadable(path: path, reason: "no such file or not readable")
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        var pieces: [String] = []
        pieces.reserveCapacity(lines.count)
        for (number, line) in lines.enumerated() {
            guard let piece = String(validating: line, as: UTF8.self) else {
                throw EncoderError.invalidVocabulary(path: path, reason: "line \(number + 1) is not valid UTF-8")
            }
            pieces.append(piece)
        }
        try self.init(pieces: pieces, source: path, maxTokens: maxTokens, maxWordLength: maxWordLength)
    }

    /// Builds the tokenizer from vocabulary pieces in id order.
    init(pieces: [String], source: String = "<memory>", maxTokens: Int = 256, maxWordLength: Int = 100) throws {
        var vocabulary: [[UInt8]: Int32] = [:]
        vocabulary.reserveCapacity(pieces.count)
        var longest = 0
        for (id, piece) in pieces.enumerated() {
            vocabulary[Array(piece.utf8)] = Int32(id)   // a repeated piece keeps its last id
            let stem = piece.hasPrefix(Self.continuationPrefix) ? piece.unicodeScalars.count - 2 : piece.unicodeScalars.count
            longest = max(longest, stem)
        }
        func id(of token: String) throws -> Int32 {
            guard let id = vocabulary[Array(token.utf8)] else {
                throw EncoderError.invalidVocabulary(path: source, reason: "required token \(token) is missing")
            }
            return id
        }
        self.classifyID = try id(of: Self.classifyToken)
        self.separatorID = try id(of: Self.separatorToken)
        self.unknownID = try id(of: Self.unknownToken)
        self.specialIDs = try Self.specialTokens.map { (Array($0.unicodeScalars), try id(of: $0)) }
        self.vocabulary = vocabulary
        self.longestPiece = longest
        self.maxTokens = maxTokens
        self.maxWordLength = maxWordLength
    }

    /// Model input ids: `[CLS]`, the first `maxTokens - 2` word pieces, `[SEP]`.
    func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [classifyID]
        ids.reserveCapacity(min(maxTokens, text.utf8.count + 2))
        let limit = maxTokens - 2
        var pieces = wordPieceIDs(text, limit: limit)
        if pieces.count > limit { pieces.removeSubrange(limit...) }
        ids.append(contentsOf: pieces)
        ids.append(separatorID)
        return ids
    }

    /// Word-piece ids of `text` without [CLS]/[SEP]. Once `limit` pieces exist the rest of the
    /// text is not tokenized (the result may run a few pieces past `limit`), so a long text
    /// costs no more than its first `limit` pieces.
    /// `sliceLength` is exposed for tests only.
    func wordPieceIDs(_ text: String, limit: Int = .max, sliceLength: Int = 1024) -> [Int32] {
        var ids: [Int32] = []
        let scalars = Array(text.unicodeScalars)
        var segmentStart = 0
        var index = 0
        // Added tokens are cut out of the raw text first; the rest is tokenized per segment.
        while index < scalars.count, ids.count < limit {
            if scalars[index] == "[", let special = specialToken(in: scalars, at: index) {
                appendIDs(of: scalars[segmentStart..<index], to: &ids, limit: limit, sliceLength: sliceLength)
                ids.append(special.id)
                index += special.length
                segmentStart = index
            } else {
                index += 1
            }
        }
        if ids.count < limit {
            appendIDs(of: scalars[segmentStart..<scalars.count], to: &ids, limit: limit, sliceLength: sliceLength)
        }
        return ids
    }

    private func specialToken(in scalars: [Unicode.Scalar], at index: Int) -> (id: Int32, length: Int)? {
        for special in specialIDs {
            let end = index + special.scalars.count
            if end <= scalars.count, scalars[index..<end].elementsEqual(special.scalars) {
                return (special.id, special.scalars.count)
            }
        }
        return nil
    }

    /// Tokenizes `segment` in pieces of about `sliceLength` scalars, each ending just after a
    /// scalar that normalisation turns into a space (so no word straddles two pieces and NFD
    /// cannot reorder across them), until `limit` ids exist.
    private func appendIDs(of segment: ArraySlice<Unicode.Scalar>, to ids: inout [Int32], limit: Int, sliceLength: Int) {
        var start = segment.startIndex
        while start < segment.endIndex, ids.count < limit {
            var end = start + min(sliceLength, segment.endIndex - start)
            while end < segment.endIndex, !Self.becomesSpace(segment[end - 1]) {
                end += 1
            }
            for word in Self.preTokenize(Self.normalize(segment[start..<end])) {
                appendWordPieces(of: word, to: &ids)
            }
            start = end
        }
    }

    /// Whether clean_text maps `scalar` to a space (whitespace that is not removed as a control).
    static func becomesSpace(_ scalar: Unicode.Scalar) -> Bool {
        isWhitespace(scalar) && !isControl(scalar)
    }

    // MARK: - BertNormalizer

    /// clean_text, handle_chinese_chars, strip_accents (NFD, drop Mn), lowercase per scalar.
    static func normalize(_ text: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        var isASCII = true
        for scalar in text {
            if scalar.value == 0 || scalar.value == 0xFFFD || isControl(scalar) { continue }
            if isWhitespace(scalar) {
                cleaned.append(" ")
            } else if isCJKIdeograph(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
                isASCII = false
            } else {
                cleaned.append(scalar)
                if !scalar.isASCII { isASCII = false }
            }
        }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(cleaned.count)
        if isASCII {
            for scalar in cleaned {
                output.append(asciiLowercase(scalar))
            }
            return output
        }
        // NFD over the whole text (as Python's unicodedata.normalize does), then drop
        // nonspacing marks, then lowercase one scalar at a time without context (no final sigma).
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        for scalar in decomposed where scalar.properties.generalCategory != .nonspacingMark {
            if scalar.isASCII {
                output.append(asciiLowercase(scalar))
            } else {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return output
    }

    @inline(__always)
    private static func asciiLowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        (scalar.value >= 0x41 && scalar.value <= 0x5A) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar
    }

    /// `\t \n \r` and the Unicode White_Space property (Rust's `char::is_whitespace`).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D, 0x20: return true
        case 0..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }

    /// General category Cc, Cf, Co or Cs, except `\t \n \r`. Unassigned (Cn) scalars are kept.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x20..<0x7F: return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .privateUse, .surrogate: return true
            default: return false
            }
        }
    }

    /// ASCII 33–47, 58–64, 91–96, 123–126 and every general category P*.
    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        case 0..<0x80: return false
        default:
            switch scalar.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation:
                return true
            default:
                return false
            }
        }
    }

    /// The CJK ideograph blocks of `tokenizers`' BertNormalizer. Its Extension E range starts
    /// at 0x2B920 (Python's BertTokenizer uses 0x2B820); kana and Hangul are not included.
    static func isCJKIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }

    // MARK: - BertPreTokenizer

    /// Splits on whitespace and makes every punctuation scalar a word of its own.
    static func preTokenize(_ text: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        for (index, scalar) in text.enumerated() {
            if isWhitespace(scalar) {
                if start < index { words.append(text[start..<index]) }
                start = index + 1
            } else if isPunctuation(scalar) {
                if start < index { words.append(text[start..<index]) }
                words.append(text[index...index])
                start = index + 1
            }
        }
        if start < text.count { words.append(text[start..<text.count]) }
        return words
    }

    // MARK: - WordPiece

    /// Greedy longest-match-first pieces, `##` on continuations. A word longer than
    /// `maxWordLength` scalars, or one with any unmatched remainder, is a single [UNK].
    private func appendWordPieces(of word: ArraySlice<Unicode.Scalar>, to ids: inout [Int32]) {
        guard word.count <= maxWordLength else {
            ids.append(unknownID)
            return
        }
        let firstNew = ids.count
        var start = word.startIndex
        var key: [UInt8] = []
        while start < word.endIndex {
            var end = min(word.endIndex, start + longestPiece)
            var match: Int32?
            while start < end {
                key.removeAll(keepingCapacity: true)
                if start > word.startIndex { key.append(contentsOf: Self.continuationPrefix.utf8) }
                for scalar in word[start..<end] { Self.appendUTF8(scalar, to: &key) }
                if let id = vocabulary[key] {
                    match = id
                    break
                }
                end -= 1
            }
            guard let id = match else {
                ids.removeSubrange(firstNew...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }

    @inline(__always)
    private static func appendUTF8(_ scalar: Unicode.Scalar, to bytes: inout [UInt8]) {
        UTF8.encode(scalar) { bytes.append($0) }
    }
}
