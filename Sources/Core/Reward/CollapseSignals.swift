/// The signals by which a self-rewarded run shows collapse, over one scored batch (issue 17). Label-free RL's known
/// failure is the policy giving one answer to every question (or none, or ever shorter ones) while majority-vote
/// rewards climb; each signal below moves when that happens.
///
/// - `answerConcentration`: the share of groups whose answer falls in the batch's most common answer class. A
///   group's answer is the pseudo-label most of its views elected (the first view's on a tie). Classes are found in
///   linear time: answers are bucketed by their text, then the largest `mergedClasses` buckets are merged by the
///   equivalence in force (so `0.5` and `\frac12` count as one when both are among the most common forms; a rare
///   spelling outside them counts apart). 1 when every question gets the same answer.
/// - `topAnswerShare`: the share of all valid answers of the batch (every rollout of every view) in its most common
///   answer class, found the same way. It moves first when a constant answer spreads: a minority answer in every
///   group before it wins any.
/// - `answerClassesPerGroup`: the mean number of distinct classes among a group's views' pseudo-labels (1 when the
///   views agree).
/// - `consensus`: the mean, over views that had valid votes, of the share of those votes won by the winner. 1 when
///   every rollout of a question gives the same answer.
/// - `meanResponseBytes`, `p10ResponseBytes`: the length of the responses in UTF-8 bytes, mean and 10th percentile
///   (nearest rank). Falling when answers shrink to a few tokens.
public struct CollapseSignals: Sendable, Equatable {
    /// Buckets merged by the equivalence engine (pairwise, so at most 120 comparisons per batch).
    public static let mergedClasses = 16

    public let answerConcentration: Double
    public let topAnswerShare: Double
    public let answerClassesPerGroup: Double
    public let consensus: Double
    public let meanResponseBytes: Double
    public let p10ResponseBytes: Int

    /// The signals of a batch: its scored groups, every extracted answer (nil where none was found), and the byte
    /// length of every response in it.
    public init(groups: [ScoredGroup], answers: [String?], responseBytes: [Int], equivalence: Equivalence) {
        var groupAnswers: [String] = []
        groupAnswers.reserveCapacity(groups.count)
        var classesSum = 0
        var consensusSum = 0.0
        var consensusViews = 0
        for group in groups {
            let labels = group.views.map(\.pseudoLabel)
            let classes = equivalence.classify(labels.map { Optional($0) })
            let counts = classes.firstMember.indices.map { id in classes.classOf.lazy.filter { $0 == id }.count }
            classesSum += counts.count
            if let top = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }) {
                groupAnswers.append(labels[classes.firstMember[top]])
            }
            for view in group.views {
                if let votes = view.votes, votes.valid > 0 {
                    consensusSum += Double(votes.winner) / Double(votes.valid)
                    consensusViews += 1
                }
            }
        }
        answerConcentration = groups.isEmpty ? 0 : Double(Self.largestClass(groupAnswers, equivalence)) / Double(groups.count)
        let valid = answers.compactMap { $0 }.filter(AnswerClasses.votes)
        topAnswerShare = valid.isEmpty ? 0 : Double(Self.largestClass(valid, equivalence)) / Double(valid.count)
        answerClassesPerGroup = groups.isEmpty ? 0 : Double(classesSum) / Double(groups.count)
        consensus = consensusViews == 0 ? 0 : consensusSum / Double(consensusViews)
        meanResponseBytes = responseBytes.isEmpty ? 0 : Double(responseBytes.reduce(0, +)) / Double(responseBytes.count)
        p10ResponseBytes = Self.percentile(responseBytes, 0.1)
    }

    /// The size of the largest class of `answers`, found in linear time plus a constant number of engine calls.
    static func largestClass(_ answers: [String], _ equivalence: Equivalence) -> Int {
        var bucketOf: [String: Int] = [:]
        var sizes: [Int] = []
        var representatives: [String] = []
        for answer in answers where AnswerClasses.votes(answer) {
            let key = answer
            if let bucket = bucketOf[key] {
                sizes[bucket] += 1
            } else {
                bucketOf[key] = sizes.count
                sizes.append(1)
                representatives.append(answer)
            }
        }
        guard equivalence == .math, sizes.count > 1 else { return sizes.max() ?? 0 }
        // Merge the largest buckets (union-find over at most `mergedClasses`).
        let top = sizes.indices.sorted { sizes[$0] > sizes[$1] }.prefix(mergedClasses)
        var parent = Dictionary(uniqueKeysWithValues: top.map { ($0, $0) })
        func root(_ x: Int) -> Int { var x = x; while let p = parent[x], p != x { x = p }; return x }
        let members = Array(top)
        for i in members.indices {
            for j in (i + 1)..<members.count where root(members[i]) != root(members[j]) {
                if equivalence.equivalent(representatives[members[i]], representatives[members[j]]) {
                    parent[root(members[j])] = root(members[i])
                }
            }
        }
        var merged: [Int: Int] = [:]
        for member in members { merged[root(member), default: 0] += sizes[member] }
        return max(merged.values.max() ?? 0, sizes.max() ?? 0)
    }

    /// The nearest-rank percentile of `values` (0 when empty).
    static func percentile(_ values: [Int], _ p: Double) -> Int {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
        return sorted[min(sorted.count, rank) - 1]
    }
}
