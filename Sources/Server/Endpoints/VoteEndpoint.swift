import Core

/// `POST /v1/vote`: groups of responses to their majority answer, classes and counts.
struct VoteEndpoint {
    let limits: RequestLimits

    var routes: [Route] {
        [Route(method: "POST", path: "/v1/vote") { [self] request, context throws(HTTPError) in
            try handle(request, context)
        }]
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["groups", "equivalence", "extract"])
        let equivalence = try fields["equivalence"].choice(Equivalence.self, at: "/equivalence", default: .math)
        let extraction = try fields["extract"].choice(ExtractionMode.self, at: "/extract", default: .strict)
        guard let groupsNode = fields["groups"] else { throw .badField("/groups", "missing required field") }
        let groups = try groupsNode.array(at: "/groups", maxCount: limits.maxGroups,
                                          limitName: Setting.maxGroups.names)
        var list = ResponseList(limits: limits, mode: extraction)
        var results = JSONWriter.ArrayStream()  // each group's answer is written as soon as it is counted
        for (g, group) in groups.enumerated() {
            if g % 64 == 0 { try context.checkDeadline() }
            let pointer = "/groups/\(g)"
            let groupFields = try group.fields(at: pointer, allowed: ["id", "responses"])
            let id = try groupFields["id"].map { node throws(HTTPError) in try node.string(at: pointer + "/id") }
            guard let responses = groupFields["responses"] else {
                throw .badField(pointer + "/responses", "missing required field")
            }
            let answers = try list.answerTexts(responses, at: pointer + "/responses")
            let classes = equivalence.classify(answers)
            let vote = MajorityVote.elect(answers.indices, classes: classes)
            var members = [[Int]](repeating: [], count: classes.count)
            for (index, id) in classes.classOf.enumerated() {
                if let id { members[id].append(index) }
            }
            results.append(.object([
                ("id", .optional(id)),
                ("pseudo_label", .string(vote.labelIndex.flatMap { answers[$0] } ?? "")),
                ("answers", .array(answers.map(JSON.optional))),
                ("classes", .array(classes.firstMember.indices.map { id in
                    .object([
                        ("answer", .optional(answers[classes.firstMember[id]])),
                        ("count", .int(members[id].count)),
                        ("members", .array(members[id].map(JSON.int))),
                    ])
                })),
                ("votes", .object([
                    ("winner", .int(vote.winnerCount)), ("valid", .int(vote.valid)), ("total", .int(vote.total)),
                ])),
            ]))
        }
        return HTTPResponse(json: .object([("groups", results.finish())]))
    }
}
