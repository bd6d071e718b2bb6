import Core

/// Reads a JSON array of response texts and extracts each one's answer, staying on UTF-8 bytes:
/// only the answers become Strings.
struct ResponseList {
    let limits: RequestLimits
    let mode: ExtractionMode

    /// The extracted answer of each response (nil where none was found).
    func answers(_ node: JSONNode, at pointer: String, minCount: Int = 0) throws(HTTPError) -> [ExtractedAnswer?] {
        let responses = try node.array(at: pointer, minCount: minCount, maxCount: limits.maxRollouts,
                                       limitName: Setting.maxRollouts.names)
        var answers: [ExtractedAnswer?] = []
        answers.reserveCapacity(responses.count)
        for (index, response) in responses.enumerated() {
            let text = try response.utf8(at: pointer + "/\(index)", maxBytes: limits.maxResponseBytes)
            answers.append(AnswerExtractor.extract(text, mode: mode))
        }
        return answers
    }

    /// Just the answer texts.
    func answerTexts(_ node: JSONNode, at pointer: String, minCount: Int = 0) throws(HTTPError) -> [String?] {
        try answers(node, at: pointer, minCount: minCount).map { $0?.answer }
    }
}
