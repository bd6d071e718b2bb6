/// Reads the rewrite out of a model's completion in the paper's marker format.
///
/// The text between the last `REWRITE:` and the `### RESULT_END` after it, inside the last
/// `### RESULT_START` block, trimmed. Reasoning before the block (a `<think>` section) is ignored;
/// markers in bold (`**REWRITE:**`) are accepted; anything else is an `unparseableCompletion` naming
/// the first marker missing.
public enum RewriteResponseParser {
    /// The rewrite in `completion`.
    public static func parse(_ completion: String) throws(AugmentationError) -> String {
        var text = completion
        if let close = text.ranges(of: "</think>").last { text = String(text[close.upperBound...]) }
        text = text.replacing("**", with: "")
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

    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
