import Testing
@testable import Encoder

struct WordPieceTokenizerTests {
    @Test("token ids equal the reference", arguments: Fixtures.textCases)
    func referenceIDs(_ reference: Fixtures.TextCase) throws {
        let model = try #require(Fixtures.model)
        #expect(model.tokenize(reference.text) == reference.input_ids)
    }

    @Test func referenceFileHasAllCases() {
        #expect(Fixtures.textCases.count == 62)
        #expect(Fixtures.pairCases.count == 9)
    }

    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "a", "##b",
                             "[", "]", "mask", ",", "σ", "ς", "i", "\u{307}", "##\u{307}", "é", "e", "中", "x"]

    @Test("quirks on a toy vocabulary", arguments: [
        ("unaffable", ["un", "##aff", "##able"]),
        ("UNAFFABLE", ["un", "##aff", "##able"]),
        ("unaffablex", ["[UNK]"]),                         // unmatched remainder: whole word is [UNK]
        ("a,b", ["a", ",", "[UNK]"]),                      // punctuation splits; "b" alone has no piece
        ("ab", ["a", "##b"]),
        ("[MASK] [mask]", ["[MASK]", "[", "mask", "]"]),   // added tokens are case-sensitive
        ("a[MASK]a", ["a", "[MASK]", "a"]),
        ("Σ ς", ["σ", "ς"]),                               // per-scalar lowercase: no final sigma
        ("é", ["e"]),                                      // NFD, then the accent is dropped
        ("e\u{301}", ["e"]),
        ("x中x", ["x", "中", "x"]),                         // CJK ideographs become words
        ("a\u{0}b\u{200B}b\u{FFFD}b", ["a", "##b", "##b", "##b"]),  // removed scalars join the word
        ("\u{A0}a\u{3000}a", ["a", "a"]),                 // Unicode whitespace splits
        ("", []),
        (String(repeating: "a", count: 101), ["[UNK]"]),  // over 100 scalars
    ])
    func toyVocabulary(_ text: String, _ expected: [String]) throws {
        let tokenizer = try WordPieceTokenizer(pieces: Self.vocabulary)
        let ids = tokenizer.wordPieceIDs(text)
        #expect(ids.map { Self.vocabulary[Int($0)] } == expected)
    }

    /// Long texts are normalised in slices cut at spaces and stop early; the ids must equal
    /// those of one unsliced pass.
    @Test("slicing and early stop change nothing", arguments: [1, 7, 64, 1024])
    func slicingChangesNothing(sliceLength: Int) throws {
        let tokenizer = try #require(Fixtures.model).tokenizer
        let texts = Fixtures.textCases.map(\.text)
        let long = texts.joined(separator: " ") + texts.joined(separator: "\u{85}")   // NEL: removed, no boundary
            + String(repeating: "e\u{301}\u{327}x\u{A0}", count: 300) + String(repeating: "y", count: 3000)
        let unsliced = tokenizer.wordPieceIDs(long, sliceLength: .max)
        #expect(unsliced.count > 2_000)
        #expect(tokenizer.wordPieceIDs(long, sliceLength: sliceLength) == unsliced)
        for limit in [1, 254, 1000] {
            let early = tokenizer.wordPieceIDs(long, limit: limit, sliceLength: sliceLength)
            #expect(early.count >= limit)
            #expect(Array(early.prefix(limit)) == Array(unsliced.prefix(limit)))
        }
    }

    @Test func wrapsAndTruncates() throws {
        let tokenizer = try WordPieceTokenizer(pieces: Self.vocabulary, maxTokens: 5)
        #expect(tokenizer.encode("") == [2, 3])
        #expect(tokenizer.encode("a a a a a a") == [2, 8, 8, 8, 3])
    }

    @Test func missingSpecialTokenIsAnError() {
        #expect(throws: EncoderError.self) { try WordPieceTokenizer(pieces: ["a", "b"]) }
    }
}
