import Core
@testable import Server
import Synchronization
import Testing

/// The group-assembly buffer behind per-sample `/get_reward`, one test per rule of README's "Group assembly",
/// "Retries" and "Bounds". Time is a hand-moved clock and the buffer moves only on `tick()`: nothing sleeps.
struct GroupAssemblerTests {
    // MARK: Completion

    /// A sample waits until every view of its pair holds n samples; then the group is scored at once and every
    /// waiting request answered, by the definition of `/v1/reward`.
    @Test func aGroupIsScoredWhenEveryViewHoldsN() throws {
        let buffer = Harness()
        let first = try buffer.send(sample("q", view: 0, n: 2, "a \\boxed{2}"))
        let second = try buffer.send(sample("q", view: 0, n: 2, "b \\boxed{1}"))
        let third = try buffer.send(sample("q", view: 1, n: 2, "c \\boxed{2}"))
        #expect([first, second, third].allSatisfy { $0.wasParked && $0.results == nil })
        #expect(buffer.assembler.occupancy == .init(waiting: 3, bytes: 3 * waitingBytes("q", "a \\boxed{2}"), openGroups: 1,
                                                    keptGroups: 0, reserved: 4))

        let last = try buffer.send(sample("q", view: 1, n: 2, "d \\boxed{2}"))
        #expect(!last.wasParked)
        // View 0 is voted by view 1 (2); view 1 by view 0, a 1-1 tie that "a \boxed{2}" wins in byte order.
        #expect([first, second, third, last].map { $0.results?.map(\.reward) } == [[1], [0], [1], [1]])
        let all = [first, second, third, last].compactMap { $0.results?.first }
        #expect(all.count == 4 && all.allSatisfy { $0.groupComplete && !$0.assemblyTimeout && $0.answerFound })
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 4 * keptBytes("a \\boxed{2}"), openGroups: 0,
                                                    keptGroups: 1))
        #expect(buffer.metric(#"coreward_assembly_groups_total{outcome="complete"}"#) == 1)
        #expect(buffer.metric("coreward_assembly_waiting_requests") == 0)
    }

    /// A batch shard holding a whole pair completes its group itself: answered at once, no parking needed.
    @Test func aWholePairInOneRequestIsAnsweredAtOnce() throws {
        let buffer = Harness()
        let request = try buffer.send(sample("q", view: 0, n: 1, "\\boxed{3}"), sample("q", view: 1, n: 1, "\\boxed{3}"),
                                      canPark: false)
        #expect(!request.wasParked)
        #expect(request.results?.map(\.reward) == [1, 1])
        #expect(request.results?.allSatisfy { $0.groupComplete && $0.viewsAgree } == true)
    }

    /// A request waits for every group it joins; its answer keeps each slot in request order, the slots scored
    /// before the assembler (ground-truth samples) included.
    @Test func aRequestWaitsForEveryGroupItJoins() throws {
        let buffer = Harness()
        let groundTruth = SampleResult(reward: 1, answerFound: true, groupComplete: true, assemblyTimeout: false,
                                       viewsAgree: false, labelCorrect: true)
        let request = try buffer.send(slots: [groundTruth, nil, nil],
                                      [sample("p", view: 0, n: 1, "\\boxed{4}"), sample("q", view: 0, n: 1, "\\boxed{5}")])
        _ = try buffer.send(sample("p", view: 1, n: 1, "\\boxed{4}"))
        #expect(request.results == nil)
        _ = try buffer.send(sample("q", view: 1, n: 1, "\\boxed{6}"))
        #expect(request.results?.map(\.reward) == [1, 1, 0])
        #expect(request.results?.first == groundTruth)
    }

    /// Without a transport that can park a request (answering without a network), a sample that would wait is a
    /// clear 503, and nothing of it stays behind.
    @Test func aSampleThatWouldWaitWithoutParkingIs503() {
        let buffer = Harness()
        let error = #expect(throws: HTTPError.self) {
            try buffer.send(sample("q", view: 0, n: 2, "\\boxed{1}"), canPark: false)
        }
        #expect(error?.status == 503)
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 0, openGroups: 0, keptGroups: 0))
    }

    // MARK: Timeout and shutdown

    /// A group still incomplete `--assembly-timeout-seconds` after its first sample is scored with what it holds
    /// and says so: `assembly_timeout` 1, `group_complete` 0. Later samples do not move the deadline.
    @Test func anIncompleteGroupIsScoredWithWhatItHoldsAtTheTimeout() throws {
        let buffer = Harness { $0.timeoutSeconds = 120 }
        let first = try buffer.send(sample("q", view: 0, n: 2, "a \\boxed{2}"))
        buffer.clock.advance(.seconds(60))
        let second = try buffer.send(sample("q", view: 0, n: 2, "b \\boxed{2}"))
        let third = try buffer.send(sample("q", view: 1, n: 2, "c \\boxed{2}"))
        let lonely = try buffer.send(sample("r", view: 0, n: 2, "\\boxed{2}"))  // opened 60 s later
        buffer.clock.advance(.seconds(60) - .milliseconds(1))
        buffer.tick()
        #expect([first, second, third, lonely].allSatisfy { $0.results == nil })

        buffer.clock.advance(.milliseconds(1))
        buffer.tick()
        #expect([first, second, third].map { $0.results?.map(\.reward) } == [[1], [1], [1]])
        #expect(lonely.results == nil)
        let flagged = [first, second, third].compactMap { $0.results?.first }
        #expect(flagged.count == 3 && flagged.allSatisfy { $0.assemblyTimeout && !$0.groupComplete })
        #expect(buffer.metric(#"coreward_assembly_groups_total{outcome="timeout"}"#) == 1)

        // A view whose other views hold nothing has an empty pseudo-label: reward 0, flagged, never silent.
        buffer.clock.advance(.seconds(60))
        buffer.tick()
        #expect(lonely.results?.map(\.reward) == [0])
        #expect(lonely.results?.first?.assemblyTimeout == true)
        #expect(buffer.assembler.occupancy.waiting == 0)
    }

    /// On SIGTERM no incomplete group is scored: every waiting request gets a retryable 503 at once (the trainer's
    /// retries rebuild the group on the restarted replica), and so does any later request that would wait. A
    /// request that needs no waiting (a whole pair) is still answered.
    @Test func drainingRefusesEveryIncompleteGroupWithARetryable503() throws {
        let buffer = Harness()
        let waiting = [
            try buffer.send(sample("p", view: 0, n: 2, "\\boxed{1}")),
            try buffer.send(sample("q", view: 1, n: 3, "\\boxed{1}")),
        ]
        buffer.assembler.beginDraining()
        for request in waiting {
            #expect(request.failure?.status == 503)
            #expect(request.failure?.headers.contains { $0 == ("Retry-After", "1") } == true)
        }
        #expect(buffer.metric(#"coreward_assembly_groups_total{outcome="shutdown"}"#) == 2)
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 0, openGroups: 0, keptGroups: 0))

        let late = #expect(throws: HTTPError.self) { try buffer.send(sample("r", view: 0, n: 2, "\\boxed{1}")) }
        #expect(late?.status == 503)
        #expect(late?.headers.contains { $0 == ("Retry-After", "1") } == true)
        let whole = try buffer.send(sample("s", view: 0, n: 1, "\\boxed{2}"), sample("s", view: 1, n: 1, "\\boxed{2}"))
        #expect(whole.results?.map(\.reward) == [1, 1])
        #expect(buffer.metric(#"coreward_assembly_groups_total{outcome="timeout"}"#) == 0)
        #expect(buffer.assembler.occupancy.waiting == 0)
    }

    // MARK: Retries

    /// A waiting sample whose client hung up is taken over by its retry, not counted twice: the group completes
    /// with n samples per view.
    @Test func aRetryTakesThePlaceOfAWaitingSampleWhoseClientHungUp() throws {
        let buffer = Harness()
        let lost = try buffer.send(sample("q", view: 0, n: 2, "a \\boxed{1}"))
        lost.hangUp()
        let retry = try buffer.send(sample("q", view: 0, n: 2, "a \\boxed{1}"))
        #expect(retry.wasParked)
        #expect(buffer.metric("coreward_assembly_retries_total") == 1)
        #expect(buffer.assembler.occupancy.bytes == waitingBytes("q", "a \\boxed{1}"))  // the retry adds no sample

        _ = try buffer.send(sample("q", view: 0, n: 2, "b \\boxed{1}"))
        _ = try buffer.send(sample("q", view: 1, n: 2, "c \\boxed{1}"))
        let last = try buffer.send(sample("q", view: 1, n: 2, "d \\boxed{1}"))
        #expect(!last.wasParked)
        #expect(retry.results?.first?.groupComplete == true)
        #expect(retry.results?.map(\.reward) == [1])
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 4 * keptBytes("a \\boxed{1}"), openGroups: 0,
                                                    keptGroups: 1))
    }

    /// Identical responses from clients still connected are distinct samples: short answers do repeat.
    @Test func identicalResponsesFromLiveClientsAreDistinctSamples() throws {
        let buffer = Harness()
        let twins = [try buffer.send(sample("q", view: 0, n: 2, "\\boxed{7}")),
                     try buffer.send(sample("q", view: 0, n: 2, "\\boxed{7}"))]
        #expect(buffer.assembler.occupancy.waiting == 2)
        _ = try buffer.send(sample("q", view: 1, n: 2, "x \\boxed{7}"))
        _ = try buffer.send(sample("q", view: 1, n: 2, "y \\boxed{7}"))
        #expect(twins.map { $0.results?.map(\.reward) } == [[1], [1]])
        #expect(twins.allSatisfy { $0.results?.first?.groupComplete == true })
        #expect(buffer.metric("coreward_assembly_retries_total") == 0)
    }

    // MARK: Retention and the guard period

    /// An answer that never reached its client is kept `--assembly-retention-seconds`: its retry gets the same
    /// answer at once and is not counted as a new sample. After retention it is gone, and the same sample starts
    /// a new group.
    @Test func anUndeliveredAnswerIsKeptForARetryUntilRetentionEnds() throws {
        let buffer = Harness { $0.retentionSeconds = 900 }
        let pair = [sample("q", view: 0, n: 1, "a \\boxed{1}"), sample("q", view: 1, n: 1, "b \\boxed{2}")]
        let first = try buffer.send(pair[0])
        let second = try buffer.send(pair[1])
        let answered = try #require(first.results)
        #expect(second.results != nil)
        first.finish(delivered: false)
        second.finish(delivered: false)

        buffer.clock.advance(.seconds(900) - .milliseconds(1))
        buffer.tick()
        let retry = try buffer.send(pair[0])
        #expect(!retry.wasParked)
        #expect(retry.results == answered)
        let shard = try buffer.send(pair[1], pair[0])  // a batch resent after its answer
        #expect(shard.results == second.results.map { $0 + answered })
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 2 * keptBytes("a \\boxed{1}"), openGroups: 0,
                                                    keptGroups: 1))

        buffer.clock.advance(.milliseconds(1))
        buffer.tick()
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 0, openGroups: 0, keptGroups: 0))
        let after = try buffer.send(pair[0])
        #expect(after.wasParked)
        #expect(buffer.assembler.occupancy.openGroups == 1)
    }

    /// Once every answer of a group has been delivered, its answers are kept only for `--assembly-guard-seconds`:
    /// a byte-identical re-send within it gets the same answer; after it the same pair and bytes (a new epoch)
    /// start a new group instead of getting the old answer.
    @Test func aDeliveredAnswerIsForgottenAfterTheGuardPeriod() throws {
        let buffer = Harness { $0.retentionSeconds = 900; $0.guardSeconds = 60 }
        let pair = [sample("q", view: 0, n: 1, "a \\boxed{1}"), sample("q", view: 1, n: 1, "b \\boxed{1}")]
        let first = try buffer.send(pair[0])
        let second = try buffer.send(pair[1])
        let answered = try #require(first.results)
        first.finish(delivered: true)
        second.finish(delivered: true)

        buffer.clock.advance(.seconds(30))
        buffer.tick()
        #expect(buffer.assembler.occupancy.keptGroups == 1)
        let resent = try buffer.send(pair[0])
        #expect(!resent.wasParked && resent.results == answered)
        resent.finish(delivered: true)

        buffer.clock.advance(.seconds(30))
        buffer.tick()
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 0, openGroups: 0, keptGroups: 0))
        let nextEpoch = try buffer.send(pair[0])
        #expect(nextEpoch.wasParked && nextEpoch.results == nil)
        #expect(buffer.assembler.occupancy.openGroups == 1)
    }

    /// While one answer of a group is undelivered, the group's answers stay for the retention, not the guard.
    @Test func oneUndeliveredAnswerKeepsItsGroupForTheRetention() throws {
        let buffer = Harness { $0.retentionSeconds = 900; $0.guardSeconds = 60 }
        let first = try buffer.send(sample("q", view: 0, n: 1, "a \\boxed{1}"))
        let second = try buffer.send(sample("q", view: 1, n: 1, "b \\boxed{1}"))
        first.finish(delivered: true)
        second.finish(delivered: false)
        buffer.clock.advance(.seconds(600))
        buffer.tick()
        #expect(buffer.assembler.occupancy.keptGroups == 1)
        #expect(try buffer.send(sample("q", view: 1, n: 1, "b \\boxed{1}")).results == second.results)
    }

    /// A sample beyond n (its group already complete) is a 409 naming n while the guard period lasts, not the
    /// first sample of a group that would wait for the timeout; after the guard period the pair may start again.
    @Test func aSampleBeyondNAfterItsGroupCompletedIs409() throws {
        let buffer = Harness { $0.guardSeconds = 60 }
        _ = try buffer.send(sample("q", view: 0, n: 1, "a \\boxed{1}"))
        _ = try buffer.send(sample("q", view: 1, n: 1, "b \\boxed{1}"))
        buffer.clock.advance(.seconds(5))
        let error = #expect(throws: HTTPError.self) { try buffer.send(sample("q", view: 0, n: 1, "c \\boxed{1}")) }
        #expect(error?.status == 409)
        #expect(error?.pointer == "/labels/0")
        #expect(error?.detail.contains("n=1") == true && error?.detail.contains("--assembly-guard-seconds") == true)
        #expect(buffer.assembler.occupancy.openGroups == 0)

        buffer.clock.advance(.seconds(55))
        buffer.tick()
        #expect(try buffer.send(sample("q", view: 0, n: 1, "c \\boxed{1}")).wasParked)
    }

    // MARK: Bounds

    /// Each open group reserves n × views places under `--assembly-max-waiting`. A request that would open a group
    /// past it gets 503 with `Retry-After` and registers nothing; a request that does not wait is still served.
    @Test func aGroupOpensOnlyIfItsPlacesFitUnderMaxWaiting() throws {
        let buffer = Harness { $0.maxWaiting = 4 }
        let parked = [try buffer.send(sample("p", view: 0, n: 1, "\\boxed{1}")),
                      try buffer.send(sample("q", view: 0, n: 1, "\\boxed{1}"))]
        #expect(buffer.assembler.occupancy.reserved == 4)
        let error = #expect(throws: HTTPError.self) {
            try buffer.send(sample("r", view: 0, n: 1, "\\boxed{1}"))
        }
        #expect(error?.status == 503)
        #expect(error?.headers.contains { $0 == ("Retry-After", "1") } == true)
        #expect(error?.detail.contains("--assembly-max-waiting") == true)
        #expect(buffer.metric(#"coreward_assembly_rejected_total{reason="waiting"}"#) == 1)
        #expect(buffer.assembler.occupancy.openGroups == 2)

        let completing = try buffer.send(sample("p", view: 1, n: 1, "\\boxed{1}"))
        #expect(!completing.wasParked && completing.results?.map(\.reward) == [1])
        #expect(parked[0].results != nil && parked[1].results == nil)
        #expect(try buffer.send(sample("r", view: 0, n: 1, "\\boxed{1}")).wasParked)  // p's places are free again
    }

    /// Admission cannot deadlock: with both bounds full, every sample of an open group is still admitted (its
    /// place was reserved when the group opened), so every admitted group completes; only new groups wait.
    @Test func samplesOfOpenGroupsAreAlwaysAdmitted() throws {
        let buffer = Harness { $0.maxWaiting = 8 }
        let firsts = try (0 ..< 2).map { try buffer.send(sample("g\($0)", view: 0, n: 2, "a \\boxed{\($0)}")) }
        #expect(buffer.assembler.occupancy.reserved == 8)
        #expect(throws: HTTPError.self) { try buffer.send(sample("late", view: 0, n: 2, "\\boxed{1}")) }
        var last: RecordingRequest?
        for g in 0 ..< 2 {
            _ = try buffer.send(sample("g\(g)", view: 0, n: 2, "b \\boxed{\(g)}"))
            _ = try buffer.send(sample("g\(g)", view: 1, n: 2, "c \\boxed{\(g)}"))
            last = try buffer.send(sample("g\(g)", view: 1, n: 2, "d \\boxed{\(g)}"))
        }
        #expect(last?.results?.map(\.reward) == [1])
        #expect(firsts.allSatisfy { $0.results?.first?.groupComplete == true })
        #expect(buffer.assembler.occupancy.openGroups == 0 && buffer.assembler.occupancy.reserved == 0)
    }

    /// `--assembly-max-bytes` bounds what new groups may add: kept answers are dropped, oldest first, to make
    /// room; when that is not enough, a request opening a group gets 503 with `Retry-After`. A sample joining an
    /// open group is admitted regardless.
    @Test func keptAnswersMakeRoomOldestFirstThenRequestsAre503() throws {
        let buffer = Harness { $0.maxBytes = 10_000 }
        let (x, y, z, w, v) = (padded("x", 2000, "\\boxed{1}"), padded("y", 2000, "\\boxed{1}"),
                               padded("z", 4000, "\\boxed{2}"), padded("w", 4000, "\\boxed{3}"),
                               padded("v", 4000, "\\boxed{4}"))
        for pair in ["old", "new"] {  // two answered pairs: 4 kept answers of about 2,000 bytes
            _ = try buffer.send(sample(pair, view: 0, n: 1, x), sample(pair, view: 1, n: 1, y))
        }
        let pairKept = 2 * keptBytes(x)
        #expect(buffer.assembler.occupancy == .init(waiting: 0, bytes: 2 * pairKept, openGroups: 0, keptGroups: 2))

        _ = try buffer.send(sample("c", view: 0, n: 1, z))  // 8,256 + 4,267 > 10,000: "old" goes
        #expect(buffer.assembler.occupancy == .init(waiting: 1, bytes: pairKept + waitingBytes("c", z), openGroups: 1,
                                                    keptGroups: 1, reserved: 2))
        let kept = try buffer.send(sample("new", view: 0, n: 1, x))
        #expect(!kept.wasParked)  // "new" is still kept; "old" was dropped

        _ = try buffer.send(sample("d", view: 0, n: 1, w))
        #expect(buffer.assembler.occupancy == .init(waiting: 2, bytes: waitingBytes("c", z) + waitingBytes("d", w),
                                                    openGroups: 2, keptGroups: 0, reserved: 4))
        let error = #expect(throws: HTTPError.self) {
            try buffer.send(sample("e", view: 0, n: 1, v))
        }
        #expect(error?.status == 503)
        #expect(error?.headers.contains { $0 == ("Retry-After", "1") } == true)
        #expect(error?.detail.contains("--assembly-max-bytes") == true)
        #expect(buffer.metric(#"coreward_assembly_rejected_total{reason="bytes"}"#) == 1)
        #expect(buffer.assembler.occupancy.bytes == waitingBytes("c", z) + waitingBytes("d", w))

        let joining = try buffer.send(sample("c", view: 1, n: 1, v))  // past the bound, but its group is open
        #expect(joining.results?.first?.groupComplete == true)
    }

    // MARK: Contradictions

    /// A sample that contradicts its pair (another n or views, or a view already full) gets 409 with its label's
    /// pointer, and its request registers none of its samples.
    @Test(arguments: [
        ("another n", [sample("q", view: 1, n: 4, "\\boxed{1}")], "/labels/0", "n=2 and views=2"),
        ("another views", [sample("q", view: 1, n: 2, "\\boxed{1}", views: 3)], "/labels/0", "views=3"),
        ("a full view", [sample("q", view: 0, n: 2, "c \\boxed{1}")], "/labels/0", "already holds its n=2"),
        ("after a good sample", [sample("q", view: 1, n: 2, "c \\boxed{1}"), sample("q", view: 1, n: 3, "d \\boxed{1}")],
         "/labels/1", "n=3"),
        ("within one request", [sample("z", view: 0, n: 2, "\\boxed{1}"), sample("z", view: 1, n: 3, "\\boxed{1}")],
         "/labels/1", "n=3"),
    ])
    func aSampleThatContradictsItsPairIs409(_ name: String, samples: [CoRewardSample], pointer: String,
                                            detail: String) throws {
        let buffer = Harness()
        _ = try buffer.send(sample("q", view: 0, n: 2, "a \\boxed{1}"))
        _ = try buffer.send(sample("q", view: 0, n: 2, "b \\boxed{1}"))
        let before = buffer.assembler.occupancy
        let error = #expect(throws: HTTPError.self) { try buffer.send(samples) }
        #expect(error?.status == 409)
        #expect(error?.pointer == pointer)
        #expect(error?.detail.contains(detail) == true)
        #expect(buffer.assembler.occupancy == before)
        // View 1 still holds nothing: two samples complete the pair.
        _ = try buffer.send(sample("q", view: 1, n: 2, "c \\boxed{1}"))
        #expect(try buffer.send(sample("q", view: 1, n: 2, "d \\boxed{1}")).results?.map(\.reward) == [1])
    }

    // MARK: Canonical order

    /// Rewards never depend on arrival order: both views split 2-2, and each tie goes to the class whose first
    /// member comes first in byte order ("a \boxed{5}" in view 0, "k \boxed{7}" in view 1), in every order.
    @Test func arrivalOrderNeverChangesARewardEvenInATie() throws {
        let view0 = ["a \\boxed{5}", "b \\boxed{7}", "c \\boxed{5}", "d \\boxed{7}"]
        let view1 = ["z \\boxed{5}", "m \\boxed{7}", "y \\boxed{5}", "k \\boxed{7}"]
        let expected = ["a \\boxed{5}": 0.0, "b \\boxed{7}": 1, "c \\boxed{5}": 0, "d \\boxed{7}": 1,
                        "z \\boxed{5}": 1, "m \\boxed{7}": 0, "y \\boxed{5}": 1, "k \\boxed{7}": 0]
        let interleaved = zip(view0, view1).flatMap { [(0, $0), (1, $1)] }
        var orders = (0 ..< interleaved.count).map { Array(interleaved[$0...] + interleaved[..<$0]) }
        orders.append(interleaved.reversed())
        orders.append(interleaved.filter { $0.0 == 1 } + interleaved.filter { $0.0 == 0 })
        for order in orders {
            let buffer = Harness()
            let requests = try order.map { view, text in
                (text, try buffer.send(sample("q", view: view, n: 4, text)))
            }
            for (text, request) in requests {
                #expect(request.results?.map(\.reward) == expected[text].map { [$0] }, "\(text) in \(order)")
            }
        }
    }
}

