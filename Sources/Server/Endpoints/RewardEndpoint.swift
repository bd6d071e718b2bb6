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

    /// A batch of more groups than this is cut into parts of this many, decoded, scored and written by the
    /// machine's cores at once, then joined in order. Fixed, not per core: an answer never depends on the machine.
    static let groupsPerPart = 32

    /// The request's options and its groups, not yet decoded.
    struct Head {
        var options: RewardOptions
        var extraction: ExtractionMode
        /// The run this batch is a step of, when named.
        var run: String?
        var groups: [JSONNode]

        /// The groups of part `p`.
        func part(_ p: Int) -> Range<Int> {
            let start = p * RewardEndpoint.groupsPerPart
            return start..<min(start + RewardEndpoint.groupsPerPart, groups.count)
        }

        var partCount: Int { (groups.count + RewardEndpoint.groupsPerPart - 1) / RewardEndpoint.groupsPerPart }
    }

    /// One part's groups decoded: each group's id and answers, and each response's length in UTF-8 bytes (for the
    /// collapse signals); or the first group that could not be decoded.
    struct DecodedPart: Sendable {
        var groups: [(id: String?, answers: GroupAnswers)] = []
        var responseBytes: [UInt32] = []
        var failure: (group: Int, error: HTTPError)?
    }

    /// One part scored: its groups' answers as text and their figures; or the first group that failed.
    struct ScoredPart {
        var groups = JSONWriter.ArrayStream()
        var stats = BatchStats()
        var signals: CollapseSignals.Accumulator
        var failure: (group: Int, error: HTTPError)?
    }

    /// Parses, decodes every group (the parsed body is freed then: only the answers are kept), scores every group,
    /// and answers; each of these in parts on every core. The error is the one a single pass over the batch would
    /// meet first.
    func handle(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        var timing = ServerTiming()
        let head: Head
        let decoded: [DecodedPart]
        do {
            let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
            timing.lap("parse")
            head = try decodeHead(document.root)
            decoded = withExtendedLifetime(document) { decodeParts(head, context) }
        }
        if let failure = decoded.compactMap(\.failure).min(by: { $0.group < $1.group }) { throw failure.error }
        timing.lap("decode")
        let parts = Parallel.map(decoded.count) { p in
            score(decoded[p], from: head.part(p).lowerBound, options: head.options, context)
        }
        if let failure = parts.compactMap(\.failure).min(by: { $0.group < $1.group }) { throw failure.error }
        var groups = JSONWriter.ArrayStream()
        var stats = BatchStats()
        var signals = CollapseSignals.Accumulator(equivalence: head.options.equivalence)
        for (p, part) in parts.enumerated() {
            groups.append(contentsOf: part.groups)
            stats.add(part.stats)
            signals.add(part.signals)
            signals.add(responseLengths: decoded[p].responseBytes)
        }
        timing.lap("score")
        metrics.recordBatch(stats)
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
        if let run = head.run {
            let recorded = runs.record(run: run, step: step)
            statsFields.append(("run", .object([
                ("name", .string(run)),
                ("step", .int(recorded.step)),
                ("verdict", .string(recorded.verdict.state.rawValue)),
                ("reasons", .array(recorded.verdict.reasons.map(JSON.string))),
            ])))
        }
        let response = HTTPResponse(json: .object([("groups", groups.finish()), ("stats", .object(statsFields))]))
        timing.lap("stats")
        return timing.stamp(response)
    }

    /// Reads the request's options and finds its groups.
    func decodeHead(_ root: JSONNode) throws(HTTPError) -> Head {
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
        return Head(options: options, extraction: extraction, run: run, groups: Array(groupNodes))
    }

    /// Decodes the groups, part by part on every core.
    func decodeParts(_ head: Head, _ context: RequestContext) -> [DecodedPart] {
        // Responses before each part, counted on the tape, so that each part checks `maxBatchRollouts` where a
        // single pass would. Where a group is malformed the count may differ from that pass's, but that group's own
        // error comes first.
        var countedBefore: [Int] = []
        var counted = 0
        let counting = head.partCount > 1  // a lone part counts its own
        for (g, group) in head.groups.enumerated() {
            if g % Self.groupsPerPart == 0 { countedBefore.append(counted) }
            if counting { counted += Self.responseCount(group) }
        }
        return Parallel.map(head.partCount) { p in
            decodePart(head, groups: head.part(p), countedBefore: countedBefore[p], context)
        }
    }

    /// The number of responses in a group (0 where it is not shaped as one), found on the tape without decoding.
    static func responseCount(_ group: JSONNode) -> Int {
        guard let views = group.member("views") else { return 0 }
        return views.elements.reduce(0) { $0 + ($1.member("responses")?.elements.count ?? 0) }
    }

    /// Decodes a part's groups; stops at the first error.
    private func decodePart(_ head: Head, groups range: Range<Int>, countedBefore: Int,
                            _ context: RequestContext) -> DecodedPart {
        var part = DecodedPart()
        var list = ResponseList(limits: limits, mode: head.extraction, counted: countedBefore, keepsLengths: true)
        part.groups.reserveCapacity(range.count)
        for g in range {
            do {
                if (g - range.lowerBound) % 64 == 0 { try context.checkDeadline() }
                part.groups.append(try decode(head.groups[g], at: g, list: &list))
            } catch {
                part.failure = (g, error)
                return part
            }
        }
        part.responseBytes = list.byteLengths
        return part
    }

    /// Scores and writes a part's groups (the first is group `first` of the batch); stops at the first error.
    private func score(_ decoded: DecodedPart, from first: Int, options: RewardOptions,
                       _ context: RequestContext) -> ScoredPart {
        var part = ScoredPart(signals: CollapseSignals.Accumulator(equivalence: options.equivalence))
        let scorer = RewardScorer(options: options)
        for (offset, (id, group)) in decoded.groups.enumerated() {
            let g = first + offset
            let scored: ScoredGroup
            do throws(HTTPError) {
                try context.checkDeadline()
                do {
                    scored = try scorer.score(group, pointer: "/groups/\(g)")
                } catch {
                    throw HTTPError(400, error.detail, pointer: error.pointer)
                }
            } catch {
                part.failure = (g, error)
                return part
            }
            part.stats.add(scored)
            part.signals.add(scored)
            for view in group.views { part.signals.add(answers: view) }
            part.groups.append(render(scored, id: id, answers: group.views, options: options))
        }
        return part
    }

    /// One group's id, label and answers.
    private func decode(_ groupNode: JSONNode, at g: Int, list: inout ResponseList) throws(HTTPError) -> (id: String?, answers: GroupAnswers) {
        let pointer = "/groups/\(g)"
        let groupFields = try groupNode.fields(at: pointer, allowed: ["id", "views", "label"])
        let id = try groupFields["id"].map { node throws(HTTPError) in try node.string(at: pointer + "/id") }
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
        return (id, GroupAnswers(views: views, label: label))
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
