import Core
import Synchronization

/// The per-replica buffer where OpenRLHF's per-sample requests wait until their pair's views hold n samples
/// each; then the group is scored at once and every waiting request answered. A waiting request is parked
/// (no worker thread held). Groups that stay incomplete are scored with what they hold after the timeout,
/// flagged. Answers are kept a while so that a retry gets the same answer and is not counted again.
///
/// Time comes from the injected clock and only moves the buffer when `tick()` runs: the server's
/// `AssemblyTimer` calls it, tests call it after moving their clock.
final class GroupAssembler: Sendable {
    /// Why a group was scored.
    enum Outcome: Sendable, Equatable {
        /// Every view held n samples.
        case complete
        /// The assembly timeout passed first.
        case timeout
        /// The server began shutting down.
        case shutdown

        /// The `outcome` label of `coreward_assembly_groups_total`.
        var metricLabel: String {
            switch self {
            case .complete: "complete"
            case .timeout: "timeout"
            case .shutdown: "shutdown"
            }
        }
    }

    /// Which bound refused a request with 503.
    enum Rejection: Sendable, Equatable {
        /// `--assembly-max-waiting` requests are parked already.
        case waiting
        /// The request's new samples would pass `--assembly-max-bytes`.
        case bytes

        /// The `reason` label of `coreward_assembly_rejected_total`.
        var metricLabel: String {
            switch self {
            case .waiting: "waiting"
            case .bytes: "bytes"
            }
        }
    }

    /// What became of a submitted request.
    enum Submission {
        /// Every slot is answered now: the results in request order.
        case answered([SampleResult])
        /// The request is parked; its `ParkedRequest` gets the answer.
        case parked
    }

    /// How full the buffer is.
    struct Occupancy: Equatable {
        var waiting: Int
        var bytes: Int
        var openGroups: Int
        var keptGroups: Int
    }

    let settings: AssemblySettings
    private let metrics: ServiceMetrics
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let buffer = Mutex(AssemblyBuffer())

    /// `clock` tells the time for deadlines and retention (the continuous clock unless a test gives its own).
    init(settings: AssemblySettings, metrics: ServiceMetrics,
         clock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.settings = settings
        self.metrics = metrics
        self.clock = clock
    }

    private var timeout: Duration { .milliseconds(Int64(settings.timeoutSeconds * 1000)) }
    private var retention: Duration { .seconds(settings.retentionSeconds) }

    /// Places a request's Co-Reward samples (`samples`, each with its slot in the request). `results` holds the
    /// request's other slots, already scored. Returns the answer when every slot has one now; otherwise parks the
    /// request with `park()` (nil where the transport cannot wait), which gets the answer later. Throws 409 for a
    /// sample that contradicts its pair, 503 when a bound is reached; a refused request leaves nothing behind.
    func submit(_ samples: [(slot: Int, sample: CoRewardSample)], results: [SampleResult?],
                park: (() -> any ParkedRequest)?) throws(HTTPError) -> Submission {
        let (outcome, finished) = try buffer.withLock {
            buffer throws(HTTPError) -> (Result<Submission, HTTPError>, [AssemblyBuffer.Waiter]) in
            let now = clock()
            let placements = try buffer.plan(samples)
            if buffer.waits(samples, placements) {
                try checkCanWait(canPark: park != nil, buffer)
            }
            try makeRoom(for: AssemblyBuffer.newBytes(samples, placements), in: &buffer)

            let waiter = AssemblyBuffer.Waiter(results: results)
            let touched = buffer.place(samples, placements, for: waiter, now: now, timeout: timeout)
            countRetries(placements)
            var finished = closeCompleted(touched, in: &buffer, now: now)
            let outcome: Result<Submission, HTTPError>
            if waiter.remaining == 0 {
                finished.removeAll { $0 === waiter }
                outcome = waiter.answer.map(Submission.answered)
            } else if let park {
                waiter.parked = park()
                buffer.waiting += 1
                outcome = .success(.parked)
            } else {  // not reached: `checkCanWait` refuses a request that waits when it cannot be parked
                outcome = .failure(HTTPError(500, "a request that waits for its group could not be parked"))
            }
            publish(buffer)
            return (outcome, finished)
        }
        answer(finished)
        return try outcome.get()
    }

