import Core

/// What the group-assembly buffer holds: open groups with their waiting samples, and the kept answers of
/// answered groups, with the counts its bounds are checked against. Each step is a plain function of the buffer,
/// the request and the time it is given; `GroupAssembler` holds the buffer under its lock, reads the clock,
/// enforces the bounds and keeps the metrics.
struct AssemblyBuffer {
    /// A request waiting for some of its samples; guarded by the assembler's lock until `remaining` is 0.
    final class Waiter: @unchecked Sendable {
        var results: [SampleResult?]
        var remaining = 0
        /// Set once the request is parked; nil while its samples are being placed.
        var parked: (any ParkedRequest)?
        /// Why one of its groups could not be scored: the request is answered with it.
        var failure: HTTPError?
        /// The kept answers this request's answer carries: once it is delivered, a retry no longer needs them.
        var carried: [KeptSample] = []

        init(results: [SampleResult?]) {
            self.results = results
        }

        /// The answer, once every slot is filled.
        var answer: Result<[SampleResult], HTTPError> {
            if let failure { return .failure(failure) }
            return .success(results.compactMap { $0 })
        }
    }

    /// Names one kept answer: the pair, the answer's group (by generation), its view and its response bytes.
    struct KeptSample: Sendable {
        let pairID: String
        let generation: Int
        let view: Int
        let response: [UInt8]
    }

    /// A sample in an open group, with the requests (slot in each) that wait for it: a retry joins them.
    final class PendingSample {
        let response: [UInt8]
        let answer: String?
        let bytes: Int
        var waiters: [(waiter: Waiter, slot: Int)]

        init(_ sample: CoRewardSample, waiter: Waiter, slot: Int) {
            response = sample.response
            answer = sample.answer
            bytes = sample.heldBytes
            waiters = [(waiter, slot)]
        }

        /// True when every request waiting for it has hung up: a retry of it takes its place.
        var isAbandoned: Bool { waiters.allSatisfy { $0.waiter.parked?.clientGone ?? false } }
    }

    /// A pair still gathering samples.
    final class OpenGroup {
        let n: Int
        var views: [[PendingSample]]
        var label: String?
        /// The run the group's samples named (the first that named one), for the run's history.
        var run: String?
        let opened: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant
        var bytes = 0

        init(n: Int, views: Int, label: String?, opened: ContinuousClock.Instant, deadline: ContinuousClock.Instant) {
            self.n = n
            self.views = Array(repeating: [], count: views)
            self.label = label
            self.opened = opened
            self.deadline = deadline
        }

        /// Samples the group holds when complete: the places it reserves under `--assembly-max-waiting`.
        var places: Int { n * views.count }
        var isComplete: Bool { views.allSatisfy { $0.count == n } }
    }

    /// One kept answer, and how many samples with its response bytes have not had it delivered yet.
    struct KeptAnswer {
        let result: SampleResult
        var undelivered: Int
    }

    /// An answered group's answers, by view and response bytes.
    struct RetainedGroup {
        var answers: [[[UInt8]: KeptAnswer]]
        let bytes: Int
        /// True when every view held n samples: the pair may not open another group before `guardUntil`.
        let complete: Bool
        let shape: (n: Int, views: Int)
        let closed: ContinuousClock.Instant
        let guardUntil: ContinuousClock.Instant
        /// Kept for retries until then while an answer is undelivered; once all are delivered, until `guardUntil`.
        let retainUntil: ContinuousClock.Instant
        let generation: Int
        var undelivered: Int

        var expiry: ContinuousClock.Instant { undelivered > 0 ? retainUntil : guardUntil }
    }

    /// Where one sample of a request goes.
    enum Placement {
        /// Its group was answered and its answer is kept: it gets that answer.
        case answered(SampleResult, KeptSample)
        /// It repeats a waiting sample whose clients all hung up: it waits in that sample's place.
        case retry(PendingSample)
        /// A new sample of its open group.
        case joins
        /// The first sample of a new group.
        case opens
    }

