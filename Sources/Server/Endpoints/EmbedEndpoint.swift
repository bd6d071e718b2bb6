import Core
import Encoder

/// `POST /v1/embed` and `POST /v1/similarity`: the in-process all-MiniLM-L6-v2 encoder.
struct EmbedEndpoint {
    let limits: RequestLimits
    let encoder: EncoderModel
    let metrics: ServiceMetrics

    var routes: [Route] {
        [
            Route(method: "POST", path: "/v1/embed") { [self] request, context throws(HTTPError) in
                try embed(request, context)
            },
            Route(method: "POST", path: "/v1/similarity") { [self] request, context throws(HTTPError) in
                try similarity(request, context)
            },
        ]
    }

    func embed(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["texts"])
        guard let textsNode = fields["texts"] else { throw .badField("/texts", "missing required field") }
        let nodes = try textsNode.array(at: "/texts", maxCount: limits.maxTexts, limitName: Setting.maxTexts.names)
        var texts: [String] = []
        for (index, node) in nodes.enumerated() {
            texts.append(try text(node, at: "/texts/\(index)"))
        }
        let model = try encoder.model()
        try context.checkDeadline()
        let embeddings = timed { model.embed(texts) }
        try context.checkDeadline()
        var rows = JSONWriter.ArrayStream()  // written as text, one row at a time: no tree of 98,304 numbers
        for vector in embeddings { rows.append(numbers: vector) }
        return HTTPResponse(json: .object([
            ("model", .string(model.modelName)),
            ("dim", .int(model.dimension)),
            ("embeddings", rows.finish()),
        ]))
    }

    func similarity(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["pairs"])
        guard let pairsNode = fields["pairs"] else { throw .badField("/pairs", "missing required field") }
        let nodes = try pairsNode.array(at: "/pairs", maxCount: limits.maxTexts / 2,
                                        limitName: "half of " + Setting.maxTexts.names)
        // Each distinct text is embedded once.
        var texts: [String] = []
        var indexOf: [String: Int] = [:]
        var pairs: [(Int, Int)] = []
        for (index, node) in nodes.enumerated() {
            let pointer = "/pairs/\(index)"
            let sides = try node.fields(at: pointer, allowed: ["a", "b"])
            var ids: [Int] = []
            for name in ["a", "b"] {
                guard let side = sides[name] else { throw .badField(pointer + "/" + name, "missing required field") }
                let value = try text(side, at: pointer + "/" + name)
                if let known = indexOf[value] {
                    ids.append(known)
                } else {
                    indexOf[value] = texts.count
                    ids.append(texts.count)
                    texts.append(value)
                }
            }
            pairs.append((ids[0], ids[1]))
        }
        let model = try encoder.model()
        try context.checkDeadline()
        let embeddings = timed { model.embed(texts) }
        try context.checkDeadline()
        // The embeddings are unit vectors in Float: their dot product can pass 1 by a rounding (1.0000000691 for
        // "" with itself); a cosine is clamped to [-1, 1].
        let cosines = pairs.map { a, b in
            min(1, max(-1, zip(embeddings[a], embeddings[b]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }))
        }
        return HTTPResponse(json: .object([("cosine", .array(cosines.map(JSON.double)))]))
    }

    private func text(_ node: JSONNode, at pointer: String) throws(HTTPError) -> String {
        let bytes = try node.utf8(at: pointer, maxBytes: limits.maxTextBytes, limitName: Setting.maxTextBytes.names)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func timed(_ work: () -> [[Float]]) -> [[Float]] {
        let start = ContinuousClock.now
        defer { metrics.encoderCall(duration: ContinuousClock.now - start) }
        return work()
    }
}
