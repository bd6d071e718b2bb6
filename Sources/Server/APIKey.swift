/// The optional bearer token that guards every `/v1` route.
public struct APIKey: Sendable {
    private let key: [UInt8]

    /// A key from the contents of a key file (surrounding white space and newlines are dropped).
    public init?(fileContents: String) {
        let trimmed = fileContents.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard !trimmed.isEmpty, !trimmed.contains(" ") else { return nil }
        key = Array(trimmed.utf8)
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