    /// A group just scored: the requests it fully answered, and how long it was open.
    struct Closed {
        var finished: [Waiter]
        var waited: Duration
        /// For a group whose samples named a run: the run, the group as scored, its answers and response lengths.
        var step: (run: String, group: ScoredGroup, answers: [String?], lengths: [UInt32])?
    }

    /// How the buffer is timed: from each group's first sample to its deadline, how long answers are kept for
    /// retries, and how long a completed pair may not open another group.
    struct Timing {
        var timeout: Duration
        var retention: Duration
        var guardPeriod: Duration
    }

    var open: [String: OpenGroup] = [:]
    /// Open groups in the order they opened, hence of their deadlines; closed ones are skipped.
    var deadlines: [(pairID: String, group: OpenGroup)] = []
    var deadlinesHead = 0
    var retained: [String: RetainedGroup] = [:]
    /// Retained groups oldest first, for expiry and eviction; stale entries are skipped.
    var retainedOrder: [(pairID: String, generation: Int)] = []
    var retainedHead = 0
    /// Fully delivered groups in the order they became so, to forget them once their guard period ends.
    var deliveredOrder: [(pairID: String, generation: Int)] = []
    var deliveredHead = 0
    var generation = 0
    /// Parked requests.
    var waiting = 0
    /// Places reserved by open groups: n × views each.
    var reserved = 0
    /// Bytes held: waiting samples and kept answers.
    var bytes = 0
    /// Set at shutdown: open groups are refused with a retryable 503, and so is any request that would wait.
    var draining = false

    // MARK: Placing a request

    /// Decides, without changing anything, where each sample goes; throws 409 on a sample that contradicts its
    /// pair: another n or views than its open group, a sample beyond n in a view, or a new group for a pair whose
    /// last group completed less than the guard period ago.
    func plan(_ samples: [(slot: Int, sample: CoRewardSample)], now: ContinuousClock.Instant) throws(HTTPError)
        -> [Placement] {
        var shapes: [String: (n: Int, views: Int)] = [:]
        var counts: [String: [Int]] = [:]
        var claimed = Set<ObjectIdentifier>()
        var placements: [Placement] = []
        placements.reserveCapacity(samples.count)
        for (_, sample) in samples {
            let kept = retained[sample.pairID]
            if let kept, sample.view < kept.answers.count, let answer = kept.answers[sample.view][sample.response] {
                placements.append(.answered(answer.result, KeptSample(
                    pairID: sample.pairID, generation: kept.generation, view: sample.view, response: sample.response)))
                continue
            }
            let group = open[sample.pairID]
            let shape: (n: Int, views: Int) = group.map { ($0.n, $0.views.count) } ?? shapes[sample.pairID] ?? (sample.n, sample.views)
            guard shape.n == sample.n, shape.views == sample.views else {
                throw HTTPError(409, "pair \"\(sample.pairID)\" is being assembled with n=\(shape.n) and views=\(shape.views), but this sample says n=\(sample.n) and views=\(sample.views)",
                                pointer: sample.pointer)
            }
            if group == nil, shapes[sample.pairID] == nil, let kept, kept.complete, now < kept.guardUntil {
                let ago = Self.seconds(now - kept.closed)
                throw HTTPError(409, "pair \"\(sample.pairID)\" completed its group \(ago) s ago with n=\(kept.shape.n) samples in each of its \(kept.shape.views) views; this sample would start another one: is n in the label the number of samples per prompt? (a pair may start a new group \(Setting.assemblyGuardSeconds.flag) after its last one completed)",
                                pointer: sample.pointer)
            }
            shapes[sample.pairID] = shape
            if let group, let pending = group.views[sample.view].first(where: { pending in
                !claimed.contains(ObjectIdentifier(pending)) && pending.response == sample.response && pending.isAbandoned
            }) {
                claimed.insert(ObjectIdentifier(pending))
                placements.append(.retry(pending))
                continue
            }
            var added = counts[sample.pairID] ?? Array(repeating: 0, count: sample.views)
            let held = group?.views[sample.view].count ?? 0
            guard held + added[sample.view] < sample.n else {
                throw HTTPError(409, "view \(sample.view) of pair \"\(sample.pairID)\" already holds its n=\(sample.n) samples; is n in the label the number of samples per prompt?",
                                pointer: sample.pointer)
            }
            let opens = group == nil && added.allSatisfy { $0 == 0 }
            added[sample.view] += 1
            counts[sample.pairID] = added
            placements.append(opens ? .opens : .joins)
        }
        return placements
    }

