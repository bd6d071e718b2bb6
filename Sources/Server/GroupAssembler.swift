import Core
import Foundation
import Synchronization

/// How the group-assembly buffer behind `/get_reward` is bounded and timed.
public struct AssemblySettings: Sendable, Equatable {
    /// Seconds from a group's first sample until it is scored with what it holds.
    public var timeoutSeconds = 120.0
    /// Seconds an answered group's answers are kept for retries.
    public var retentionSeconds = 900
    /// Most requests parked at once.
    public var maxWaiting = 4096
    /// Most response bytes held (waiting samples and kept answers).
    public var maxBytes = 256 * 1024 * 1024

    public init() {}
}

/// One Co-Reward sample of a `/get_reward` request.
struct CoRewardSample {
    let pairID: String
    let view: Int
    let n: Int
    let views: Int
    /// Optional ground truth, for the `label_correct` diagnostic.
    let label: String?
    /// The response text's bytes: the sample's identity within its view and its canonical sort key.
    let response: [UInt8]
    let answer: String?
    /// The request's JSON Pointer to the sample's label, for errors.
    let pointer: String
}

/// One sample's answer in `/get_reward`.
struct SampleResult: Sendable, Equatable {
    let reward: Double
    let answerFound: Bool
    let groupComplete: Bool
    let assemblyTimeout: Bool
    let viewsAgree: Bool
    let labelCorrect: Bool?
}

/// The per-replica buffer where OpenRLHF's per-sample requests wait until their pair's views hold n samples
/// each; then the group is scored at once and every waiting request answered. A waiting request is parked
/// (no worker thread held). Groups that stay incomplete are scored with what they hold after the timeout,
/// flagged. Answers are kept a while so that a retry gets the same answer and is not counted again.
final class GroupAssembler: Sendable {
    let settings: AssemblySettings
    private let metrics: ServiceMetrics
    private let state = Mutex(State())

    /// Why a group was scored.
    enum Outcome: String {
        case complete, timeout, shutdown
    }

    /// A request waiting for some of its samples; guarded by the assembler's lock until `remaining` is 0.
    private final class Waiter: @unchecked Sendable {
        var results: [SampleResult?]
        var remaining: Int
        var responder: HTTPResponder?
        let render: @Sendable ([SampleResult]) -> HTTPResponse

        init(results: [SampleResult?], remaining: Int, render: @escaping @Sendable ([SampleResult]) -> HTTPResponse) {
            self.results = results
            self.remaining = remaining
            self.render = render
        }

        /// The answer, once every slot is filled.
        var response: HTTPResponse { render(results.compactMap { $0 }) }
    }

    /// A sample in an open group, with the requests (slot in each) that wait for it: a retry joins them.
    private final class PendingSample {
        let response: [UInt8]
        let answer: String?
        var waiters: [(waiter: Waiter, slot: Int)]

        init(response: [UInt8], answer: String?, waiter: Waiter, slot: Int) {
            self.response = response
            self.answer = answer
            self.waiters = [(waiter, slot)]
        }
    }

    private final class OpenGroup {
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
    private struct Retained {
        let results: [[[UInt8]: SampleResult]]
        let bytes: Int
        let expiry: ContinuousClock.Instant
        let generation: Int
    }

    private struct State {
        var open: [String: OpenGroup] = [:]
        var retained: [String: Retained] = [:]
        /// Retained groups oldest first, for expiry and eviction; stale entries are skipped.
        var retainedOrder: [(pairID: String, generation: Int)] = []
        var retainedHead = 0
        var generation = 0
        var waiting = 0
        var bytes = 0
        var draining = false
    }

    /// Where one sample of a request goes.
    private enum Placement {
        case answered(SampleResult)
        case retry(PendingSample)
        case new
    }

