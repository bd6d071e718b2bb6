import Core

/// `POST /v1/equivalent`: answer pairs to true/false under an equivalence mode.
struct EquivalentEndpoint {
    let limits: RequestLimits

    var routes: [Route] {
        [Route(method: "POST", path: "/v1/equivalent") { [self] request, context throws(HTTPError) in
            try handle(request, context)
        }]
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["pairs", "equivalence"])
        let equivalence = try fields["equivalence"].choice(Equivalence.self, at: "/equivalence", default: .math)
        guard let pairsNode = fields["pairs"] else { throw .badField("/pairs", "missing required field") }
        let pairs = try pairsNode.array(at: "/pairs", maxCount: limits.maxPairs, limitName: Setting.maxPairs.names)
        var verdicts: [JSON] = []
        verdicts.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() {
            if index % 256 == 0 { try context.checkDeadline() }
            let pointer = "/pairs/\(index)"
            let sides = try pair.fields(at: pointer, allowed: ["a", "b"])
            let a = try side(sides["a"], at: pointer + "/a")
            let b = try side(sides["b"], at: pointer + "/b")
            verdicts.append(.bool(equivalence.equivalent(a, b)))
        }
        return HTTPResponse(json: .object([("equivalent", .array(verdicts))]))
    }

    private func side(_ node: JSONNode?, at pointer: String) throws(HTTPError) -> String {
        guard let node else { throw .badField(pointer, "missing required field") }
        let bytes = try node.utf8(at: pointer, maxBytes: limits.maxResponseBytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
