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

        init(results: [SampleResult?]) {
            self.results = results
        }

        /// The answer, once every slot is filled.
        var answer: Result<[SampleResult], HTTPError> {
            if let failure { return .failure(failure) }
            return .success(results.compactMap { $0 })
        }
    }

    /// A sample in an open group, with the requests (slot in each) that wait for it: a retry joins them.
    final class PendingSample {
        let response: [UInt8]
        let answer: String?
        var waiters: [(waiter: Waiter, slot: Int)]

        init(response: [UInt8], answer: String?, waiter: Waiter, slot: Int) {
            self.response = response
            self.answer = answer
            self.waiters = [(waiter, slot)]
        }

        /// True when every request waiting for it has hung up: a retry of it takes its place.
        var isAbandoned: Bool { waiters.allSatisfy { $0.waiter.parked?.clientGone ?? false } }
    }

    /// A pair still gathering samples.
    final class OpenGroup {
        let n: Int
        var views: [[PendingSample]]
        var label: String?
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

        var isComplete: Bool { views.allSatisfy { $0.count == n } }
    }

    /// An answered group's answers, by view and response bytes.
    struct RetainedGroup {
        let results: [[[UInt8]: SampleResult]]
        let bytes: Int
        let expiry: ContinuousClock.Instant
        let generation: Int
    }

    /// Where one sample of a request goes.
    enum Placement {
        /// Its group was answered and its answer is kept: it gets that answer.
        case answered(SampleResult)
        /// It repeats a waiting sample whose clients all hung up: it waits in that sample's place.
        case retry(PendingSample)
        /// A new sample of its group.
        case new
    }

    /// A group just scored: the requests it fully answered, and how long it was open.
    struct Closed {
        var finished: [Waiter]
        var waited: Duration
    }

    var open: [String: OpenGroup] = [:]
    var retained: [String: RetainedGroup] = [:]
    /// Retained groups oldest first, for expiry and eviction; stale entries are skipped.
    var retainedOrder: [(pairID: String, generation: Int)] = []
    var retainedHead = 0
    var generation = 0
    /// Parked requests.
    var waiting = 0
    /// Response bytes held: waiting samples and kept answers.
    var bytes = 0
    /// Set at shutdown: every open group is due.
    var draining = false

    // MARK: Placing a request

    /// Decides, without changing anything, where each sample goes; throws on a sample that contradicts its pair.
    func plan(_ samples: [(slot: Int, sample: CoRewardSample)]) throws(HTTPError) -> [Placement] {
        var shapes: [String: (n: Int, views: Int)] = [:]
        var counts: [String: [Int]] = [:]
        var claimed = Set<ObjectIdentifier>()
        var placements: [Placement] = []
        placements.reserveCapacity(samples.count)
        for (_, sample) in samples {
            if let kept = retained[sample.pairID], sample.view < kept.results.count,
               let result = kept.results[sample.view][sample.response] {
                placements.append(.answered(result))
                continue
            }
            let group = open[sample.pairID]
            let shape: (n: Int, views: Int) = group.map { ($0.n, $0.views.count) } ?? shapes[sample.pairID] ?? (sample.n, sample.views)
            guard shape.n == sample.n, shape.views == sample.views else {
                throw HTTPError(409, "pair \"\(sample.pairID)\" is being assembled with n=\(shape.n) and views=\(shape.views), but this sample says n=\(sample.n) and views=\(sample.views)",
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
            added[sample.view] += 1
            counts[sample.pairID] = added
            placements.append(.new)
        }
        return placements
    }

    /// Whether the request will wait: some group it joins stays incomplete once its samples are placed.
    func waits(_ samples: [(slot: Int, sample: CoRewardSample)], _ placements: [Placement]) -> Bool {
        var added: [String: [Int]] = [:]
        for ((_, sample), placement) in zip(samples, placements) {
            guard case .new = placement else { continue }
            added[sample.pairID, default: Array(repeating: 0, count: sample.views)][sample.view] += 1
        }
        return zip(samples, placements).contains { item, placement in
            if case .answered = placement { return false }
            let counts = added[item.sample.pairID] ?? Array(repeating: 0, count: item.sample.views)
            let held = open[item.sample.pairID]?.views.map(\.count) ?? Array(repeating: 0, count: item.sample.views)
            return zip(held, counts).contains { $0 + $1 < item.sample.n }
        }
    }

    /// The response bytes the request's new samples add.
    static func newBytes(_ samples: [(slot: Int, sample: CoRewardSample)], _ placements: [Placement]) -> Int {
        zip(samples, placements).reduce(0) { total, item in
            guard case .new = item.1 else { return total }
            return total + item.0.sample.response.count
        }
    }

    /// Places the request's samples as planned: an answered sample fills its slot, a retry joins the sample it
    /// repeats, a new sample joins its group (opening it, with its deadline, when it is the first). Returns the
    /// pairs that got new samples.
    mutating func place(_ samples: [(slot: Int, sample: CoRewardSample)], _ placements: [Placement],
                        for waiter: Waiter, now: ContinuousClock.Instant, timeout: Duration) -> [String] {
        var touched: [String] = []
        for ((slot, sample), placement) in zip(samples, placements) {
            switch placement {
            case .answered(let result):
                waiter.results[slot] = result
            case .retry(let pending):
                pending.waiters.append((waiter, slot))
                waiter.remaining += 1
            case .new:
                let group = openGroup(for: sample, now: now, timeout: timeout)
                group.views[sample.view].append(PendingSample(response: sample.response, answer: sample.answer,
                                                              waiter: waiter, slot: slot))
                group.bytes += sample.response.count
                bytes += sample.response.count
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
            return opened
        }()
        if group.label == nil { group.label = sample.label }
        return group
    }

    // MARK: Scoring groups

    /// The pairs of the open groups that are due: past their deadline, or every one once draining.
    func due(at now: ContinuousClock.Instant) -> [String] {
        open.filter { draining || $0.value.deadline <= now }.map(\.key)
    }

    /// Scores an open group as it stands, fills its waiters' slots and keeps its answers until `expiry`;
    /// nil when the pair has no open group.
    mutating func close(_ pairID: String, as outcome: GroupAssembler.Outcome, now: ContinuousClock.Instant,
                        keepUntil expiry: ContinuousClock.Instant) -> Closed? {
        guard let group = open.removeValue(forKey: pairID) else { return nil }
        bytes -= group.bytes
        let scored: Result<[[SampleResult]], HTTPError>
        do {
            scored = .success(try Self.results(of: group, outcome))
        } catch {
            scored = .failure(HTTPError(500, "scoring the group of pair \"\(pairID)\" failed: \(error.detail)"))
        }
        if case .success(let results) = scored {
            keep(results, of: group, as: pairID, until: expiry)
        }
        return Closed(finished: settle(group, with: scored), waited: now - group.opened)
    }

    /// Every sample's answer, by view, scored by the group as it stands.
    private static func results(of group: OpenGroup, _ outcome: GroupAssembler.Outcome) throws(CoreError)
        -> [[SampleResult]] {
        let assembled = AssembledGroup(
            views: group.views.map { $0.map { AssembledGroup.Sample(response: $0.response, answer: $0.answer) } },
            label: group.label)
        let scores = try assembled.score(equivalence: .math)
        return zip(group.views, scores).map { samples, scores in
            zip(samples, scores).map { pending, score in
                SampleResult(reward: score.reward, answerFound: pending.answer.map(AnswerClasses.votes) ?? false,
                             groupComplete: outcome == .complete, assemblyTimeout: outcome != .complete,
                             viewsAgree: score.viewsAgree, labelCorrect: score.labelCorrect)
            }
        }
    }

    /// Keeps a scored group's answers, by view and response bytes, in place of the pair's earlier ones.
    private mutating func keep(_ results: [[SampleResult]], of group: OpenGroup, as pairID: String,
                               until expiry: ContinuousClock.Instant) {
        var kept: [[[UInt8]: SampleResult]] = Array(repeating: [:], count: group.views.count)
        var keptBytes = 0
        for (v, samples) in group.views.enumerated() {
            for (i, pending) in samples.enumerated()
            where kept[v].updateValue(results[v][i], forKey: pending.response) == nil {
                keptBytes += pending.response.count
            }
        }
        if let previous = retained[pairID] { bytes -= previous.bytes }
        bytes += keptBytes
        generation += 1
        retained[pairID] = RetainedGroup(results: kept, bytes: keptBytes, expiry: expiry, generation: generation)
        retainedOrder.append((pairID, generation))
    }

    /// Fills the slots of the group's waiting requests with their results (or the failure); returns the
    /// requests now fully answered.
    private mutating func settle(_ group: OpenGroup, with scored: Result<[[SampleResult]], HTTPError>) -> [Waiter] {
        var finished: [Waiter] = []
        for (v, samples) in group.views.enumerated() {
            for (i, pending) in samples.enumerated() {
                for (waiter, slot) in pending.waiters {
                    switch scored {
                    case .success(let results): waiter.results[slot] = results[v][i]
                    case .failure(let error): waiter.failure = error
                    }
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

    /// Forgets kept answers, oldest first, while `stillDropping` says so for the oldest one (given the bytes held).
    mutating func dropRetained(while stillDropping: (RetainedGroup, Int) -> Bool) {
        while retainedHead < retainedOrder.count {
            let (pairID, generation) = retainedOrder[retainedHead]
            if let kept = retained[pairID], kept.generation == generation {  // else replaced since: stale
                guard stillDropping(kept, bytes) else { break }
                retained[pairID] = nil
                bytes -= kept.bytes
            }
            retainedHead += 1
        }
        if retainedHead > 1024, retainedHead * 2 > retainedOrder.count {
            retainedOrder.removeFirst(retainedHead)
            retainedHead = 0
        }
    }
}
