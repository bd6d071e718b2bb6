/// Reads the rewrite out of a model's completion in the paper's marker format.
///
/// The rewrite comes from the answer, never from the reasoning. Reasoning the server returned apart
/// (`reasoning_content`, `reasoning`) is not read; a `content` that starts with reasoning loses everything up
/// to its last `</think>`, with or without the opening `<think>` (a chat template may put that in the prompt);
/// a `content` that opens `<think>` and never closes it holds no answer. In the answer: the text between the
/// last `REWRITE:` and the `### RESULT_END` after it, inside the last `### RESULT_START` block, trimmed;
/// markers in bold (`**REWRITE:**`) are accepted. A choice the server cut at `max_tokens` is a
/// `truncatedCompletion`; anything else is an `unparseableCompletion` naming what is missing.
public enum RewriteResponseParser {
    /// The rewrite in a completion's `content`, when the server sent nothing else.
    public static func parse(_ completion: String) throws(AugmentationError) -> String {
        try parse(CompletionChoice(content: completion))
    }

    /// The rewrite in `choice`.
    public static func parse(_ choice: CompletionChoice) throws(AugmentationError) -> String {
        guard !choice.isTruncated else { throw .truncatedCompletion(truncationDetail(choice)) }
        return try rewrite(inAnswer: answer(of: choice))
    }

    /// The part of `content` after the reasoning.
    static func answer(of choice: CompletionChoice) throws(AugmentationError) -> Substring {
        let content = choice.content ?? ""
        if let close = content.ranges(of: closeTag).last { return content[close.upperBound...] }
        if opensReasoning(content) {
            throw .unparseableCompletion("the completion is all reasoning (\(openTag) never closed)")
        }
        guard !trimmed(content[...]).isEmpty else {
            throw .unparseableCompletion(choice.reasoning == nil
                ? "empty content"
                : "no answer after the reasoning (content empty, only reasoning came back)")
        }
        return content[...]
    }

    /// The rewrite between the markers of `answer`.
    static func rewrite(inAnswer answer: Substring) throws(AugmentationError) -> String {
        let text = answer.replacing("**", with: "")
        guard let start = text.ranges(of: "### RESULT_START").last else {
            throw .unparseableCompletion("no ### RESULT_START marker")
        }
        let block = text[start.upperBound...]
        guard block.firstRange(of: "ORIGINAL:") != nil else {
            throw .unparseableCompletion("no ORIGINAL: marker")
        }
        guard let rewriteMarker = block.ranges(of: "REWRITE:").last else {
            throw .unparseableCompletion("no REWRITE: marker")
        }
        let tail = block[rewriteMarker.upperBound...]
        guard let end = tail.firstRange(of: "### RESULT_END") else {
            throw .unparseableCompletion("no ### RESULT_END marker (truncated completion?)")
        }
        let rewrite = trimmed(tail[..<end.lowerBound])
        guard !rewrite.isEmpty else { throw .unparseableCompletion("empty REWRITE section") }
        return rewrite
    }

    /// Where a truncated choice was cut: inside its reasoning, or in its answer.
    static func truncationDetail(_ choice: CompletionChoice) -> String {
        let content = choice.content ?? ""
        let inReasoning = content.ranges(of: closeTag).isEmpty
            && (opensReasoning(content) || (trimmed(content[...]).isEmpty && choice.reasoning != nil))
        return "finish_reason length, cut " + (inReasoning ? "inside the reasoning" : "in the answer")
    }

    /// The tags around inline reasoning (Qwen3, QwQ, DeepSeek-R1).
    static let openTag = "<think>"
    static let closeTag = "</think>"

    /// Whether `content` starts, after whitespace, with the opening reasoning tag.
    static func opensReasoning(_ content: String) -> Bool {
        content.drop { $0.isWhitespace }.hasPrefix(openTag)
    }

    /// `text` without whitespace at either end.
    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