// MARK: - Helpers

/// A Co-Reward sample whose answer is extracted from `text`; its pointer is set by `Harness.send`.
private func sample(_ pairID: String, view: Int, n: Int, _ text: String, views: Int = 2) -> CoRewardSample {
    CoRewardSample(pairID: pairID, view: view, n: n, views: views, label: nil, response: Array(text.utf8),
                   answer: AnswerExtractor.extract(text)?.answer, pointer: "")
}

/// The bytes a single-sample request's waiting sample counts against `--assembly-max-bytes`.
private func waitingBytes(_ pairID: String, _ text: String) -> Int {
    let answer = AnswerExtractor.extract(text)?.answer ?? ""
    return text.utf8.count + answer.utf8.count + pairID.utf8.count + "/labels/0".utf8.count + CoRewardSample.overhead
}

/// The bytes a kept answer counts.
private func keptBytes(_ text: String) -> Int {
    text.utf8.count + AssemblyBuffer.keptAnswerOverhead
}

/// `bytes` bytes of text: `fill` repeated, then `ending`.
private func padded(_ fill: Character, _ bytes: Int, _ ending: String) -> String {
    String(repeating: fill, count: bytes - ending.utf8.count) + ending
}

/// A clock that moves only when told.
private final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { instant.withLock { $0 } }

    func advance(_ duration: Duration) {
        instant.withLock { $0 = $0 + duration }
    }
}

