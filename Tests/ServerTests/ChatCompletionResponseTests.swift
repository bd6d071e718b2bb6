import Core
import Foundation
import Testing
@testable import Server

/// Reading the recorded answers of vLLM, SGLang and llama.cpp's server (Tests/Data/llm) down to the rewrite.
struct ChatCompletionResponseTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Data/llm")

    static func body(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    static func rewrite(_ choice: CompletionChoice) -> String {
        do throws(AugmentationError) { return try RewriteResponseParser.parse(choice) } catch { return "error: \(error)" }
    }

    /// Each recorded 200: how many choices, their finish reasons, and the rewrite read from each (never a draft
    /// from the reasoning).
    @Test(arguments: [
        ("vllm-reasoning-content-n2.json", ["stop", "stop"], [
            "A gardener plants flowers in rows, and the number of rows $x$ satisfies $3x + 5 = 20$. How many rows are there, that is, what is $x$?",
            "At a school fundraiser the amount raised obeys $3x + 5 = 20$. Determine the value of $x$.",
        ]),
        ("vllm-reasoning-n1.json", ["stop"], [
            "A cook scaling a bread recipe must compute the product $\\frac{7}{2} \\cdot 4$. What is its value?",
        ]),
        ("vllm-length-in-reasoning.json", ["length"], [
            "error: truncated completion: finish_reason length, cut inside the reasoning",
        ]),
        ("vllm-no-open-tag.json", ["stop"], [
            "A teacher can set out $36$ chairs in equal rows in several ways. Count the positive divisors of that number of chairs.",
        ]),
        ("sglang-reasoning-n3.json", ["stop", "stop", "stop"], [
            "A tile maker cuts a hexagon-shaped tile. In degrees, what do the interior angles of the hexagon add up to?",
            "An architect designs a gazebo whose floor is a hexagon. Find the total of its interior angles in degrees.",
            "A tile maker cuts a hexagon-shaped tile.  In degrees, what do the interior angles of the hexagon\nadd up to?",
        ]),
        ("llamacpp-reasoning-deepseek.json", ["stop"], [
            "A square garden has sides that measure $\\sqrt{50}$ meters. Write that length in simplest radical form.",
        ]),
        ("llamacpp-inline-think.json", ["stop"], [
            "An engineer measures a cable of length $\\sqrt{50}$ meters. Express this length in simplest form.",
        ]),
        ("llamacpp-length-inline.json", ["length"], [
            "error: truncated completion: finish_reason length, cut inside the reasoning",
        ]),
    ])
    func readsEachShape(file: String, finishReasons: [String], rewrites: [String]) throws {
        let choices = try ChatCompletionResponse.choices(from: ChatCompletionResponseTests.body(file))
        #expect(choices.map(\.finishReason) == finishReasons)
        #expect(choices.map(ChatCompletionResponseTests.rewrite) == rewrites)
    }

    /// Where each server puts the reasoning: `reasoning_content`, vLLM's newer `reasoning`, or nowhere (inline).
    @Test(arguments: [
        ("vllm-reasoning-content-n2.json", true),
        ("vllm-reasoning-n1.json", true),
        ("vllm-no-open-tag.json", false),
        ("sglang-reasoning-n3.json", true),
        ("llamacpp-reasoning-deepseek.json", true),
        ("llamacpp-inline-think.json", false),
    ])
    func findsTheReasoningApart(file: String, apart: Bool) throws {
        let choices = try ChatCompletionResponse.choices(from: ChatCompletionResponseTests.body(file))
        #expect(choices.allSatisfy { ($0.reasoning != nil) == apart })
    }

    @Test func ordersChoicesByIndex() throws {
        let body = Data(#"{"choices": [{"index": 1, "message": {"content": "b"}}, {"index": 0, "message": {"content": "a"}, "finish_reason": null}]}"#.utf8)
        let choices = try ChatCompletionResponse.choices(from: body)
        #expect(choices == [CompletionChoice(content: "a", finishReason: nil), CompletionChoice(content: "b", finishReason: nil)])
    }

    @Test(arguments: [
        (#"[1, 2]"#, "the answer is not a JSON object"),
        (#"{"choices": []}"#, "no choices in the answer"),
        (#"{"object": "chat.completion"}"#, "no choices in the answer"),
        (#"{"choices": [{"index": 0, "text": "a completions-API answer"}]}"#, "no choices[0].message in the answer"),
    ])
    func refusesBodiesWithoutChoices(body: String, reason: String) {
        #expect(throws: ChatCompletionResponse.Malformed(description: reason)) {
            try ChatCompletionResponse.choices(from: Data(body.utf8))
        }
    }

    /// Error bodies: llama.cpp's, vLLM's (older and newer), and plain ones; which of them refuse `n`.
    @Test(arguments: [
        (#"{"error": {"code": 400, "message": "Only one completion choice is allowed", "type": "invalid_request_error"}}"#,
         "Only one completion choice is allowed", true),
        (#"{"object": "error", "message": "n must be at most 4 for this model", "type": "BadRequestError", "param": null, "code": 400}"#,
         "n must be at most 4 for this model", true),
        (#"{"error": {"message": "'n' is not supported", "type": "BadRequestError", "param": "n", "code": 400}}"#,
         "'n' is not supported", true),
        (#"{"error": {"message": "This model's maximum context length is 4096 tokens", "type": "BadRequestError", "code": 400}}"#,
         "This model's maximum context length is 4096 tokens", false),
        (#"{"error": "bad request"}"#, "bad request", false),
        (#"{"detail": "Not Found"}"#, "Not Found", false),
    ])
    func readsErrorMessages(body: String, message: String, refusesN: Bool) {
        #expect(ChatCompletionResponse.errorMessage(from: Data(body.utf8)) == message)
        #expect(ChatCompletionResponse.refusesN(message) == refusesN)
    }

    @Test func llamaCppRefusalIsRecorded() throws {
        let message = ChatCompletionResponse.errorMessage(from: try ChatCompletionResponseTests.body("llamacpp-n-refused.json"))
        #expect(message.map(ChatCompletionResponse.refusesN) == true)
    }
}