    /// Whether the request will wait: some group it joins stays incomplete once its samples are placed.
    func waits(_ samples: [(slot: Int, sample: CoRewardSample)], _ placements: [Placement]) -> Bool {
        var added: [String: [Int]] = [:]
        for ((_, sample), placement) in zip(samples, placements) {
            switch placement {
            case .joins, .opens: added[sample.pairID, default: Array(repeating: 0, count: sample.views)][sample.view] += 1
            case .answered, .retry: continue
            }
        }
        return zip(samples, placements).contains { item, placement in
            if case .answered = placement { return false }
            let counts = added[item.sample.pairID] ?? Array(repeating: 0, count: item.sample.views)
            let held = open[item.sample.pairID]?.views.map(\.count) ?? Array(repeating: 0, count: item.sample.views)
            return zip(held, counts).contains { $0 + $1 < item.sample.n }
        }
    }

    /// The places the request's new groups reserve (n × views each), and the bytes its new samples add.
    static func demand(_ samples: [(slot: Int, sample: CoRewardSample)], _ placements: [Placement])
        -> (places: Int, bytes: Int, opensGroups: Bool) {
        var places = 0
        var bytes = 0
        for ((_, sample), placement) in zip(samples, placements) {
            switch placement {
            case .opens:
                places += sample.n * sample.views
                bytes += sample.heldBytes
            case .joins:
                bytes += sample.heldBytes
            case .answered, .retry:
                continue
            }
        }
        return (places, bytes, places > 0)
    }

    /// Places the request's samples as planned: an answered sample fills its slot, a retry joins the sample it
    /// repeats, a new sample joins its group (opening it, with its deadline, when it is the first). Returns the
    /// pairs that got new samples.
    mutating func place(_ samples: [(slot: Int, sample: CoRewardSample)], _ placements: [Placement],
                        for waiter: Waiter, now: ContinuousClock.Instant, timeout: Duration) -> [String] {
        var touched: [String] = []
        for ((slot, sample), placement) in zip(samples, placements) {
            switch placement {
            case .answered(let result, let kept):
                waiter.results[slot] = result
                waiter.carried.append(kept)
            case .retry(let pending):
                pending.waiters.append((waiter, slot))
                waiter.remaining += 1
            case .joins, .opens:
                let group = openGroup(for: sample, now: now, timeout: timeout)
                let pending = PendingSample(sample, waiter: waiter, slot: slot)
                group.views[sample.view].append(pending)
                group.bytes += pending.bytes
                bytes += pending.bytes
                waiter.remaining += 1
                touched.append(sample.pairID)
            }
        }
        return touched
    }

    /// The sample's open group, opened now if it is the pair's first waiting sample; the first ground truth
    /// given with any of the pair's samples is the group's.
    private mutating func openGroup(for sample: CoRewardSample, now: ContinuousClock.Instant,
                                    timeout: Duration) -> OpenGroup {
        let group = open[sample.pairID] ?? {
            let opened = OpenGroup(n: sample.n, views: sample.views, label: sample.label, opened: now,
                                   deadline: now + timeout)
            open[sample.pairID] = opened
            deadlines.append((sample.pairID, opened))
            reserved += opened.places
            return opened
        }()
        if group.label == nil { group.label = sample.label }
        if group.run == nil { group.run = sample.run }
        return group
    }

    // MARK: Scoring groups

    /// The pairs of the open groups past their deadline, oldest first (deadlines follow opening order).
    mutating func due(at now: ContinuousClock.Instant) -> [String] {
        var due: [String] = []
        while deadlinesHead < deadlines.count {
            let (pairID, group) = deadlines[deadlinesHead]
            if open[pairID] === group {  // else closed since: stale
                guard group.deadline <= now else { break }
                due.append(pairID)
            }
            deadlinesHead += 1
        }
        Self.compact(&deadlines, &deadlinesHead)
        return due
    }

