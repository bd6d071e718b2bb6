/// The equivalence classes of a list of answers.
public struct AnswerClasses: Sendable, Equatable {
    /// For each answer, its class (numbered in order of first appearance), or nil when it does not vote.
    public let classOf: [Int?]
    /// For each class, the index of its first member.
    public let firstMember: [Int]

    public init(classOf: [Int?], firstMember: [Int]) {
        self.classOf = classOf
        self.firstMember = firstMember
    }

    /// Number of classes.
    public var count: Int { firstMember.count }

    /// Whether an answer takes part in a vote: empty and white-space-only answers do not
    /// (the reference drops `a` when `str(a).strip() == ''`; Python's white space is Unicode's
    /// White_Space plus the separators U+001C to U+001F).
    public static func votes(_ answer: String) -> Bool {
        for byte in answer.utf8 {
            switch byte {
            case 0x09 ... 0x0D, 0x1C ... 0x20: continue  // ASCII white space, Python's sense
            case 0x80...: return answer.unicodeScalars.contains { !$0.properties.isWhitespace && !(0x1C...0x1F).contains($0.value) }
            default: return true
            }
        }
        return false
    }
}
