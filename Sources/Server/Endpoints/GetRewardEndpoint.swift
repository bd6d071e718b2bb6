import Core

/// `POST /get_reward`: OpenRLHF's remote reward protocol, `{"query", "prompts", "labels"}` to
/// `{"rewards", "scores", "extra_logs"}`, as one batch shard or one request per sample. A label holding a JSON
/// object `{"pair_id", "view", "n"}` makes the sample a Co-Reward sample that waits for its group; any other
/// label is a ground truth.
struct GetRewardEndpoint {
    let limits: RequestLimits
    let assembler: GroupAssembler

    var routes: [Route] {
        [Route(method: "POST", path: "/get_reward", access: .protectedOrQueryKey) { [self] request, context throws(HTTPError) in
            try handle(request, context)
        }]
    }

    /// One decoded sample. A Co-Reward sample is boxed: inline it would make every sample of a batch as large as
    /// one (about 120 bytes), and a ground-truth batch of short samples costs 40 bytes each.
    enum Sample {
        case groundTruth(answer: String?, label: String)
        indirect case coReward(CoRewardSample)
    }

    func handle(_ request: HTTPRequest, _ context: RequestContext) throws(HTTPError) -> HTTPResponse {
        let samples = try decode(request)
        let scorer = RewardScorer(options: RewardOptions(mode: .groundTruth, equivalence: .math))
        var results: [SampleResult?] = []
        var waiting: [(slot: Int, sample: CoRewardSample)] = []
        results.reserveCapacity(samples.count)
        for (i, sample) in samples.enumerated() {
            switch sample {
            case .groundTruth(let answer, let label):
                if i % 64 == 0 { try context.checkDeadline() }
                let reward = try groundTruthReward(answer, label, scorer: scorer, at: "/labels/\(i)")
                results.append(SampleResult(
                    reward: reward, answerFound: answer.map(AnswerClasses.votes) ?? false,
                    groupComplete: true, assemblyTimeout: false, viewsAgree: false, labelCorrect: reward == 1))
            case .coReward(let sample):
                results.append(nil)
                waiting.append((i, sample))
            }
        }
        try context.checkDeadline()
        if waiting.isEmpty {
            return Self.render(results.compactMap { $0 })
        }
        let park = request.suspend.map { suspend in
            { () -> any ParkedRequest in ParkedHTTPRequest(responder: suspend(), render: Self.render) }
        }
        switch try assembler.submit(waiting, results: results, park: park, whenDone: request.whenDone) {
        case .answered(let results): return Self.render(results)
        case .parked: return .deferred
        }
    }

    /// A ground-truth sample's reward: 1 when its answer is equivalent to the label. The scorer refuses only a
    /// group without views or a view without rollouts, or a missing label, none of which this group has; were it
    /// ever to refuse, the request fails with a 500 naming the sample, never a silent reward of 0.
    private func groundTruthReward(_ answer: String?, _ label: String, scorer: RewardScorer,
                                   at pointer: String) throws(HTTPError) -> Double {
        do {
            let scored = try scorer.score(GroupAnswers(views: [[answer]], label: label))
            return scored.views.first?.rewards.first ?? 0
        } catch {
            throw HTTPError(500, "scoring the ground-truth sample at \(pointer) failed: \(error.detail)")
        }
    }

