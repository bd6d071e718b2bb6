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
