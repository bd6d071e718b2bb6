import Synchronization

/// A received request: method, path, headers and the whole body.
public struct HTTPRequest {
    public let method: String
    /// The path without the query string.
    public let path: String
    /// The body bytes; `body.count + JSONDocument.padding` bytes are readable at `body.baseAddress`.
    public let body: UnsafeRawBufferPointer
    /// Readable bytes at the body's address (at least the body plus the JSON parser's padding).
    let bodyCapacity: Int
    /// Looks up a request header by name (case-insensitive).
    public let header: (String) -> String?
    /// Parks the request so that it can be answered later, from any thread, without holding a worker thread
    /// meanwhile; the handler then returns `HTTPResponse.deferred`. Nil where the transport cannot wait
    /// (answering without a network).
    var suspend: (() -> HTTPResponder)?
    /// Registers what to do once the request is over: called once, with true when the whole answer was sent to
    /// the client and false when the connection failed or was closed first. Nil where the transport cannot tell.
    var whenDone: ((@escaping @Sendable (_ delivered: Bool) -> Void) -> Void)?

    init(method: String, path: String, body: UnsafeRawBufferPointer, bodyCapacity: Int,
         header: @escaping (String) -> String?, suspend: (() -> HTTPResponder)? = nil,
         whenDone: ((@escaping @Sendable (_ delivered: Bool) -> Void) -> Void)? = nil) {
        self.method = method
        self.path = path
        self.body = body
        self.bodyCapacity = bodyCapacity
        self.header = header
        self.suspend = suspend
        self.whenDone = whenDone
    }
}

/// Answers a parked request, once, from any thread.
public final class HTTPResponder: Sendable {
    private let deliver: @Sendable (HTTPResponse) -> Void
    private let isClientGone: @Sendable () -> Bool
    private let answered = Mutex<Bool>(false)

    init(deliver: @escaping @Sendable (HTTPResponse) -> Void, clientGone: @escaping @Sendable () -> Bool) {
        self.deliver = deliver
        self.isClientGone = clientGone
    }

    /// Sends the answer; later calls do nothing.
    public func respond(_ response: HTTPResponse) {
        answered.withLock { answered in
            guard !answered else { return }
            answered = true
            deliver(response)
        }
    }

    /// True once the client has hung up (or the request was answered): a retry may then take its place.
    public var clientGone: Bool {
        answered.withLock { answered in answered || isClientGone() }
    }

    /// A responder that passes the answer through `transform` before sending it.
    func mapping(_ transform: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> HTTPResponder {
        HTTPResponder(deliver: { [self] in respond(transform($0)) }, clientGone: { [self] in clientGone })
    }
}
