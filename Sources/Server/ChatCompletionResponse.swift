import Core
import Foundation

/// Reads the bodies an OpenAI-compatible `POST /chat/completions` answers: the choices of a 200, the message
/// of an error.
///
/// Shapes read (recorded examples in Tests/Data/llm): vLLM (`message.reasoning_content`, renamed
/// `message.reasoning` in newer releases; `stop_reason`), SGLang (`message.reasoning_content`, `matched_stop`),
/// llama.cpp's server (`reasoning_content` with `--reasoning-format deepseek`, else the reasoning inline in
/// `content`; `timings`), and hosted APIs. Fields not listed are ignored.
enum ChatCompletionResponse {
    /// Why a 200's body holds no choices.
    struct Malformed: Error, Equatable, CustomStringConvertible {
        /// What is missing, for `reasons`.
        let description: String
    }

    /// The choices of a 200's body, in `index` order (array order when a choice has no `index`).
    static func choices(from body: Data) throws(Malformed) -> [CompletionChoice] {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw Malformed(description: "the answer is not a JSON object")
        }
        guard let choices = object["choices"] as? [[String: Any]], !choices.isEmpty else {
            throw Malformed(description: "no choices in the answer")
        }
        var read: [(index: Int, choice: CompletionChoice)] = []
        for (position, choice) in choices.enumerated() {
            guard let message = choice["message"] as? [String: Any] else {
                throw Malformed(description: "no choices[\(position)].message in the answer")
            }
            let reasoning = message["reasoning_content"] as? String ?? message["reasoning"] as? String
            read.append(((choice["index"] as? Int) ?? position,
                         CompletionChoice(content: message["content"] as? String, reasoning: reasoning,
                                          finishReason: choice["finish_reason"] as? String)))
        }
        return read.sorted { $0.index < $1.index }.map(\.choice)
    }

    /// The message of an error body: `{"error": {"message": ...}}` (OpenAI, llama.cpp, newer vLLM),
    /// `{"message": ...}` (older vLLM), `{"error": "..."}` or `{"detail": "..."}`; nil when none is there.
    static func errorMessage(from body: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else { return nil }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
        return object["message"] as? String ?? object["error"] as? String ?? object["detail"] as? String
    }

    /// Whether an error message says the server takes no `n` above 1 (llama.cpp: "Only one completion choice
    /// is allowed"; others name the parameter `n`).
    static func refusesN(_ message: String) -> Bool {
        let lowered = message.lowercased()
        if lowered.contains("choice") { return true }
        let words = lowered.split { !($0.isLetter || $0.isNumber || $0 == "_") }
        return words.contains("n")
    }
}
