import Equivalence

/// How two extracted answers are compared.
public enum Equivalence: String, Sendable, CaseIterable {
    /// Same mathematical object (`\frac12`, `0.5`, `1/2`; `x=3` and `3`; sets unordered; ...): MathEquivalence.
    case math
    /// The strings as extracted, byte for byte: what the Co-Reward reference does.
    case exact

    /// True when the two answers count as the same answer under this mode.
    public func equivalent(_ a: String, _ b: String) -> Bool {
        switch self {
        case .exact: return a == b
        case .math: return MathEquivalence.equivalent(a, b)
        }
    }

    /// Sorts answers into equivalence classes, numbered in order of first appearance.
    /// Answers that do not vote (missing, empty or white space only) get no class. In `math` mode each
    /// distinct text is parsed once; answers with a canonical key are bucketed by it, the others are
    /// compared with each class's first member.
    public func classify(_ answers: [String?]) -> AnswerClasses {
        var classOf = [Int?](repeating: nil, count: answers.count)
        var firstMember: [Int] = []
        var classByText: [String: Int] = [:]
        classByText.reserveCapacity(answers.count)
        var representatives: [MathAnswer] = []
        var classByKey: [String: Int] = [:]
        for (index, answer) in answers.enumerated() {
            guard let answer, AnswerClasses.votes(answer) else { continue }
            if let known = classByText[answer] {
                classOf[index] = known
                continue
            }
            var id: Int?
            if self == .math {
                let parsed = MathAnswer(answer)
                let key = parsed.canonicalKey
                id = key.flatMap { classByKey[$0] }
                    ?? representatives.firstIndex { MathEquivalence.equivalent($0, parsed) }
                if id == nil {
                    representatives.append(parsed)
                }
                if let key { classByKey[key] = classByKey[key] ?? id ?? firstMember.count }
            }
            let assigned = id ?? firstMember.count
            if assigned == firstMember.count {
                firstMember.append(index)
            }
            classByText[answer] = assigned
            classOf[index] = assigned
        }
        return AnswerClasses(classOf: classOf, firstMember: firstMember)
    }
}