    /// Reads and checks the request; extracts each sample's answer from the part of its query after its prompt.
    func decode(_ request: HTTPRequest) throws(HTTPError) -> [Sample] {
        let document = try RequestBody.parse(request, maxDepth: limits.maxJSONDepth)
        let fields = try document.root.fields(at: "", allowed: ["query", "prompts", "labels"])
        guard let queryNode = fields["query"] else { throw .badField("/query", "missing required field") }
        let maxSamples = limits.maxGroups * limits.maxRollouts
        let queries = try queryNode.array(at: "/query", maxCount: maxSamples, limitName: "\(Setting.maxGroups.flag) x \(Setting.maxRollouts.flag)")
        let prompts = try fields["prompts"].map { node throws(HTTPError) in
            try sameLength(node, at: "/prompts", as: queries.count)
        }
        let labels = try fields["labels"].map { node throws(HTTPError) in
            try sameLength(node, at: "/labels", as: queries.count)
        }
        guard queries.count == 0 || labels != nil else {
            throw .badField("/labels", "missing required field: each sample needs a label, a ground truth or a Co-Reward JSON label {\"pair_id\", \"view\", \"n\"}")
        }
        let promptNodes = prompts.map { Array($0) } ?? []
        let labelNodes = labels.map { Array($0) } ?? []

        var samples: [Sample] = []
        samples.reserveCapacity(queries.count)
        // A batch repeats each label n times (one per sample of a prompt): each distinct text is read once.
        var readLabels: [String: CoRewardLabel?] = [:]
        for (i, queryNode) in queries.enumerated() {
            let query = try queryNode.utf8(at: "/query/\(i)", maxBytes: limits.maxResponseBytes)
            var prompt: UnsafeBufferPointer<UInt8>?
            if i < promptNodes.count, promptNodes[i].kind != .null {
                prompt = try promptNodes[i].utf8(at: "/prompts/\(i)", maxBytes: limits.maxResponseBytes)
            }
            let response = Self.response(of: query, after: prompt)
            let answer = AnswerExtractor.extract(response, mode: .strict)?.answer
            let labelPointer = "/labels/\(i)"
            let label = labelNodes[i]
            var coReward: CoRewardLabel?
            var groundTruth: String?
            switch label.kind {
            case .object:
                coReward = try coRewardLabel(label, at: labelPointer)
            case .string:
                let text = label.string ?? ""
                guard !Self.isBlank(text) else {
                    throw .badField(labelPointer, "the label is empty: give a ground truth or a Co-Reward label {\"pair_id\", \"view\", \"n\"}")
                }
                if let known = readLabels[text] {
                    coReward = known
                } else {
                    coReward = try coRewardLabel(text, at: labelPointer)
                    readLabels[text] = coReward
                }
                if coReward == nil { groundTruth = text }
            default:
                throw .badField(labelPointer, "expected a string (a ground truth or a Co-Reward JSON label) or a Co-Reward label object, got \(label.kind.article)")
            }
            if let coReward {
                samples.append(.coReward(CoRewardSample(
                    pairID: coReward.pairID, view: coReward.view, n: coReward.n, views: coReward.views,
                    label: coReward.label, response: Array(response), answer: answer, pointer: labelPointer,
                    run: coReward.run)))
            } else if let groundTruth {
                samples.append(.groundTruth(answer: answer, label: groundTruth))
            }
        }
        return samples
    }

