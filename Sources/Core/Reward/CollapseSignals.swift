import Equivalence

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
        var accumulator = Accumulator(equivalence: equivalence)
        for group in groups { accumulator.add(group) }
        accumulator.add(answers: answers)
        accumulator.add(responseLengths: responseBytes.map { UInt32(clamping: $0) })
        self = accumulator.signals()
    }

    init(answerConcentration: Double, topAnswerShare: Double, answerClassesPerGroup: Double, consensus: Double,
         meanResponseBytes: Double, p10ResponseBytes: Int) {
        self.answerConcentration = answerConcentration
        self.topAnswerShare = topAnswerShare
        self.answerClassesPerGroup = answerClassesPerGroup
        self.consensus = consensus
        self.meanResponseBytes = meanResponseBytes
        self.p10ResponseBytes = p10ResponseBytes
    }

    /// Gathers a batch's signals as it is scored, group by group, in bounded memory: a group's answer (one string
    /// per group), answer counts in at most `counters` entries (Misra-Gries: a count is short by at most the number
    /// of answers over `counters + 1`, a tenth of a percent at the default), and response lengths as 32-bit numbers.
    public struct Accumulator: Sendable {
        /// Distinct answer texts counted at once.
        public static let counters = 1024

        private let equivalence: Equivalence
        private var groupAnswers: [String] = []
        private var groups = 0
        private var classesSum = 0
        private var consensusSum = 0.0
        private var consensusViews = 0
        private var answerCounts: [String: Int] = [:]
        private var validAnswers = 0
        private var lengths: [UInt32] = []
        private var lengthSum = 0

        /// An empty batch whose answers are compared by `equivalence`.
        public init(equivalence: Equivalence) {
            self.equivalence = equivalence
        }

        /// Adds a scored group.
        public mutating func add(_ group: ScoredGroup) {
            groups += 1
            let labels = group.views.map(\.pseudoLabel).filter(AnswerClasses.votes)
            if let first = labels.first, labels.allSatisfy({ $0 == first }) {
                // One text (the usual case): one class, no parsing on the hot path.
                classesSum += 1
                groupAnswers.append(first)
            } else if labels.count == 2, group.views.count == 2 {
                // Two views: they agree exactly when the scorer found them equivalent; a tie goes to the first.
                classesSum += group.viewsAgree ? 1 : 2
                groupAnswers.append(labels[0])
            } else if !labels.isEmpty {
                let classes = equivalence.classify(labels.map { Optional($0) })
                let counts = classes.firstMember.indices.map { id in classes.classOf.lazy.filter { $0 == id }.count }
                classesSum += counts.count
                if let top = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }) {
                    groupAnswers.append(labels[classes.firstMember[top]])
                }
            }
            for view in group.views {
                if let votes = view.votes, votes.valid > 0 {
                    consensusSum += Double(votes.winner) / Double(votes.valid)
                    consensusViews += 1
                }
            }
        }

        /// Adds extracted answers (nil where none was found). An array, not any sequence: a generic call from another
        /// module is not specialised, and its per-element metadata lookups cost more than the counting.
        public mutating func add(answers: [String?]) {
            for case let answer? in answers where AnswerClasses.votes(answer) {
                validAnswers += 1
                if let index = answerCounts.index(forKey: answer) {  // one hash of the text, not two
                    answerCounts.values[index] += 1
                } else if answerCounts.count < Self.counters {
                    answerCounts[answer] = 1
                } else {
                    // Misra-Gries: every counter loses one, and the new answer is not counted.
                    answerCounts = answerCounts.compactMapValues { $0 > 1 ? $0 - 1 : nil }
                }
            }
        }

        /// Adds responses' lengths in UTF-8 bytes (taken without a copy when they are the first).
        public mutating func add(responseLengths: [UInt32]) {
            if lengths.isEmpty { lengths = responseLengths } else { lengths += responseLengths }
            lengthSum += responseLengths.reduce(0) { $0 + Int($1) }
        }

        /// Adds what another accumulator gathered: a later part of the same batch. Past `counters` distinct texts the
        /// two summaries merge as Misra-Gries summaries do (every count loses the `counters + 1`-th largest), with the
        /// same bound on how short a count may be.
        public mutating func add(_ other: Accumulator) {
            groupAnswers += other.groupAnswers
            groups += other.groups
            classesSum += other.classesSum
            consensusSum += other.consensusSum
            consensusViews += other.consensusViews
            validAnswers += other.validAnswers
            add(responseLengths: other.lengths)
            answerCounts.merge(other.answerCounts, uniquingKeysWith: +)
            if answerCounts.count > Self.counters {
                let cut = answerCounts.values.sorted(by: >)[Self.counters]
                answerCounts = answerCounts.compactMapValues { $0 > cut ? $0 - cut : nil }
            }
        }

        /// The signals of what was added.
        public func signals() -> CollapseSignals {
            let top = CollapseSignals.largestClass(counts: answerCounts, equivalence)
            return CollapseSignals(
                answerConcentration: groups == 0 ? 0 : Double(CollapseSignals.largestClass(groupAnswers, equivalence)) / Double(groups),
                topAnswerShare: validAnswers == 0 ? 0 : Double(top) / Double(validAnswers),
                answerClassesPerGroup: groups == 0 ? 0 : Double(classesSum) / Double(groups),
                consensus: consensusViews == 0 ? 0 : consensusSum / Double(consensusViews),
                meanResponseBytes: lengths.isEmpty ? 0 : Double(lengthSum) / Double(lengths.count),
                p10ResponseBytes: Int(CollapseSignals.percentile(lengths, 0.1)))
        }
    }

    /// The size of the largest class of `answers`, found in linear time plus a constant number of engine calls.
    static func largestClass(_ answers: [String], _ equivalence: Equivalence) -> Int {
        var counts: [String: Int] = [:]
        for answer in answers where AnswerClasses.votes(answer) { counts[answer, default: 0] += 1 }
        return largestClass(counts: counts, equivalence)
    }

    /// The size of the largest class of answers counted by text: the `mergedClasses` most common texts are merged
    /// by `equivalence` (at most 120 engine calls).
    static func largestClass(counts: [String: Int], _ equivalence: Equivalence) -> Int {
        let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(mergedClasses).map { ($0.key, $0.value) }
        guard equivalence == .math, top.count > 1 else { return top.first?.1 ?? 0 }
        let parsed = top.map { MathAnswer($0.0) }  // each text parsed once, not once per comparison
        var parent = Array(top.indices)
        func root(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
        for i in top.indices {
            for j in (i + 1)..<top.count where root(i) != root(j) && MathEquivalence.equivalent(parsed[i], parsed[j]) {
                parent[root(j)] = root(i)
            }
        }
        var merged = [Int](repeating: 0, count: top.count)
        for i in top.indices { merged[root(i)] += top[i].1 }
        return merged.max() ?? 0
    }

    /// The nearest-rank percentile of `values` (0 when empty).
    static func percentile<T: BinaryInteger>(_ values: [T], _ p: Double) -> T {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
        return sorted[min(sorted.count, rank) - 1]
    }
}