    /// Scores an open group as it stands, fills its waiters' slots and keeps its answers; nil when the pair has
    /// no open group.
    mutating func close(_ pairID: String, as outcome: GroupAssembler.Outcome, now: ContinuousClock.Instant,
                        timing: Timing) -> Closed? {
        guard let group = remove(pairID) else { return nil }
        let scored: Result<[[SampleResult]], HTTPError>
        var step: (run: String, group: ScoredGroup, answers: [String?], lengths: [UInt32])?
        do {
            let (results, scoredGroup) = try Self.results(of: group, outcome)
            scored = .success(results)
            if let run = group.run, let scoredGroup {
                let samples = group.views.joined()
                step = (run, scoredGroup, samples.map(\.answer), samples.map { UInt32(clamping: $0.response.count) })
            }
        } catch {
            scored = .failure(HTTPError(500, "scoring the group of pair \"\(pairID)\" failed: \(error.detail)"))
        }
        var kept: Int?
        if case .success(let results) = scored {
            kept = keep(results, of: group, as: pairID, complete: outcome == .complete, now: now, timing: timing)
        }
        let finished = settle(group, with: scored) { waiter, v, i in
            if let kept { waiter.carried.append(KeptSample(pairID: pairID, generation: kept, view: v,
                                                           response: group.views[v][i].response)) }
        }
        return Closed(finished: finished, waited: now - group.opened, step: step)
    }

    /// Drops an open group without scoring it (shutdown: its samples are to be sent again, to a replica that
    /// can complete it); every request waiting for it is answered with `refusal`. Returns those requests.
    mutating func refuse(_ pairID: String, with refusal: HTTPError) -> [Waiter] {
        guard let group = remove(pairID) else { return [] }
        return settle(group, with: .failure(refusal)) { _, _, _ in }
    }

    private mutating func remove(_ pairID: String) -> OpenGroup? {
        guard let group = open.removeValue(forKey: pairID) else { return nil }
        bytes -= group.bytes
        reserved -= group.places
        return group
    }

    /// Every sample's answer, by view, scored by the group as it stands.
    private static func results(of group: OpenGroup, _ outcome: GroupAssembler.Outcome) throws(CoreError)
        -> ([[SampleResult]], ScoredGroup?) {
        let assembled = AssembledGroup(
            views: group.views.map { $0.map { AssembledGroup.Sample(response: $0.response, answer: $0.answer) } },
            label: group.label)
        let (scores, scoredGroup) = try assembled.scoreWithGroup(equivalence: .math)
        return (zip(group.views, scores).map { samples, scores in
            zip(samples, scores).map { pending, score in
                SampleResult(reward: score.reward, answerFound: pending.answer.map(AnswerClasses.votes) ?? false,
                             groupComplete: outcome == .complete, assemblyTimeout: outcome != .complete,
                             viewsAgree: score.viewsAgree, labelCorrect: score.labelCorrect)
            }
        }, scoredGroup)
    }

    /// Keeps a scored group's answers, by view and response bytes, in place of the pair's earlier ones; returns
    /// their generation.
    private mutating func keep(_ results: [[SampleResult]], of group: OpenGroup, as pairID: String, complete: Bool,
                               now: ContinuousClock.Instant, timing: Timing) -> Int {
        var answers: [[[UInt8]: KeptAnswer]] = Array(repeating: [:], count: group.views.count)
        var keptBytes = 0
        var undelivered = 0
        for (v, samples) in group.views.enumerated() {
            for (i, pending) in samples.enumerated() {
                let copies = pending.waiters.count
                undelivered += copies
                if answers[v][pending.response] == nil {
                    keptBytes += pending.response.count + Self.keptAnswerOverhead
                    answers[v][pending.response] = KeptAnswer(result: results[v][i], undelivered: copies)
                } else {
                    answers[v][pending.response]?.undelivered += copies
                }
            }
        }
        if let previous = retained[pairID] { bytes -= previous.bytes }
        bytes += keptBytes
        generation += 1
        retained[pairID] = RetainedGroup(
            answers: answers, bytes: keptBytes, complete: complete, shape: (group.n, group.views.count), closed: now,
            guardUntil: now + timing.guardPeriod, retainUntil: now + timing.retention, generation: generation,
            undelivered: undelivered)
        retainedOrder.append((pairID, generation))
        return generation
    }