    /// Empty or only ASCII white space (the `\\S` of the label's schema pattern, minus Unicode spaces).
    static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || (0x09 ... 0x0D).contains($0) }
    }

    private func sameLength(_ node: JSONNode, at pointer: String, as count: Int) throws(HTTPError) -> JSONChildren {
        guard node.kind == .array else { throw .badField(pointer, "expected an array, got \(node.kind.article)") }
        guard node.count == count else {
            throw .badField(pointer, "has \(node.count) entries but query has \(count): one per sample")
        }
        return node.elements
    }

    /// The fields of a Co-Reward label.
    struct CoRewardLabel {
        var pairID: String
        var view: Int
        var n: Int
        var views: Int
        var label: String?
        var run: String?
    }

    /// Reads a label whose text is a JSON object as a Co-Reward label; nil for any other text (a ground truth).
    /// A text meant as a Co-Reward label is never taken for a ground truth: one that starts with `{` and names
    /// `pair_id` but is not a JSON object (Python's `str(dict)`, a trailing comma, unquoted keys, a number out of
    /// range, a lone surrogate) is a 400 saying why, and so is a JSON object that is not a whole Co-Reward label.
    /// Sets such as `{1,2}` stay ground truths. The nested parse gets a parser of its own: the request's document
    /// stays valid.
    func coRewardLabel(_ text: String, at pointer: String) throws(HTTPError) -> CoRewardLabel? {
        guard text.utf8.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) == UInt8(ascii: "{") else {
            return nil
        }
        var bytes = Array(text.utf8)
        let count = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: JSONDocument.padding))
        let parsed = bytes.withUnsafeBytes { buffer -> Result<JSONDocument, JSONDocument.ParseError>? in
            guard let base = buffer.baseAddress else { return nil }
            do throws(JSONDocument.ParseError) {
                return .success(try JSONDocument(bytes: base, count: count, capacity: buffer.count,
                                                 maxDepth: limits.maxJSONDepth))
            } catch {
                return .failure(error)
            }
        }
        switch parsed {
        case .success(let document)? where document.root.kind == .object:
            return try coRewardLabel(document.root, at: pointer)
        case .failure(let error)? where text.contains("pair_id"):
            let python = text.contains("'pair_id'") ? " (write it with json.dumps, not str(): JSON needs double quotes)" : ""
            throw .badField(pointer, "the label names pair_id but is not a JSON object: \(error.message)\(python)")
        default:
            return nil  // "{1,2}": a set, not JSON
        }
    }

    /// Reads a Co-Reward label object.
    func coRewardLabel(_ object: JSONNode, at pointer: String) throws(HTTPError) -> CoRewardLabel {
        let explain = "a Co-Reward label is a JSON object {\"pair_id\": \"...\", \"view\": 0, \"n\": 8, \"views\": 2, \"label\": \"optional ground truth\"}"
        let fields: [String: JSONNode]
        do {
            fields = try object.fields(at: "", allowed: ["pair_id", "view", "n", "views", "label", "run"])
        } catch {
            throw .badField(pointer, "\(error.detail) (\(explain))")
        }
        func integer(_ key: String, _ range: ClosedRange<Int>, default fallback: Int? = nil) throws(HTTPError) -> Int {
            guard let node = fields[key] else {
                if let fallback { return fallback }
                throw .badField(pointer, "the Co-Reward label has no \"\(key)\" (\(explain))")
            }
            guard let value = node.int, range.contains(value) else {
                throw .badField(pointer, "\"\(key)\" in the Co-Reward label must be a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        let pairID: String
        switch fields["pair_id"]?.kind {
        case .string?:
            pairID = fields["pair_id"]?.string ?? ""
        case .integer?:
            pairID = fields["pair_id"]?.int.map(String.init) ?? ""
        case nil:
            throw .badField(pointer, "the Co-Reward label has no \"pair_id\" (\(explain))")
        default:
            pairID = ""
        }
        guard !pairID.isEmpty, pairID.utf8.count <= 1024 else {
            throw .badField(pointer, "\"pair_id\" in the Co-Reward label must be a non-empty string of at most 1024 bytes (or an integer)")
        }
        let views = try integer("views", 2 ... limits.maxViews, default: 2)
        let view = try integer("view", 0 ... views - 1)
        let n = try integer("n", 1 ... limits.maxRollouts)
        var label: String?
        if let node = fields["label"], node.kind != .null {
            guard let text = node.string else {
                throw .badField(pointer, "\"label\" in the Co-Reward label must be a string (the ground truth)")
            }
            label = text
        }
        var run: String?
        if let node = fields["run"], node.kind != .null {
            guard let name = node.string, RunHistory.isValidName(name) else {
                throw .badField(pointer, "\"run\" in the Co-Reward label must be a run name: " + RunHistory.nameRule)
            }
            run = name
        }
        return CoRewardLabel(pairID: pairID, view: view, n: n, views: views, label: label, run: run)
    }

    /// The response part of a query: what follows the prompt (where the prompt is a prefix, or else where it first
    /// occurs); the whole query when there is no prompt or it is not found. Linear in the two lengths whatever the
    /// texts (a prompt that almost matches everywhere, `a…ab` in `a…a`, included): see `firstOccurrence`.
    static func response(of query: UnsafeBufferPointer<UInt8>, after prompt: UnsafeBufferPointer<UInt8>?)
        -> UnsafeBufferPointer<UInt8> {
        guard let prompt, prompt.count > 0, prompt.count <= query.count else { return query }
        if query.starts(with: prompt) {
            return UnsafeBufferPointer(rebasing: query[prompt.count...])
        }
        guard let found = firstOccurrence(of: prompt, in: query) else { return query }
        return UnsafeBufferPointer(rebasing: query[(found + prompt.count)...])
    }

    /// Where `needle` first occurs in `text`: Rabin-Karp with a rolling hash modulo 2^61 - 1 and a base drawn at
    /// random per call, so no input can make hashes collide on purpose; a position is compared byte for byte only
    /// when its hash matches. Expected time linear in both lengths, no extra memory.
    static func firstOccurrence(of needle: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        let m = needle.count
        guard m > 0, m <= text.count else { return nil }
        let modulus: UInt64 = (1 << 61) - 1
        func mulmod(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let (high, low) = a.multipliedFullWidth(by: b)
            let folded = (high << 3) | (low >> 61)  // the product is a * 2^61 + b: fold 2^61 as 1
            var sum = folded + (low & modulus)  // below 2^62 = 2 * modulus + 2
            while sum >= modulus { sum -= modulus }
            return sum
        }
        let base = UInt64.random(in: 256 ..< modulus)
        var target: UInt64 = 0
        var window: UInt64 = 0
        var power: UInt64 = 1  // base^(m-1)
        for i in 0 ..< m {
            target = (mulmod(target, base) + UInt64(needle[i])) % modulus
            window = (mulmod(window, base) + UInt64(text[i])) % modulus
            if i > 0 { power = mulmod(power, base) }
        }
        var start = 0
        while true {
            if window == target, UnsafeBufferPointer(rebasing: text[start ..< start + m]).elementsEqual(needle) {
                return start
            }
            guard start + m < text.count else { return nil }
            let outgoing = mulmod(UInt64(text[start]), power)
            window = (window + modulus - outgoing) % modulus
            window = (mulmod(window, base) + UInt64(text[start + m])) % modulus
            start += 1
        }
    }

    /// OpenRLHF's answer: rewards, the same as scores, and per-sample diagnostics. Every sample of every answer
    /// carries the same `extra_logs` keys (OpenRLHF stacks each key over a batch and fails when a key is missing
    /// for some samples): `label_correct` is 0 and `has_label` 0 for a sample without a ground truth.
    @Sendable static func render(_ results: [SampleResult]) -> HTTPResponse {
        // Written straight to text: a tree of values would cost far more per sample than the text does.
        var rewardStream = JSONWriter.ArrayStream()
        for result in results { rewardStream.append(result.reward) }
        let rewards = rewardStream.finish()
        func flag(_ value: (SampleResult) -> Bool) -> JSON {
            var flags = JSONWriter.ArrayStream()
            for result in results { flags.append(.int(value(result) ? 1 : 0)) }
            return flags.finish()
        }
        var logs: [(String, JSON)] = []
        if !results.isEmpty {
            logs = [
                ("answer_found", flag(\.answerFound)),
                ("group_complete", flag(\.groupComplete)),
                ("assembly_timeout", flag(\.assemblyTimeout)),
                ("views_agree", flag(\.viewsAgree)),
                ("label_correct", flag { $0.labelCorrect == true }),
                ("has_label", flag { $0.labelCorrect != nil }),
            ]
        }
        return HTTPResponse(json: .object([("rewards", rewards), ("scores", rewards), ("extra_logs", .object(logs))]))
    }
}
