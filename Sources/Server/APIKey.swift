/// The optional bearer token that guards every `/v1` route.
public struct APIKey: Sendable {
    private let key: [UInt8]

    /// A key from the bytes of a key file (surrounding white space and newlines are dropped): one token of
    /// visible ASCII (RFC 6750's token characters and the like, 0x21–0x7E), nil for anything else. Other bytes are
    /// refused rather than decoded: invalid UTF-8 read as U+FFFD on both sides would let a different header match.
    public init?(fileContents: [UInt8]) {
        let blank: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        guard let first = fileContents.firstIndex(where: { !blank.contains($0) }),
              let last = fileContents.lastIndex(where: { !blank.contains($0) }) else { return nil }
        let token = fileContents[first ... last]
        guard token.allSatisfy({ (0x21 ... 0x7E).contains($0) }) else { return nil }
        key = Array(token)
    }

    /// Whether an `Authorization` header carries this key as `Bearer <key>`, compared in constant time
    /// (the time depends on the lengths only, never on where the bytes differ).
    func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let prefix = Array("bearer ".utf8)
        let given = Array(authorization.utf8)
        guard given.count > prefix.count,
              zip(given.prefix(prefix.count), prefix).allSatisfy({ ($0 | 0x20) == $1 }) else { return false }
        let token = given.dropFirst(prefix.count)
        var difference = UInt8(token.count == key.count ? 0 : 1)
        for (index, byte) in token.enumerated() {
            difference |= byte ^ key[index % key.count]
        }
        return difference == 0
    }
}
