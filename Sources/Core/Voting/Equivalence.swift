/// How two extracted answers are compared.
public enum Equivalence: String, Sendable, CaseIterable {
    /// The strings as extracted, byte for byte: what the Co-Reward reference does.
    case exact

    /// True when the two answers count as the same answer under this mode.
    public func equivalent(_ a: String, _ b: String) -> Bool {
        switch self {
        case .exact: return a == b
        }
    }

    /// Sorts answers into equivalence classes, numbered in order of first appearance.
    /// Answers that do not vote (missing, empty or white space only) get no class.
    public func classify(_ answers: [String?]) -> AnswerClasses {
        var classOf = [Int?](repeating: nil, count: answers.count)
        var firstMember: [Int] = []
        switch self {
        case .exact:
            var classByText: [String: Int] = [:]
            classByText.reserveCapacity(answers.count)
            for (index, answer) in answers.enumerated() {
                guard let answer, AnswerClasses.votes(answer) else { continue }
                if let known = classByText[answer] {
                    classOf[index] = known
                } else {
                    let id = firstMember.count
                    classByText[answer] = id
                    firstMember.append(index)
                    classOf[index] = id
                }
            }
        }
        return AnswerClasses(classOf: classOf, firstMember: firstMember)
    }
}
