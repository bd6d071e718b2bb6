/// One sample's answer in `/get_reward`.
struct SampleResult: Sendable, Equatable {
    let reward: Double
    let answerFound: Bool
    let groupComplete: Bool
    let assemblyTimeout: Bool
    let viewsAgree: Bool
    let labelCorrect: Bool?
}