/// A request as a test sees it: answered at once, or parked and answered later; its client can hang up; the
/// transport tells the assembler whether its answer was delivered when the test says so.
private final class RecordingRequest: ParkedRequest {
    private let state = Mutex<(answers: [Result<[SampleResult], HTTPError>], gone: Bool)>(([], false))
    private let done = Mutex<(@Sendable (Bool) -> Void)?>(nil)
    let wasParked: Bool

    init(parked: Bool) {
        wasParked = parked
    }

    func answer(_ results: Result<[SampleResult], HTTPError>) {
        state.withLock { $0.answers.append(results) }
    }

    var clientGone: Bool { state.withLock { $0.gone || !$0.answers.isEmpty } }

    func hangUp() {
        state.withLock { $0.gone = true }
    }

    /// Registers the assembler's "when done" (as the HTTP server's `whenDone` does).
    func register(_ callback: @escaping @Sendable (Bool) -> Void) {
        done.withLock { $0 = callback }
    }

    /// The transport finished the request: its answer reached the client, or not.
    func finish(delivered: Bool) {
        let callback = done.withLock { $0 }
        #expect(callback != nil, "the assembler registered nothing for the end of the request")
        callback?(delivered)
    }

    /// The error it was answered with, if any.
    var failure: HTTPError? {
        state.withLock { state in
            guard case .failure(let error)? = state.answers.first else { return nil }
            return error
        }
    }

