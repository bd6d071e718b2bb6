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
    /// The training run the sample belongs to, when its label names one (issue 17).
    var run: String? = nil

    /// The memory a waiting sample holds, counted against `--assembly-max-bytes`: its texts plus a fixed share for
    /// the sample's and its request's bookkeeping (the request's body is not kept while it waits).
    var heldBytes: Int {
        response.count + (answer?.utf8.count ?? 0) + pairID.utf8.count + (label?.utf8.count ?? 0) + pointer.utf8.count
            + (run?.utf8.count ?? 0)
            + Self.overhead
    }

    /// Bookkeeping per waiting sample (its entry, its waiter's slot and result, the parked connection's state).
    static let overhead = 256
}
