extension AdvantageKind {
    /// GRPO's epsilon in the denominator.
    public static let epsilon = 1e-6

    /// Advantages of one view's rewards.
    public func advantages(_ rewards: [Double]) -> [Double] {
        guard !rewards.isEmpty else { return [] }
        let n = Double(rewards.count)
        var mean = 0.0
        var std = 1.0
        if rewards.count > 1 {
            mean = rewards.reduce(0, +) / n
            let squares = rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            std = (squares / (n - 1)).squareRoot()
        }
        switch self {
        case .grpo: return rewards.map { ($0 - mean) / (std + Self.epsilon) }
        case .drGrpo: return rewards.map { $0 - mean }
        }
    }
}