    /// Scores every open group now, flagged (SIGTERM: the listener is closed, no more samples will come);
    /// later samples are scored at the next tick.
    func beginDraining() {
        buffer.withLock { $0.draining = true }
        tick()
    }

    /// Scores the groups past their deadline (every open group once draining), flagged, and forgets answers past
    /// their retention.
    func tick() {
        let finished = buffer.withLock { buffer in
            let now = clock()
            var finished: [AssemblyBuffer.Waiter] = []
            for pairID in buffer.due(at: now) {
                finished += close(pairID, buffer.draining ? .shutdown : .timeout, in: &buffer, now: now)
            }
            buffer.dropRetained { kept, _ in kept.expiry <= now }
            publish(buffer)
            return finished
        }
        answer(finished)
    }

    /// How full the buffer is now.
    var occupancy: Occupancy {
        buffer.withLock { buffer in
            Occupancy(waiting: buffer.waiting, bytes: buffer.bytes, openGroups: buffer.open.count,
                      keptGroups: buffer.retained.count)
        }
    }

    // MARK: Steps of `submit`

    /// A request that will wait needs a transport that can park it and a free place under `--assembly-max-waiting`.
    private func checkCanWait(canPark: Bool, _ buffer: AssemblyBuffer) throws(HTTPError) {
        guard canPark else {
            throw HTTPError(503, "per-sample group assembly needs the HTTP server (coreward serve)")
        }
        guard buffer.waiting < settings.maxWaiting else {
            metrics.assemblyRejected(reason: Rejection.waiting.metricLabel)
            throw HTTPError(503, "\(buffer.waiting) requests are already waiting for their groups, the limit (\(Setting.assemblyMaxWaiting.names)); retry shortly",
                            headers: [("Retry-After", "1")])
        }
    }

    /// Makes room under `--assembly-max-bytes` for `newBytes`, forgetting kept answers oldest first; throws when
    /// that is not enough.
    private func makeRoom(for newBytes: Int, in buffer: inout AssemblyBuffer) throws(HTTPError) {
        guard buffer.bytes + newBytes > settings.maxBytes else { return }
        buffer.dropRetained { _, held in held + newBytes > settings.maxBytes }
        guard buffer.bytes + newBytes <= settings.maxBytes else {
            metrics.assemblyRejected(reason: Rejection.bytes.metricLabel)
            throw HTTPError(503, "the assembly buffer holds \(buffer.bytes) bytes of responses; \(newBytes) more would pass its limit of \(settings.maxBytes) (\(Setting.assemblyMaxBytes.names)); retry shortly",
                            headers: [("Retry-After", "1")])
        }
    }

    private func countRetries(_ placements: [AssemblyBuffer.Placement]) {
        for case .retry in placements {
            metrics.assemblyRetry()
        }
    }

    /// Scores the groups among `pairIDs` that now hold n samples in every view; returns the requests answered.
    private func closeCompleted(_ pairIDs: [String], in buffer: inout AssemblyBuffer,
                                now: ContinuousClock.Instant) -> [AssemblyBuffer.Waiter] {
        var finished: [AssemblyBuffer.Waiter] = []
        for pairID in pairIDs where buffer.open[pairID]?.isComplete == true {
            finished += close(pairID, .complete, in: &buffer, now: now)
        }
        return finished
    }

    // MARK: Shared

    /// Scores a group and counts it; returns the requests it fully answered.
    private func close(_ pairID: String, _ outcome: Outcome, in buffer: inout AssemblyBuffer,
                       now: ContinuousClock.Instant) -> [AssemblyBuffer.Waiter] {
        guard let closed = buffer.close(pairID, as: outcome, now: now, keepUntil: now + retention) else { return [] }
        metrics.assemblyGroupDone(outcome: outcome.metricLabel, wait: closed.waited)
        return closed.finished
    }

    private func publish(_ buffer: AssemblyBuffer) {
        metrics.assemblyState(waiting: buffer.waiting, bytes: buffer.bytes, openGroups: buffer.open.count)
    }

    /// Sends the answers of fully answered parked requests (outside the lock).
    private func answer(_ finished: [AssemblyBuffer.Waiter]) {
        for waiter in finished {
            waiter.parked?.answer(waiter.answer)
        }
    }
}
