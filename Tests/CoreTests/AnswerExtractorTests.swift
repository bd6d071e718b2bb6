import Core
import Testing

struct AnswerExtractorTests {
    @Test(arguments: [
        // (response, expected answer, expected method)
        ("The answer is \\boxed{42}.", "42", ExtractionMethod.boxed),
        ("nested \\boxed{\\frac{1}{2}} done", "\\frac{1}{2}", .boxed),
        ("deep \\boxed{\\left\\{ x^{2^{3}} \\right\\}}", "\\left\\{ x^{2^{3}} \\right\\}", .boxed),
        ("first \\boxed{1} then \\boxed{2}", "2", .boxed),
        ("space form $\\boxed 5$ end", "5", .boxedSpace),
        ("space form at the end \\boxed 17", "17", .boxedSpace),
        ("braced after a space \\boxed {8}", "8", .boxed),
        ("fbox only \\fbox{3}", "3", .fbox),
        ("empty box \\boxed{}", "", .boxed),
        ("unicode é \\boxed{π/2} ✓", "π/2", .boxed),
        ("a macro \\boxedsymbol then \\boxed{4}", "4", .boxed),
        ("box then macro: \\boxed{4} and \\boxedsymbol", "4", .boxed),
        ("\\boxed{a} and then \\fbox{b}", "a", .boxed),  // `\fbox` counts only without any `\boxed`
    ])
    func findsTheLastBox(response: String, answer: String, method: ExtractionMethod) {
        let found = AnswerExtractor.extract(response)
        #expect(found?.answer == answer)
        #expect(found?.method == method)
    }

    @Test(arguments: [
        "no box at all",
        "unbalanced \\boxed{\\frac{1}{2}",
        "earlier box \\boxed{1} but the last is unbalanced \\boxed{2",
        "\\fbox{unbalanced",
        "",
        "\\boxed",
    ])
    func findsNothing(response: String) {
        #expect(AnswerExtractor.extract(response) == nil)
    }

    @Test func reportsTheByteRangeOfTheWholeBox() throws {
        let response = "so \\boxed{12} ok"
        let found = try #require(AnswerExtractor.extract(response))
        let bytes = Array(response.utf8)
        #expect(String(decoding: bytes[found.byteRange], as: UTF8.self) == "\\boxed{12}")
    }

    @Test func countsEscapedBracesLikeTheReference() {
        // The reference counts every brace byte, escaped or not: `\}` closes a level.
        #expect(AnswerExtractor.extract("\\boxed{\\{1\\}}")?.answer == "\\{1\\}")
        #expect(AnswerExtractor.extract("\\boxed{a\\}b}")?.answer == "a\\")
    }

    @Test func isLinearOnAHugeResponse() {
        let response = String(repeating: "{", count: 200_000) + "\\boxed{" + String(repeating: "{", count: 200_000)
        #expect(AnswerExtractor.extract(response) == nil)
    }

    @Test(arguments: [
        ("Adding up, 3 + 4 = 7.\n#### 7", "7", ExtractionMethod.gsm8k),
        ("#### 1,000\n", "1,000", .gsm8k),
        ("Thus, the final answer is $42$.", "42", .answerIs),
        ("The answer is: \\(x^2\\).\nDone.", "x^2", .answerIs),
        ("So the Answer is 5", "5", .answerIs),
        ("Final Answer: 12\nThat is all.", "12", .answerLabel),
        ("answer: -3", "-3", .answerLabel),
        ("The answer is 4. Answer: 5\n#### 6", "4", .answerIs),        // DESIGN's order, not position
        ("Answer: \nthe answer is 8", "8", .answerIs),
        ("An answer is what we need. Answer: 9", "9", .answerLabel),     // "An answer is" is not the phrase
        ("The answer is \\boxed{3}", "3", .boxed),                      // a box always wins
    ])
    func lenientFallbacks(response: String, answer: String, method: ExtractionMethod) {
        let found = AnswerExtractor.extract(response, mode: .lenient)
        #expect(found?.answer == answer)
        #expect(found?.method == method)
        #expect(AnswerExtractor.extract(response, mode: .strict)?.method == (method == .boxed ? .boxed : nil))
    }

    @Test(arguments: ["Answer:", "#### ", "The answer is .", "no answer", "Answer: $ $"])
    func lenientFindsNothingEmpty(response: String) {
        #expect(AnswerExtractor.extract(response, mode: .lenient) == nil)
    }
}