    /// The results it was answered with; nil while it waits. A second answer would be a bug: it fails the test.
    var results: [SampleResult]? {
        state.withLock { state in
            #expect(state.answers.count <= 1, "answered \(state.answers.count) times")
            guard case .success(let results)? = state.answers.first else { return nil }
            return results
        }
    }
}

/// An assembler with its own clock and metrics.
private struct Harness {
    let clock: ManualClock
    let metrics: ServiceMetrics
    let assembler: GroupAssembler

    init(_ configure: (inout AssemblySettings) -> Void = { _ in }) {
        var settings = AssemblySettings()
        configure(&settings)
        let clock = ManualClock()
        self.clock = clock
        metrics = ServiceMetrics()
        assembler = GroupAssembler(settings: settings, metrics: metrics, clock: { clock.now })
    }

    /// Sends one request holding `samples` (slots 0, 1, ...), parkable unless `canPark` is false.
    @discardableResult
    func send(_ samples: CoRewardSample..., canPark: Bool = true) throws(HTTPError) -> RecordingRequest {
        try send(Array(samples), canPark: canPark)
    }

    @discardableResult
    func send(_ samples: [CoRewardSample], canPark: Bool = true) throws(HTTPError) -> RecordingRequest {
        try send(slots: Array(repeating: nil, count: samples.count), samples, canPark: canPark)
    }