    /// Fills the slots of the group's waiting requests with their results (or the failure), calling `carry` for
    /// each; returns the requests now fully answered.
    private mutating func settle(_ group: OpenGroup, with scored: Result<[[SampleResult]], HTTPError>,
                                 carry: (Waiter, Int, Int) -> Void) -> [Waiter] {
        var finished: [Waiter] = []
        for (v, samples) in group.views.enumerated() {
            for (i, pending) in samples.enumerated() {
                for (waiter, slot) in pending.waiters {
                    switch scored {
                    case .success(let results): waiter.results[slot] = results[v][i]
                    case .failure(let error): waiter.failure = error
                    }
                    carry(waiter, v, i)
                    waiter.remaining -= 1
                    if waiter.remaining == 0 {
                        finished.append(waiter)
                        if waiter.parked != nil { waiting -= 1 }
                    }
                }
            }
        }
        return finished
    }

    // MARK: Kept answers

    /// Records that a request's answer reached its client: its kept answers are no longer needed for retries,
    /// and a group whose answers have all been delivered is kept only until the end of its guard period.
    mutating func delivered(_ carried: [KeptSample]) {
        for sample in carried {
            guard var group = retained[sample.pairID], group.generation == sample.generation,
                  sample.view < group.answers.count, let answer = group.answers[sample.view][sample.response],
                  answer.undelivered > 0 else { continue }
            group.answers[sample.view][sample.response]?.undelivered -= 1
            group.undelivered -= 1
            retained[sample.pairID] = group
            if group.undelivered == 0 { deliveredOrder.append((sample.pairID, sample.generation)) }
        }
    }

    /// Forgets kept answers past their time: fully delivered groups at the end of their guard period, the others
    /// at the end of their retention.
    mutating func expire(at now: ContinuousClock.Instant) {
        while deliveredHead < deliveredOrder.count {
            let (pairID, generation) = deliveredOrder[deliveredHead]
            if let kept = retained[pairID], kept.generation == generation, kept.undelivered == 0 {
                guard kept.guardUntil <= now else { break }
                forget(pairID, kept)
            }
            deliveredHead += 1
        }
        Self.compact(&deliveredOrder, &deliveredHead)
        dropRetained { kept, _ in kept.retainUntil <= now }
    }

    /// Forgets kept answers, oldest first, while `stillDropping` says so for the oldest one (given the bytes held).
    mutating func dropRetained(while stillDropping: (RetainedGroup, Int) -> Bool) {
        while retainedHead < retainedOrder.count {
            let (pairID, generation) = retainedOrder[retainedHead]
            if let kept = retained[pairID], kept.generation == generation {  // else replaced or forgotten: stale
                guard stillDropping(kept, bytes) else { break }
                forget(pairID, kept)
            }
            retainedHead += 1
        }
        Self.compact(&retainedOrder, &retainedHead)
    }

    private mutating func forget(_ pairID: String, _ kept: RetainedGroup) {
        retained[pairID] = nil
        bytes -= kept.bytes
    }

    // MARK: Helpers

    /// What a kept answer holds besides its response bytes (its result and dictionary entry), counted in `bytes`.
    static let keptAnswerOverhead = 64

    /// Drops a queue's consumed head once it is most of the array.
    private static func compact<T>(_ queue: inout [T], _ head: inout Int) {
        if head > 1024, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }

    /// A duration in seconds with one decimal, for messages.
    private static func seconds(_ duration: Duration) -> String {
        let tenths = duration.components.seconds * 10 + duration.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
