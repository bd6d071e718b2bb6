import Core
import Synchronization

/// The per-replica buffer where OpenRLHF's per-sample requests wait until their pair's views hold n samples
/// each; then the group is scored at once and every waiting request answered. A waiting request is parked
/// (no worker thread held, its body not kept). Groups that stay incomplete are scored with what they hold after
/// the timeout, flagged. An answer is kept for a retry until it is delivered (at most the retention); a pair whose
/// group completed may not start another during the guard period, so a sample beyond n is a 409, not a new group.
///
/// Admission cannot deadlock: a sample of an open group is always admitted; a request that opens a group is
/// refused (503, retryable) unless the group's n × views places fit under `--assembly-max-waiting` and its bytes
/// under `--assembly-max-bytes`, so every admitted group can complete.
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
        /// The server began shutting down: the group is not scored, its requests get a retryable 503.
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
        /// The places of the request's new groups do not fit under `--assembly-max-waiting`.
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
        var reserved: Int = 0
    }

    let settings: AssemblySettings
    private let metrics: ServiceMetrics
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let buffer = Mutex(AssemblyBuffer())
    /// Where the scored groups of named runs go (issue 17).
    private let runWindows: RunWindows?

    /// `clock` tells the time for deadlines and retention (the continuous clock unless a test gives its own).
    init(settings: AssemblySettings, metrics: ServiceMetrics, runWindows: RunWindows? = nil,
         clock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.settings = settings
        self.metrics = metrics
        self.runWindows = runWindows
        self.clock = clock
    }

    private var timing: AssemblyBuffer.Timing {
        AssemblyBuffer.Timing(timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)),
                              retention: .seconds(settings.retentionSeconds),
                              guardPeriod: .seconds(settings.guardSeconds))
    }

    /// Places a request's Co-Reward samples (`samples`, each with its slot in the request). `results` holds the
    /// request's other slots, already scored. Returns the answer when every slot has one now; otherwise parks the
    /// request with `park()` (nil where the transport cannot wait), which gets the answer later. `whenDone`, where
    /// the transport can tell, registers what to do once the answer is sent: a delivered answer needs no keeping.
    /// Throws 409 for a sample that contradicts its pair, 503 when the request would open a group that does not
    /// fit or the server is shutting down; a refused request leaves nothing behind.
    func submit(_ samples: [(slot: Int, sample: CoRewardSample)], results: [SampleResult?],
                park: (() -> any ParkedRequest)?,
                whenDone: ((@escaping @Sendable (Bool) -> Void) -> Void)? = nil) throws(HTTPError) -> Submission {
        let timing = timing
        let (outcome, finished, waiter) = try buffer.withLock {
            buffer throws(HTTPError) -> (Result<Submission, HTTPError>, [AssemblyBuffer.Waiter], AssemblyBuffer.Waiter) in
            let now = clock()
            let placements = try buffer.plan(samples, now: now)
            if buffer.waits(samples, placements) {
                try checkCanWait(canPark: park != nil, buffer)
            }
            try admit(AssemblyBuffer.demand(samples, placements), in: &buffer)

            let waiter = AssemblyBuffer.Waiter(results: results)
            let touched = buffer.place(samples, placements, for: waiter, now: now, timeout: timing.timeout)
            countRetries(placements)
            var finished = closeCompleted(touched, in: &buffer, now: now, timing: timing)
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
            return (outcome, finished, waiter)
        }
        whenDone? { [self] delivered in
            if delivered { self.delivered(waiter) }
        }
        answer(finished)
        return try outcome.get()
    }

    /// SIGTERM: the listener is closed and no more samples will come to this replica. Every open group is dropped
    /// unscored and its requests get a retryable 503, so that the trainer's retries rebuild the group on the
    /// restarted replica (or another one) instead of scoring it partial; later requests that would wait get the
    /// same 503.
    func beginDraining() {
        let finished = buffer.withLock { buffer in
            buffer.draining = true
            var finished: [AssemblyBuffer.Waiter] = []
            for pairID in buffer.open.keys {
                finished += buffer.refuse(pairID, with: Self.shuttingDown)
                metrics.assemblyGroupDone(outcome: Outcome.shutdown.metricLabel, wait: .zero)
            }
            publish(buffer)
            return finished
        }
        answer(finished)
    }

    /// Scores the groups past their deadline, flagged, and forgets kept answers past their time.
    func tick() {
        let timing = timing
        let finished = buffer.withLock { buffer in
            let now = clock()
            var finished: [AssemblyBuffer.Waiter] = []
            for pairID in buffer.due(at: now) {
                finished += close(pairID, .timeout, in: &buffer, now: now, timing: timing)
            }
            buffer.expire(at: now)
            publish(buffer)
            return finished
        }
        answer(finished)
    }

    /// Records that a request's answer reached its client: the answers it carried need no keeping for retries.
    private func delivered(_ waiter: AssemblyBuffer.Waiter) {
        buffer.withLock { buffer in
            buffer.delivered(waiter.carried)
            waiter.carried = []
            publish(buffer)
        }
    }

    /// How full the buffer is now.
    var occupancy: Occupancy {
        buffer.withLock { buffer in
            Occupancy(waiting: buffer.waiting, bytes: buffer.bytes, openGroups: buffer.open.count,
                      keptGroups: buffer.retained.count, reserved: buffer.reserved)
        }
    }

    // MARK: Steps of `submit`

    /// A request that will wait needs a transport that can park it, and a server that is not shutting down.
    private func checkCanWait(canPark: Bool, _ buffer: AssemblyBuffer) throws(HTTPError) {
        guard canPark else {
            throw HTTPError(503, "per-sample group assembly needs the HTTP server (coreward serve)")
        }
        guard !buffer.draining else { throw Self.shuttingDown }
    }

    /// Admits the request's new samples. Samples of open groups are always admitted (their places were reserved
    /// when the group opened), making room by forgetting kept answers oldest first. A request that opens groups
    /// must fit their places under `--assembly-max-waiting` and its bytes under `--assembly-max-bytes`.
    private func admit(_ demand: (places: Int, bytes: Int, opensGroups: Bool), in buffer: inout AssemblyBuffer)
        throws(HTTPError) {
        if buffer.bytes + demand.bytes > settings.maxBytes {
            buffer.dropRetained { _, held in held + demand.bytes > settings.maxBytes }
        }
        guard demand.opensGroups else { return }
        guard buffer.reserved + demand.places <= settings.maxWaiting else {
            metrics.assemblyRejected(reason: Rejection.waiting.metricLabel)
            throw HTTPError(503, "the open groups hold \(buffer.reserved) places for waiting samples; \(demand.places) more for this request's new groups would pass the limit of \(settings.maxWaiting) (\(Setting.assemblyMaxWaiting.names)); retry shortly",
                            headers: [("Retry-After", "1")])
        }
        guard buffer.bytes + demand.bytes <= settings.maxBytes else {
            metrics.assemblyRejected(reason: Rejection.bytes.metricLabel)
            throw HTTPError(503, "the assembly buffer holds \(buffer.bytes) bytes; \(demand.bytes) more would pass its limit of \(settings.maxBytes) (\(Setting.assemblyMaxBytes.names)); retry shortly",
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
                                now: ContinuousClock.Instant, timing: AssemblyBuffer.Timing) -> [AssemblyBuffer.Waiter] {
        var finished: [AssemblyBuffer.Waiter] = []
        for pairID in pairIDs where buffer.open[pairID]?.isComplete == true {
            finished += close(pairID, .complete, in: &buffer, now: now, timing: timing)
        }
        return finished
    }

    // MARK: Shared

    /// Scores a group and counts it; returns the requests it fully answered.
    private func close(_ pairID: String, _ outcome: Outcome, in buffer: inout AssemblyBuffer,
                       now: ContinuousClock.Instant, timing: AssemblyBuffer.Timing) -> [AssemblyBuffer.Waiter] {
        guard let closed = buffer.close(pairID, as: outcome, now: now, timing: timing) else { return [] }
        metrics.assemblyGroupDone(outcome: outcome.metricLabel, wait: closed.waited)
        if let step = closed.step {
            runWindows?.add(run: step.run, group: step.group, answers: step.answers, lengths: step.lengths)
        }
        return closed.finished
    }

    /// The answer to a sample that would wait while the server shuts down, or whose group it dropped.
    static let shuttingDown = HTTPError(
        503, "the server is shutting down before this sample's group was complete; send it again (to the restarted replica or another one) so that the group is assembled there",
        headers: [("Retry-After", "1")])

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
