/// What a handler knows about the request beyond its bytes: its id and its time budget.
public struct RequestContext: Sendable {
    /// The request id (`X-Request-Id`, generated when absent), echoed in the response and the access log.
    public let id: String
    /// When the request's time budget runs out.
    public let deadline: ContinuousClock.Instant

    /// Throws a 503 with `Retry-After` once the budget is spent: never a silently partial answer.
    public func checkDeadline() throws(HTTPError) {
        if ContinuousClock.now >= deadline {
            throw HTTPError(503, "the request took longer than its time budget (\(Setting.requestTimeoutSeconds.names)); split the batch or raise the budget",
                            headers: [("Retry-After", "1")])
        }
    }

    /// A valid incoming id is kept (printable ASCII, at most 128 characters); anything else is replaced.
    static func requestID(from header: String?) -> String {
        if let header, !header.isEmpty, header.utf8.count <= 128,
           header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return header
        }
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
