/// An input that Core cannot score, with the JSON Pointer (relative to the request) of the field at fault.
public struct CoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON Pointer of the offending field, e.g. `/groups/3/views`.
    public let pointer: String
    /// What is wrong, for a human.
    public let detail: String

    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }

    public var description: String { "\(pointer): \(detail)" }
}