    /// Sends a request whose slots hold `slots` (nil for a Co-Reward sample) and then `samples`, in the nil slots.
    func send(slots: [SampleResult?], _ samples: [CoRewardSample], canPark: Bool = true) throws(HTTPError)
        -> RecordingRequest {
        let open = slots.indices.filter { slots[$0] == nil }
        let placed = zip(open, samples).map { slot, sample in
            (slot: slot, sample: CoRewardSample(pairID: sample.pairID, view: sample.view, n: sample.n,
                                                views: sample.views, label: sample.label, response: sample.response,
                                                answer: sample.answer, pointer: "/labels/\(slot)"))
        }
        let parked = RecordingRequest(parked: true)
        let answered = RecordingRequest(parked: false)
        let done = Mutex<(@Sendable (Bool) -> Void)?>(nil)
        let submission = try assembler.submit(placed, results: slots, park: canPark ? { parked } : nil,
                                              whenDone: { callback in done.withLock { $0 = callback } })
        let request: RecordingRequest
        switch submission {
        case .parked:
            request = parked
        case .answered(let results):
            answered.answer(.success(results))
            request = answered
        }
        if let callback = done.withLock({ $0 }) { request.register(callback) }
        return request
    }

    func tick() {
        assembler.tick()
    }

    /// A metric's value in the Prometheus exposition, `name` with its labels as written there.
    func metric(_ name: String) -> Double? {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }
}