    init(settings: AssemblySettings, metrics: ServiceMetrics) {
        self.settings = settings
        self.metrics = metrics
        let interval = min(0.05, max(0.001, settings.timeoutSeconds / 10))
        let thread = Thread { [weak self] in
            while let assembler = self {
                assembler.expire()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "coreward-assembly"
        thread.start()
    }

    /// Places a request's Co-Reward samples (`samples`, each with its slot in the request). `results` holds the
    /// request's other slots, already scored. Returns the answer, or `HTTPResponse.deferred` once the request is
    /// parked; `render` builds the answer from every slot's result.
    func submit(_ samples: [(slot: Int, sample: CoRewardSample)], results: [SampleResult?],
                suspend: (() -> HTTPResponder)?,
                render: @escaping @Sendable ([SampleResult]) -> HTTPResponse) throws(HTTPError) -> HTTPResponse {
        let (response, finished) = try state.withLock { state throws(HTTPError) -> (HTTPResponse, [Waiter]) in
            let now = ContinuousClock.now
            let placements = try plan(samples, in: state)

            // Will the request wait? Only when a group it joins stays incomplete.
            var added: [String: [Int]] = [:]
            var newBytes = 0
            for ((_, sample), placement) in zip(samples, placements) {
                guard case .new = placement else { continue }
                added[sample.pairID, default: Array(repeating: 0, count: sample.views)][sample.view] += 1
                newBytes += sample.response.count
            }
            let waits = zip(samples, placements).contains { item, placement in
                if case .answered = placement { return false }
                let counts = added[item.sample.pairID] ?? Array(repeating: 0, count: item.sample.views)
                let held = state.open[item.sample.pairID]?.views.map(\.count) ?? Array(repeating: 0, count: item.sample.views)
                return zip(held, counts).contains { $0 + $1 < item.sample.n }
            }
            if waits {
                guard suspend != nil else {
                    throw HTTPError(503, "per-sample group assembly needs the HTTP server (coreward serve)")
                }
                guard state.waiting < settings.maxWaiting else {
                    metrics.assemblyRejected(reason: "waiting")
                    throw HTTPError(503, "\(state.waiting) requests are already waiting for their groups, the limit (\(Setting.assemblyMaxWaiting.names)); retry shortly",
                                    headers: [("Retry-After", "1")])
                }
            }
            if state.bytes + newBytes > settings.maxBytes {
                dropRetained(&state) { _, held in held + newBytes > settings.maxBytes }
                guard state.bytes + newBytes <= settings.maxBytes else {
                    metrics.assemblyRejected(reason: "bytes")
                    throw HTTPError(503, "the assembly buffer holds \(state.bytes) bytes of responses; \(newBytes) more would pass its limit of \(settings.maxBytes) (\(Setting.assemblyMaxBytes.names)); retry shortly",
                                    headers: [("Retry-After", "1")])
                }
            }

            let waiter = Waiter(results: results, remaining: 0, render: render)
            var touched: [String] = []
            for ((slot, sample), placement) in zip(samples, placements) {
                switch placement {
                case .answered(let result):
                    waiter.results[slot] = result
                case .retry(let pending):
                    pending.waiters.append((waiter, slot))
                    waiter.remaining += 1
                    metrics.assemblyRetry()
                case .new:
                    let group = state.open[sample.pairID] ?? {
                        let opened = OpenGroup(n: sample.n, views: sample.views, label: sample.label, opened: now,
                                               deadline: now + .milliseconds(Int64(settings.timeoutSeconds * 1000)))
                        state.open[sample.pairID] = opened
                        return opened
                    }()
                    if group.label == nil { group.label = sample.label }
                    group.views[sample.view].append(PendingSample(response: sample.response, answer: sample.answer,
                                                                  waiter: waiter, slot: slot))
                    group.bytes += sample.response.count
                    state.bytes += sample.response.count
                    waiter.remaining += 1
                    touched.append(sample.pairID)
                }
            }
            var finished: [Waiter] = []
            for pairID in touched {
                if let group = state.open[pairID], group.isComplete {
                    finished += close(pairID, group, .complete, &state, now: now)
                }
            }
            var response = HTTPResponse.deferred
            if waiter.remaining == 0 {
                finished.removeAll { $0 === waiter }
                response = waiter.response
            } else if let suspend {
                waiter.responder = suspend()
                state.waiting += 1
            }
            publish(state)
            return (response, finished)
        }
        answer(finished)
        return response
    }

    /// Scores every open group now, flagged (SIGTERM: the listener is closed, no more samples will come);
    /// later samples are scored at the next tick.
    func beginDraining() {
        state.withLock { $0.draining = true }
        expire()
    }

    /// Scores groups past their deadline and forgets answers past their retention.
    func expire() {
        let finished = state.withLock { state -> [Waiter] in
            let now = ContinuousClock.now
            var finished: [Waiter] = []
            let due = state.open.filter { state.draining || $0.value.deadline <= now }
            for (pairID, group) in due {
                finished += close(pairID, group, state.draining ? .shutdown : .timeout, &state, now: now)
            }
            dropRetained(&state) { kept, _ in kept.expiry <= now }
            publish(state)
            return finished
        }
        answer(finished)
    }

    /// Decides, without changing anything, where each sample goes; throws on a sample that contradicts its pair.
    private func plan(_ samples: [(slot: Int, sample: CoRewardSample)], in state: State) throws(HTTPError) -> [Placement] {
        var shapes: [String: (n: Int, views: Int)] = [:]
        var counts: [String: [Int]] = [:]
        var claimed = Set<ObjectIdentifier>()
        var placements: [Placement] = []
        placements.reserveCapacity(samples.count)
        for (_, sample) in samples {
            if let kept = state.retained[sample.pairID], sample.view < kept.results.count,
               let result = kept.results[sample.view][sample.response] {
                placements.append(.answered(result))
                continue
            }
            let group = state.open[sample.pairID]
            let shape: (n: Int, views: Int) = group.map { ($0.n, $0.views.count) } ?? shapes[sample.pairID] ?? (sample.n, sample.views)
            guard shape.n == sample.n, shape.views == sample.views else {
                throw HTTPError(409, "pair \"\(sample.pairID)\" is being assembled with n=\(shape.n) and views=\(shape.views), but this sample says n=\(sample.n) and views=\(sample.views)",
                                pointer: sample.pointer)
            }
            shapes[sample.pairID] = shape
            if let group, let pending = group.views[sample.view].first(where: { pending in
                !claimed.contains(ObjectIdentifier(pending)) && pending.response == sample.response
                    && pending.waiters.allSatisfy { $0.waiter.responder?.clientGone ?? false }
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

    /// Scores a group, fills its waiters' slots, keeps its answers; returns the waiters now fully answered.
    private func close(_ pairID: String, _ group: OpenGroup, _ outcome: Outcome, _ state: inout State,
                       now: ContinuousClock.Instant) -> [Waiter] {
        state.open[pairID] = nil
        let assembled = AssembledGroup(
            views: group.views.map { $0.map { AssembledGroup.Sample(response: $0.response, answer: $0.answer) } },
            label: group.label)
        let scores = assembled.score(equivalence: .math)
        var finished: [Waiter] = []
        var kept: [[[UInt8]: SampleResult]] = Array(repeating: [:], count: group.views.count)
        var keptBytes = 0
        for (v, samples) in group.views.enumerated() {
            for (i, pending) in samples.enumerated() {
                let score = scores[v][i]
                let result = SampleResult(
                    reward: score.reward,
                    answerFound: pending.answer.map(AnswerClasses.votes) ?? false,
                    groupComplete: outcome == .complete, assemblyTimeout: outcome != .complete,
                    viewsAgree: score.viewsAgree, labelCorrect: score.labelCorrect)
                if kept[v].updateValue(result, forKey: pending.response) == nil {
                    keptBytes += pending.response.count
                }
                for (waiter, slot) in pending.waiters {
                    waiter.results[slot] = result
                    waiter.remaining -= 1
                    if waiter.remaining == 0 {
                        finished.append(waiter)
                        if waiter.responder != nil { state.waiting -= 1 }
                    }
                }
            }
        }
        state.bytes += keptBytes - group.bytes
        if let previous = state.retained[pairID] { state.bytes -= previous.bytes }
        state.generation += 1
        let expiry = now + .seconds(settings.retentionSeconds)
        state.retained[pairID] = Retained(results: kept, bytes: keptBytes, expiry: expiry, generation: state.generation)
        state.retainedOrder.append((pairID, state.generation))
        metrics.assemblyGroupDone(outcome: outcome.rawValue, wait: now - group.opened)
        return finished
    }

    /// Forgets kept answers, oldest first, while `stillDropping` says so for the oldest one (given the bytes held).
    private func dropRetained(_ state: inout State, while stillDropping: (Retained, Int) -> Bool) {
        while state.retainedHead < state.retainedOrder.count {
            let (pairID, generation) = state.retainedOrder[state.retainedHead]
            if let kept = state.retained[pairID], kept.generation == generation {  // else replaced since: stale
                guard stillDropping(kept, state.bytes) else { break }
                state.retained[pairID] = nil
                state.bytes -= kept.bytes
            }
            state.retainedHead += 1
        }
        if state.retainedHead > 1024, state.retainedHead * 2 > state.retainedOrder.count {
            state.retainedOrder.removeFirst(state.retainedHead)
            state.retainedHead = 0
        }
    }

    private func publish(_ state: State) {
        metrics.assemblyState(waiting: state.waiting, bytes: state.bytes, openGroups: state.open.count)
    }

    /// Sends the answers of fully answered parked requests (outside the lock).
    private func answer(_ finished: [Waiter]) {
        for waiter in finished {
            waiter.responder?.respond(waiter.response)
        }
    }
}
