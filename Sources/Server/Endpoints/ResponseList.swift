import Core

/// Reads a JSON array of response texts and extracts each one's answer, staying on UTF-8 bytes:
/// only the answers become Strings.
struct ResponseList {
    let limits: RequestLimits
    let mode: ExtractionMode
    /// Responses read so far by this request, against `maxBatchRollouts`.
    private(set) var count = 0
    /// The UTF-8 length of every response read so far, in order (for the collapse signals), when `keepsLengths`.
    private(set) var byteLengths: [UInt32] = []
    private let keepsLengths: Bool

    /// `counted`: responses read before this list's first one, by another part of the request.
    init(limits: RequestLimits, mode: ExtractionMode, counted: Int = 0, keepsLengths: Bool = false) {
        self.limits = limits
        self.mode = mode
        self.count = counted
        self.keepsLengths = keepsLengths
    }

    /// The extracted answer of each response (nil where none was found).
    mutating func answers(_ node: JSONNode, at pointer: String, minCount: Int = 0) throws(HTTPError) -> [ExtractedAnswer?] {
        let responses = try node.array(at: pointer, minCount: minCount, maxCount: limits.maxRollouts,
                                       limitName: Setting.maxRollouts.names)
        count += responses.count
        guard count <= limits.maxBatchRollouts else {
            throw HTTPError(413, "the request holds more than \(limits.maxBatchRollouts) responses in all "
                + "(\(Setting.maxBatchRollouts.names)); send the batch in parts", pointer: pointer)
        }
        var answers: [ExtractedAnswer?] = []
        answers.reserveCapacity(responses.count)
        if keepsLengths { byteLengths.reserveCapacity(byteLengths.count + responses.count) }
        for (index, response) in responses.enumerated() {
            let text = try response.utf8(at: pointer + "/\(index)", maxBytes: limits.maxResponseBytes)
            if keepsLengths { byteLengths.append(UInt32(clamping: text.count)) }
            answers.append(AnswerExtractor.extract(text, mode: mode))
        }
        return answers
    }

    /// Just the answer texts.
    mutating func answerTexts(_ node: JSONNode, at pointer: String, minCount: Int = 0) throws(HTTPError) -> [String?] {
        try answers(node, at: pointer, minCount: minCount).map { $0?.answer }
    }
}
