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
        let model: MiniLM
        let tokens: [[Int32]]
        do {
            let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
            let fields = try document.root.fields(at: "", allowed: ["texts"])
            guard let textsNode = fields["texts"] else { throw .badField("/texts", "missing required field") }
            let nodes = try textsNode.array(at: "/texts", maxCount: limits.maxTexts, limitName: Setting.maxTexts.names)
            var texts: [UnsafeBufferPointer<UInt8>] = []
            for (index, node) in nodes.enumerated() {
                texts.append(try text(node, at: "/texts/\(index)"))
            }
            model = try encoder.model()
            tokens = texts.map { model.tokenize(String(decoding: $0, as: UTF8.self)) }
        }  // the parsed body is freed here: only the token ids (at most 256 a text) are kept
        try context.checkDeadline()
        let embeddings = timed { model.embed(tokenIDs: tokens) }
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
        let model: MiniLM
        // Each distinct text (by its token ids, all the encoder sees of it) is embedded once.
        var tokens: [[Int32]] = []
        let pairs: [(Int, Int)]
        do {
            let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
            let fields = try document.root.fields(at: "", allowed: ["pairs"])
            guard let pairsNode = fields["pairs"] else { throw .badField("/pairs", "missing required field") }
            let nodes = try pairsNode.array(at: "/pairs", maxCount: limits.maxTexts / 2,
                                            limitName: "half of " + Setting.maxTexts.names)
            var sides: [UnsafeBufferPointer<UInt8>] = []  // a, b of each pair in turn
            for (index, node) in nodes.enumerated() {
                let pointer = "/pairs/\(index)"
                let fields = try node.fields(at: pointer, allowed: ["a", "b"])
                for name in ["a", "b"] {
                    guard let side = fields[name] else { throw .badField(pointer + "/" + name, "missing required field") }
                    sides.append(try text(side, at: pointer + "/" + name))
                }
            }
            model = try encoder.model()
            var indexOf: [[Int32]: Int] = [:]
            let ids = sides.map { side in
                let ids = model.tokenize(String(decoding: side, as: UTF8.self))
                if let known = indexOf[ids] { return known }
                indexOf[ids] = tokens.count
                tokens.append(ids)
                return tokens.count - 1
            }
            pairs = stride(from: 0, to: ids.count, by: 2).map { (ids[$0], ids[$0 + 1]) }
        }  // the parsed body is freed here: only the token ids are kept
        try context.checkDeadline()
        let embeddings = timed { model.embed(tokenIDs: tokens) }
        try context.checkDeadline()
        // The embeddings are unit vectors in Float: their dot product can pass 1 by a rounding (1.0000000691 for
        // "" with itself); a cosine is clamped to [-1, 1].
        let cosines = pairs.map { a, b in
            min(1, max(-1, zip(embeddings[a], embeddings[b]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }))
        }
        return HTTPResponse(json: .object([("cosine", .array(cosines.map(JSON.double)))]))
    }

    /// A text's UTF-8 bytes, valid while the parsed body lives.
    private func text(_ node: JSONNode, at pointer: String) throws(HTTPError) -> UnsafeBufferPointer<UInt8> {
        try node.utf8(at: pointer, maxBytes: limits.maxTextBytes, limitName: Setting.maxTextBytes.names)
    }

    private func timed(_ work: () -> [[Float]]) -> [[Float]] {
        let start = ContinuousClock.now
        defer { metrics.encoderCall(duration: ContinuousClock.now - start) }
        return work()
    }
}
