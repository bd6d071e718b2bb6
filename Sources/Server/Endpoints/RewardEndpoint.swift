import Core

/// `POST /v1/reward`, the hot path: groups of views of rollouts to rewards, advantages and diagnostics.
struct RewardEndpoint {
    let limits: RequestLimits
    let metrics: ServiceMetrics
    /// Where a step of a named run is recorded.
    let runs: RunWatch

    var routes: [Route] {
        [Route(method: "POST", path: "/v1/reward") { [self] request, context throws(HTTPError) in
            try handle(request, context)
        }]
    }

    /// The decoded request: options and, per group, its id and answers.
    struct Request {
        var options: RewardOptions
        var ids: [String?]
        var groups: [GroupAnswers]
        /// The run this batch is a step of, when named.
        var run: String?
        /// Each response's length in UTF-8 bytes, for the collapse signals.
        var responseBytes: [UInt32]
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let decoded = try decode(request, context)  // the parsed body is freed here: only the answers are kept
        let scorer = RewardScorer(options: decoded.options)
        var stats = BatchStats()
        var groups = JSONWriter.ArrayStream()  // each group's answer is written as soon as it is scored
        var signals = CollapseSignals.Accumulator(equivalence: decoded.options.equivalence)
        for (g, group) in decoded.groups.enumerated() {
            try context.checkDeadline()
            let scored: ScoredGroup
            do {
                scored = try scorer.score(group, pointer: "/groups/\(g)")
            } catch {
                throw HTTPError(400, error.detail, pointer: error.pointer)
            }
            stats.add(scored)
            signals.add(scored)
            signals.add(answers: group.views.joined())
            groups.append(render(scored, id: decoded.ids[g], answers: group.views, options: decoded.options))
        }
        metrics.recordBatch(stats)
        signals.add(responseLengths: decoded.responseBytes)
        let step = RunStep(stats: stats, signals: signals.signals())
        var statsFields: [(String, JSON)] = [
            ("groups", .int(stats.groups)),
            ("rollouts", .int(stats.rollouts)),
            ("mean_reward", .double(stats.meanReward)),
            ("empty_rate", .double(stats.emptyRate)),
            ("views_agree_rate", .double(stats.viewsAgreeRate)),
        ]
        if let accuracy = stats.labelAccuracy {
            statsFields.append(("label_accuracy", .double(accuracy)))
        }
        statsFields += RunWatch.signalFields(step)
        if let run = decoded.run {
            let recorded = runs.record(run: run, step: step)
            statsFields.append(("run", .object([
                ("name", .string(run)),
                ("step", .int(recorded.step)),
                ("verdict", .string(recorded.verdict.state.rawValue)),
                ("reasons", .array(recorded.verdict.reasons.map(JSON.string))),
            ])))
        }
        return HTTPResponse(json: .object([("groups", groups.finish()), ("stats", .object(statsFields))]))
    }

    /// Parses and decodes the body; the parsed document lives only for this call.
    private func decode(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> Request {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        return try decode(document.root, context)
    }

    func decode(_ root: JSONNode, _ context: RequestContext) throws(HTTPError) -> Request {
        let fields = try root.fields(at: "", allowed: ["mode", "equivalence", "reward", "advantage", "extract", "groups", "run"])
        var run: String?
        if let runNode = fields["run"] {
            let name = try runNode.string(at: "/run")
            guard RunHistory.isValidName(name) else {
                throw .badField("/run", "a run name is " + RunHistory.nameRule)
            }
            run = name
        }
        var options = RewardOptions()
        options.mode = try fields["mode"].choice(RewardMode.self, at: "/mode", default: .coReward)
        options.equivalence = try fields["equivalence"].choice(Equivalence.self, at: "/equivalence", default: .math)
        options.reward = try fields["reward"].choice(RewardKind.self, at: "/reward", default: .binary)
        if let advantage = fields["advantage"], advantage.kind != .null {
            options.advantage = try advantage.choice(AdvantageKind.self, at: "/advantage")
        }
        let extraction = try fields["extract"].choice(ExtractionMode.self, at: "/extract", default: .strict)
        guard let groupsNode = fields["groups"] else { throw .badField("/groups", "missing required field") }
        let groupNodes = try groupsNode.array(at: "/groups", maxCount: limits.maxGroups,
                                              limitName: Setting.maxGroups.names)
        var list = ResponseList(limits: limits, mode: extraction, keepsLengths: true)
        var ids: [String?] = []
        var groups: [GroupAnswers] = []
        ids.reserveCapacity(groupNodes.count)
        groups.reserveCapacity(groupNodes.count)
        for (g, groupNode) in groupNodes.enumerated() {
            if g % 64 == 0 { try context.checkDeadline() }
            let pointer = "/groups/\(g)"
            let groupFields = try groupNode.fields(at: pointer, allowed: ["id", "views", "label"])
            ids.append(try groupFields["id"].map { node throws(HTTPError) in try node.string(at: pointer + "/id") })
            var label: String?
            if let labelNode = groupFields["label"], labelNode.kind != .null {
                label = try labelNode.string(at: pointer + "/label")
            }
            guard let viewsNode = groupFields["views"] else {
                throw .badField(pointer + "/views", "missing required field")
            }
            let viewNodes = try viewsNode.array(at: pointer + "/views", minCount: 1, maxCount: limits.maxViews,
                                                limitName: Setting.maxViews.names)
            var views: [[String?]] = []
            views.reserveCapacity(viewNodes.count)
            for (v, viewNode) in viewNodes.enumerated() {
                let viewPointer = pointer + "/views/\(v)"
                let viewFields = try viewNode.fields(at: viewPointer, allowed: ["responses"])
                guard let responses = viewFields["responses"] else {
                    throw .badField(viewPointer + "/responses", "missing required field")
                }
                views.append(try list.answerTexts(responses, at: viewPointer + "/responses", minCount: 1))
            }
            groups.append(GroupAnswers(views: views, label: label))
        }
        return Request(options: options, ids: ids, groups: groups, run: run, responseBytes: list.byteLengths)
    }

    private func render(_ group: ScoredGroup, id: String?, answers: [[String?]], options: RewardOptions) -> JSON {
        let integral = options.reward == .binary
        let views: [JSON] = group.views.enumerated().map { v, view in
            var fields: [(String, JSON)] = [
                ("pseudo_label", .string(view.pseudoLabel)),
                ("answers", .array(answers[v].map(JSON.optional))),
                ("rewards", .numbers(view.rewards, integral: integral)),
            ]
            if let advantages = view.advantages {
                fields.append(("advantages", .numbers(advantages)))
            }
            if let votes = view.votes {
                fields.append(("votes", .object([
                    ("winner", .int(votes.winner)), ("valid", .int(votes.valid)), ("total", .int(votes.total)),
                ])))
            }
            return .object(fields)
        }
        var fields: [(String, JSON)] = [("id", .optional(id)), ("views", .array(views)), ("views_agree", .bool(group.viewsAgree))]
        if let correct = group.labelCorrect {
            fields.append(("label_correct", .array(correct.map(JSON.bool))))
        }
        return .object(fields)
    }
}
