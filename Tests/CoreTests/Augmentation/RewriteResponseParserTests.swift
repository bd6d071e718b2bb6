import Testing
@testable import Core

/// Reading the rewrite out of a completion in the paper's marker format.
struct RewriteResponseParserTests {
    @Test func readsTheRewrite() throws {
        let completion = """
            <think>some reasoning with REWRITE: inside</think>
            ### RESULT_START
            ORIGINAL:
            What is $1+1$?
            REWRITE:
            A baker has $1+1$ loaves. How many?
            ### RESULT_END
            """
        #expect(try RewriteResponseParser.parse(completion) == "A baker has $1+1$ loaves. How many?")
    }

    @Test func acceptsBoldMarkers() throws {
        let completion = "### RESULT_START\n**ORIGINAL:** q\n**REWRITE:** r\n### RESULT_END"
        #expect(try RewriteResponseParser.parse(completion) == "r")
    }

    @Test(arguments: [
        ("no markers at all", "no ### RESULT_START marker"),
        ("### RESULT_START\nREWRITE: r\n### RESULT_END", "no ORIGINAL: marker"),
        ("### RESULT_START\nORIGINAL: q\n### RESULT_END", "no REWRITE: marker"),
        ("### RESULT_START\nORIGINAL: q\nREWRITE: r", "no ### RESULT_END marker (truncated completion?)"),
        ("### RESULT_START\nORIGINAL: q\nREWRITE:   \n### RESULT_END", "empty REWRITE section"),
    ])
    func refusesMalformedCompletions(completion: String, reason: String) {
        #expect(throws: AugmentationError.unparseableCompletion(reason)) { try RewriteResponseParser.parse(completion) }
    }

    @Test func thePromptHoldsTheQuestionOnce() throws {
        let prompt = RewritePrompt.paper.render(question: "What is $2+2$?")
        #expect(prompt.contains("What is $2+2$?"))
        #expect(prompt.contains("### RESULT_START") && prompt.contains("REWRITE:"))
        #expect(throws: AugmentationError.self) { try RewritePrompt(template: "no placeholder") }
    }
}
