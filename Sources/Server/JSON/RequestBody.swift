/// Reads a request body as JSON, with every failure a 4xx problem.
enum RequestBody {
    /// Parses the body of a POST: it must be JSON (by Content-Type when one is sent), valid UTF-8,
    /// well formed and no deeper than `maxDepth`.
    static func parse(_ request: HTTPRequest, maxDepth: Int) throws(HTTPError) -> JSONDocument {
        if let type = request.header("Content-Type"), !isJSON(type) {
            throw HTTPError(415, "Content-Type must be application/json, got \(type)")
        }
        guard request.body.count > 0, let base = request.body.baseAddress else {
            throw HTTPError(400, "the request body is empty; expected a JSON object")
        }
        do {
            return try JSONDocument(bytes: base, count: request.body.count, capacity: request.bodyCapacity,
                                    maxDepth: maxDepth)
        } catch {
            switch error.kind {
            case .utf8: throw HTTPError(400, "the request body is not valid UTF-8")
            case .depth: throw HTTPError(400, "the request body nests deeper than \(maxDepth) levels (--max-json-depth)")
            case .number: throw HTTPError(400, "the request body has a number JSON cannot represent here: \(error.message)")
            case .empty: throw HTTPError(400, "the request body is empty; expected a JSON object")
            case .tooLarge: throw HTTPError(413, "the request body is too large to parse")
            case .syntax: throw HTTPError(400, "the request body is not well-formed JSON: \(error.message)")
            }
        }
    }

    private static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.filter { $0 != " " && $0 != "\t" }.lowercased()
        } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
