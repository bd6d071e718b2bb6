import Core

/// `POST /v1/augment` and `POST /v1/augment/check`: rephrased questions that keep their answer, and the
/// validation of rephrasings made elsewhere.
struct AugmentEndpoint {
    let limits: RequestLimits
    let encoder: EncoderModel
    let metrics: ServiceMetrics
    let augmenter: Augmenter

    var routes: [Route] {
        [
            Route(method: "POST", path: "/v1/augment") { [self] request, context throws(HTTPError) in
                try augment(request, context)
            },
            Route(method: "POST", path: "/v1/augment/check") { [self] request, context throws(HTTPError) in
                try check(request, context)
            },
        ]
    }

    func augment(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let settings = augmenter.settings
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["questions", "n", "backend", "seed", "allow_renaming"])
        guard let questionsNode = fields["questions"] else { throw .badField("/questions", "missing required field") }
        let nodes = try questionsNode.array(at: "/questions", minCount: 1, maxCount: settings.maxQuestions,
                                            limitName: Setting.augmentMaxQuestions.names)
        var questions: [String] = []
        for (index, node) in nodes.enumerated() {
            questions.append(try text(node, at: "/questions/\(index)"))
        }
        let n = try integer(fields["n"], at: "/n", default: 1, range: 1...settings.maxVariants,
                            limitName: Setting.augmentMaxVariants.names)
        let backend = try fields["backend"].choice(Augmenter.Backend.self, at: "/backend", default: .rules)
        let seed = try integer(fields["seed"], at: "/seed", default: 0, range: 0...Int.max, limitName: "")
        let allowRenaming = try flag(fields["allow_renaming"], at: "/allow_renaming", default: false)
        // A well-formed request this server cannot serve: checked after every field is validated.
        if backend == .llm && !augmenter.hasLLM {
            throw HTTPError(409, "the llm backend is not configured on this server (start it with \(Setting.llmURL.names))", pointer: "/backend")
        }
        let model = try encoder.model()
        try context.checkDeadline()
        let start = ContinuousClock.now
        let variants = augmenter.augment(questions, n: n, backend: backend, seed: UInt64(seed), model: model,
                                         deadline: context.deadline, allowRenaming: allowRenaming)
        metrics.encoderCall(duration: ContinuousClock.now - start)
        try context.checkDeadline()
        let items: [JSON] = zip(questions, variants).map { question, variants in
            .object([
                ("question", .string(question)),
                ("variants", .array(variants.map { variant in
                    .object([("text", JSON.optional(variant.text))] + AugmentEndpoint.render(variant.report))
                })),
            ])
        }
        return HTTPResponse(json: .object([("items", .array(items))]))
    }

    func check(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["pairs", "allow_renaming"])
        let allowRenaming = try flag(fields["allow_renaming"], at: "/allow_renaming", default: false)
        guard let pairsNode = fields["pairs"] else { throw .badField("/pairs", "missing required field") }
        let nodes = try pairsNode.array(at: "/pairs", minCount: 1, maxCount: augmenter.settings.maxQuestions,
                                        limitName: Setting.augmentMaxQuestions.names)
        var pairs: [(original: String, rewrite: String, allowRenaming: Bool)] = []
        for (index, node) in nodes.enumerated() {
            let pointer = "/pairs/\(index)"
            let sides = try node.fields(at: pointer, allowed: ["original", "rewrite", "allow_renaming"])
            guard let original = sides["original"] else { throw .badField(pointer + "/original", "missing required field") }
            guard let rewrite = sides["rewrite"] else { throw .badField(pointer + "/rewrite", "missing required field") }
            pairs.append((try text(original, at: pointer + "/original"), try text(rewrite, at: pointer + "/rewrite"),
                          try flag(sides["allow_renaming"], at: pointer + "/allow_renaming", default: allowRenaming)))
        }
        let model = try encoder.model()
        try context.checkDeadline()
        let start = ContinuousClock.now
        let reports = augmenter.check(pairs, model: model, deadline: context.deadline)
        metrics.encoderCall(duration: ContinuousClock.now - start)
        try context.checkDeadline()
        return HTTPResponse(json: .object([("items", .array(reports.map { .object(AugmentEndpoint.render($0)) }))]))
    }

    /// `similarity`, `novelty`, `checks` (name → held, detail), `accepted`, `reasons`.
    static func render(_ report: ValidationReport) -> [(String, JSON)] {
        [
            ("similarity", .double(report.similarity)),
            ("novelty", .double(report.novelty)),
            ("checks", .object(report.checks.map { check in
                (check.name, .object([("held", .bool(check.held)), ("detail", .string(check.detail))]))
            })),
            ("accepted", .bool(report.accepted)),
            ("reasons", .array(report.reasons.map(JSON.string))),
        ]
    }

    private func text(_ node: JSONNode, at pointer: String) throws(HTTPError) -> String {
        let bytes = try node.utf8(at: pointer, maxBytes: limits.maxTextBytes, limitName: Setting.maxTextBytes.names)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An optional boolean field.
    private func flag(_ node: JSONNode?, at pointer: String, default fallback: Bool) throws(HTTPError) -> Bool {
        guard let node else { return fallback }
        guard let value = node.bool else { throw .badField(pointer, "expected true or false, got \(node.kind.article)") }
        return value
    }

    /// An optional integer field within `range`.
    private func integer(_ node: JSONNode?, at pointer: String, default fallback: Int, range: ClosedRange<Int>,
                         limitName: String) throws(HTTPError) -> Int {
        guard let node else { return fallback }
        guard let value = node.int else {
            let limit = limitName.isEmpty ? "" : " (\(limitName))"
            throw .badField(pointer, node.kind == .integer
                ? "expected an integer in \(range.lowerBound)...\(range.upperBound)\(limit), got one out of that range"
                : "expected an integer, got \(node.kind.article)")
        }
        guard range.contains(value) else {
            let limit = limitName.isEmpty ? "" : " (\(limitName))"
            throw .badField(pointer, "expected an integer in \(range.lowerBound)...\(range.upperBound)\(limit), got \(value)")
        }
        return value
    }
}
