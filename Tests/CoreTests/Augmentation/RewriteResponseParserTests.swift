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

    static let block = "### RESULT_START\nORIGINAL:\nq\nREWRITE:\nthe rewrite\n### RESULT_END"
    static let draft = "### RESULT_START\nORIGINAL:\nq\nREWRITE:\na draft\n### RESULT_END"

    /// Reasoning models answer with the reasoning apart or inline; the rewrite always comes from the answer.
    @Test(arguments: [
        // vLLM, SGLang, llama.cpp with a reasoning parser: the reasoning (with a draft) apart.
        CompletionChoice(content: block, reasoning: "thinking...\n" + draft),
        // Inline, opened and closed.
        CompletionChoice(content: "<think>\n" + draft + "\n</think>\n\n" + block),
        // Inline without the opening tag (the chat template put it in the prompt).
        CompletionChoice(content: "thinking...\n" + draft + "\n</think>\n\n" + block),
        // Blank lines before the answer, as vLLM's qwen3 parser leaves them.
        CompletionChoice(content: "\n\n" + block, reasoning: "short"),
    ])
    func readsTheAnswerNeverTheReasoning(choice: CompletionChoice) throws {
        #expect(try RewriteResponseParser.parse(choice) == "the rewrite")
    }

    @Test(arguments: [
        (CompletionChoice(content: nil, reasoning: draft), "no answer after the reasoning (content empty, only reasoning came back)"),
        (CompletionChoice(content: "  ", reasoning: draft), "no answer after the reasoning (content empty, only reasoning came back)"),
        (CompletionChoice(content: nil), "empty content"),
        (CompletionChoice(content: "<think>\n" + draft), "the completion is all reasoning (<think> never closed)"),
    ])
    func neverFallsBackToTheReasoning(choice: CompletionChoice, reason: String) {
        #expect(throws: AugmentationError.unparseableCompletion(reason)) { try RewriteResponseParser.parse(choice) }
    }

    /// `finish_reason: "length"` is a truncated completion, whatever the content holds, and says where it was cut.
    @Test(arguments: [
        (CompletionChoice(content: nil, reasoning: "thinking", finishReason: "length"), "finish_reason length, cut inside the reasoning"),
        (CompletionChoice(content: "<think>\nthinking " + draft, finishReason: "length"), "finish_reason length, cut inside the reasoning"),
        (CompletionChoice(content: "### RESULT_START\nORIGINAL:\nq\nREWRITE:\nhal", reasoning: "done", finishReason: "length"),
         "finish_reason length, cut in the answer"),
        (CompletionChoice(content: block, finishReason: "length"), "finish_reason length, cut in the answer"),
    ])
    func truncatedCompletions(choice: CompletionChoice, detail: String) {
        #expect(throws: AugmentationError.truncatedCompletion(detail)) { try RewriteResponseParser.parse(choice) }
    }

    @Test func thePromptHoldsTheQuestionOnce() throws {
        let prompt = RewritePrompt.paper.render(question: "What is $2+2$?")
        #expect(prompt.contains("What is $2+2$?"))
        #expect(prompt.contains("### RESULT_START") && prompt.contains("REWRITE:"))
        #expect(throws: AugmentationError.self) { try RewritePrompt(template: "no placeholder") }
    }
}
