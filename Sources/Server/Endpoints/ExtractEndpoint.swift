import Core

/// `POST /v1/extract`: responses to their final answers, with how and where each was found.
struct ExtractEndpoint {
    let limits: RequestLimits

    var routes: [Route] {
        [Route(method: "POST", path: "/v1/extract") { [self] request, context throws(HTTPError) in
            try handle(request, context)
        }]
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["responses", "extract"])
        let mode = try fields["extract"].choice(ExtractionMode.self, at: "/extract", default: .strict)
        guard let responses = fields["responses"] else { throw .badField("/responses", "missing required field") }
        let list = try responses.array(at: "/responses", maxCount: limits.maxRollouts,
                                       limitName: Setting.maxRollouts.names)
        var answers: [JSON] = []
        answers.reserveCapacity(list.count)
        for (index, response) in list.enumerated() {
            let text = try response.utf8(at: "/responses/\(index)", maxBytes: limits.maxResponseBytes)
            guard let found = AnswerExtractor.extract(text, mode: mode) else {
                answers.append(.null)
                continue
            }
            answers.append(.object([
                ("answer", .string(found.answer)),
                ("method", .string(found.method.rawValue)),
                ("start", .int(Self.codePoints(text, before: found.byteRange.lowerBound))),
                ("end", .int(Self.codePoints(text, before: found.byteRange.upperBound))),
            ]))
        }
        return HTTPResponse(json: .object([("answers", .array(answers))]))
    }

    /// Offsets are given in Unicode code points, so that `response[start:end]` works in Python.
    static func codePoints(_ text: UnsafeBufferPointer<UInt8>, before byteOffset: Int) -> Int {
        var count = 0
        for byte in UnsafeBufferPointer(rebasing: text[0 ..< byteOffset]) where byte & 0xC0 != 0x80 {
            count += 1
        }
        return count
    }
}
