import Core
import Testing

struct AdvantageTests {
    /// DESIGN.md's formula written out independently: unbiased std, epsilon 1e-6, one rollout -> mean 0, std 1.
    private func formula(_ rewards: [Double], _ kind: AdvantageKind) -> [Double] {
        let n = Double(rewards.count)
        let mean = rewards.count == 1 ? 0 : rewards.reduce(0, +) / n
        let variance = rewards.count == 1 ? 1 : rewards.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)
        return rewards.map { kind == .grpo ? ($0 - mean) / (variance.squareRoot() + 1e-6) : $0 - mean }
    }

    @Test(arguments: [
        [1.0, 1, 0],
        [1, 0, 0, 0, 1, 1, 1, 0],
        [0.25, 0.5, 0.75],
        [1],                 // a one-rollout view
        [0],
        [1, 1, 1, 1],        // an all-equal view: std 0, advantages 0
        [0, 0],
    ] as [[Double]])
    func followTheFormula(rewards: [Double]) {
        for kind in AdvantageKind.allCases {
            let got = kind.advantages(rewards)
            let want = formula(rewards, kind)
            #expect(got.count == want.count)
            for (g, w) in zip(got, want) {
                #expect(abs(g - w) <= 1e-12, "\(kind) \(rewards)")
            }
        }
    }

    @Test func matchesTheDesignExample() {
        let got = AdvantageKind.grpo.advantages([1, 1, 0])
        #expect(abs(got[0] - 0.577) < 1e-3)
        #expect(abs(got[2] - -1.155) < 1e-3)
    }

    @Test func oneRolloutKeepsItsReward() {
        #expect(AdvantageKind.grpo.advantages([1]) == [1 / (1 + 1e-6)])
        #expect(AdvantageKind.drGrpo.advantages([1]) == [1])
        #expect(AdvantageKind.grpo.advantages([1, 1, 1]) == [0, 0, 0])
    }
}
