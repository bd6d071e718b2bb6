import CMicroHTTPD
import Glibc
import Synchronization

/// Handles complete requests; called on libmicrohttpd's worker threads.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
    /// Whether `screen` may refuse anything; when false the server skips it (no request is built twice).
    var screens: Bool { get }
    /// Called once the headers are in, before any of the body is read (the request's body is empty here): the
    /// answer that refuses the request now (say, a missing API key), or nil to read the body and `handle` it.
    func screen(_ request: HTTPRequest) -> HTTPResponse?
}

extension HTTPHandler {
    public var screens: Bool { false }
    public func screen(_ request: HTTPRequest) -> HTTPResponse? { nil }
}

/// How the HTTP listener is set up.
public struct HTTPServerOptions: Sendable {
    public var host: String
    public var port: Int
    public var threads: Int
    public var connectionLimit: Int
    public var connectionTimeoutSeconds: Int
    public var maxBodyBytes: Int
    /// Seconds a connection may spend between requests (opening or after an answer, until the next request's
    /// headers are in); 0 for no limit.
    public var headerTimeoutSeconds: Double
    /// Seconds a request's body may take to arrive after its head; 0 for no limit.
    public var bodyTimeoutSeconds: Double
    /// Most connections from one client address; 0 for no cap.
    public var connectionsPerClient: Int
    /// libmicrohttpd's memory per connection (request head, read buffer, response head): an idle keep-alive
    /// connection holds this much.
    public var connectionMemoryBytes: Int

    public init(host: String, port: Int, threads: Int, connectionLimit: Int, connectionTimeoutSeconds: Int,
                maxBodyBytes: Int, headerTimeoutSeconds: Double = 0, bodyTimeoutSeconds: Double = 0, connectionsPerClient: Int = 0,
                connectionMemoryBytes: Int = 64 * 1024) {
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
        self.connectionsPerClient = connectionsPerClient
        self.connectionMemoryBytes = connectionMemoryBytes
    }
}

/// The libmicrohttpd daemon: the only file that sees `MHD_Daemon` and `MHD_Connection`.
public final class HTTPServer: Sendable {
    let options: HTTPServerOptions
    let handler: any HTTPHandler
    private let daemon = Mutex<DaemonHandle?>(nil)
    /// Requests received and not yet completed.
    let inFlight = Atomic<Int>(0)
    /// Shuts down connections slow to send a request head or body (nil when neither has a timeout).
    let watch: ConnectionWatch?

    /// Why the listener could not start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(options: HTTPServerOptions, handler: any HTTPHandler) {
        self.options = options
        self.handler = handler
        self.watch = options.headerTimeoutSeconds > 0 || options.bodyTimeoutSeconds > 0
            ? ConnectionWatch(headerTimeoutSeconds: options.headerTimeoutSeconds > 0 ? options.headerTimeoutSeconds : .infinity,
                              bodyTimeoutSeconds: options.bodyTimeoutSeconds)
            : nil
    }

    /// The daemon holds an unretained pointer to this object (its callbacks' context): stop it, and so
    /// its worker threads, before the object goes away.
    deinit { stop() }

    /// Starts listening; returns the bound port (useful with port 0).
    public func start() throws(StartError) -> Int {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(options.host, String(options.port), &hints, &found)
        guard status == 0, let found, let address = found.pointee.ai_addr else {
            throw StartError(description: "cannot resolve --host \(options.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(found) }
        let ipv6: Int32 = found.pointee.ai_family == AF_INET6 ? 1 : 0
        let started = coreward_mhd_start(
            ipv6, address, UInt32(max(1, options.threads)), UInt32(max(1, options.connectionLimit)),
            UInt32(max(0, options.connectionTimeoutSeconds)), max(4096, options.connectionMemoryBytes),
            UInt32(max(0, options.connectionsPerClient)),
            // Unretained: `deinit` stops the daemon, so its callbacks never see a freed server.
            accessHandler, Unmanaged.passUnretained(self).toOpaque(),
            requestCompleted, Unmanaged.passUnretained(self).toOpaque(),
            connectionNotified, Unmanaged.passUnretained(self).toOpaque())
        guard let started else {
            throw StartError(description: "cannot listen on \(options.host):\(options.port) (address in use or not permitted?)")
        }
        watch?.startSweeping()
        daemon.withLock { $0 = DaemonHandle(pointer: started) }
        return Int(coreward_mhd_bound_port(started))
    }

    /// Stops accepting new connections; requests already received go on. Connections that the kernel
    /// had already accepted into the listen backlog are handed to the daemon rather than reset, so that a
    /// client whose connect succeeded is answered.
    public func quiesce() {
        daemon.withLock { current in
            guard let current else { return }
            let listener = MHD_quiesce_daemon(current.pointer)
            guard listener >= 0 else { return }
            _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
            while true {
                var address = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let client = withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
                }
                guard client >= 0 else { break }
                let added = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        MHD_add_connection(current.pointer, client, $0, length)
                    }
                }
                if added != .YES { close(client) }
            }
            close(listener)
        }
    }

    /// Closes every connection and stops the worker threads.
    public func stop() {
        let current = daemon.withLock { current -> DaemonHandle? in
            defer { current = nil }
            return current
        }
        if let current { MHD_stop_daemon(current.pointer) }
    }

    /// Requests received and not yet completed.
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }
}

/// The running daemon. libmicrohttpd's daemon calls are thread-safe; the Mutex orders start, quiesce and stop.
private struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Per-request state kept by libmicrohttpd between calls: the body received so far and, for a parked
/// request, where its answer will be left.
private final class RequestState {
    var body: UnsafeMutableRawPointer?
    var count = 0
    var capacity = 0
    var tooLarge = false
    /// Set when the handler parked the request (`HTTPRequest.suspend`).
    var reply: ReplySlot?
    /// Set by the handler through `HTTPRequest.whenDone`: told whether the answer reached the client.
    var done: (@Sendable (Bool) -> Void)?

    deinit { free(body) }

    /// Appends bytes, keeping JSON parser padding after them. False when memory runs out.
    func append(_ bytes: UnsafeRawPointer, _ length: Int) -> Bool {
        let needed = count + length + JSONDocument.padding
        if needed > capacity {
            guard reserve(max(needed, capacity * 2)) else { return false }
        }
        guard let body else { return false }
        (body + count).copyMemory(from: UnsafeRawPointer(bytes), byteCount: length)
        count += length
        return true
    }

    func reserve(_ bytes: Int) -> Bool {
        guard bytes > capacity, let grown = realloc(body, bytes) else { return bytes <= capacity }
        body = grown
        capacity = bytes
        return true
    }

    func dropBody() {
        free(body)
        body = nil
        count = 0
        capacity = 0
    }
}

/// The answer to a parked request, left by whichever thread answers it; the connection's worker thread takes it
/// once libmicrohttpd has resumed the connection.
private final class ReplySlot: Sendable {
    let response = Mutex<HTTPResponse?>(nil)
}

/// A connection handle that may cross threads: libmicrohttpd's resume and connection-info calls are thread-safe,
/// and a parked connection is not freed before it is resumed.
private struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// Parks a request: the connection leaves libmicrohttpd's event loop until the responder resumes it; then
/// libmicrohttpd calls the access handler again, which sends the answer left in the slot.
private func park(_ connection: OpaquePointer, _ state: RequestState) -> HTTPResponder {
    MHD_suspend_connection(connection)
    let slot = ReplySlot()
    state.reply = slot
    let handle = ConnectionHandle(pointer: connection)
    return HTTPResponder(
        deliver: { response in
            slot.response.withLock { $0 = response }
            MHD_resume_connection(handle.pointer)
        },
        clientGone: { coreward_mhd_peer_closed(handle.pointer) != 0 })
}

/// libmicrohttpd calls this on a worker thread: once after the headers, once per body chunk, once at the end
/// (and once more after a parked request is resumed).
private let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, version, uploadData, uploadDataSize, context in
    guard let cls, let connection, let context, let uploadDataSize else { return .NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    let limit = server.options.maxBodyBytes

    guard let existing = context.pointee else {
        // Headers received: set up state; refuse a declared body over the limit before reading it.
        let state = RequestState()
        context.pointee = Unmanaged.passRetained(state).toOpaque()  // released in requestCompleted
        server.inFlight.add(1, ordering: .relaxed)
        if let watch = server.watch, let id = connectionID(connection) {
            watch.requestStarted(id)
        }
        // libmicrohttpd has queued its own answer (a malformed Content-Length) and would send its status line
        // twice: close instead.
        if coreward_mhd_queued_status(connection) != 0 {
            return .NO
        }
        if let refused = RequestHead.refusal(version: version.map { String(cString: $0) } ?? "",
                                             headers: headerLines(connection)) {
            return queue(refused.response, on: connection)
        }
        // Refused on its headers (no API key, say): answered before a byte of its body is read or held.
        if server.handler.screens {
            let refused = [UInt8](repeating: 0, count: JSONDocument.padding).withUnsafeBytes { empty in
                server.handler.screen(headersOnly(connection, method: method, url: url, padding: empty))
            }
            if let refused {
                return queue(refused, on: connection)
            }
        }
        let declared = coreward_mhd_content_length(connection)
        if declared > Int64(limit) {
            return queue(tooLarge(limit), on: connection)
        }
        if declared > 0 {
            _ = state.reserve(Int(declared) + JSONDocument.padding)
        }
        return .YES
    }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()

    if uploadDataSize.pointee > 0 {
        let length = uploadDataSize.pointee
        uploadDataSize.pointee = 0
        if state.tooLarge { return .YES }
        if state.count + length > limit {
            state.tooLarge = true  // keep reading (and discarding) so that the 413 can be sent
            state.dropBody()
            return .YES
        }
        if let uploadData, !state.append(uploadData, length) {
            state.tooLarge = true
            state.dropBody()
        }
        return .YES
    }

    if let watch = server.watch, state.reply == nil, let id = connectionID(connection) {
        watch.bodyReceived(id)
    }
    if state.tooLarge {
        return queue(tooLarge(limit), on: connection)
    }
    if let reply = state.reply {
        // Resumed: the answer is in the slot.
        guard let response = reply.response.withLock({ $0 }) else { return .NO }
        return queue(response, on: connection)
    }
    let padding = [UInt8](repeating: 0, count: JSONDocument.padding)
    return padding.withUnsafeBytes { empty in
        let base = UnsafeRawPointer(state.body) ?? empty.baseAddress
        let request = HTTPRequest(
            method: method.map { String(cString: $0) } ?? "",
            path: url.map { String(cString: $0) } ?? "/",
            body: UnsafeRawBufferPointer(start: base, count: state.count),
            bodyCapacity: state.body == nil ? JSONDocument.padding : state.capacity,
            header: { name in
                MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
            },
            query: { name in
                MHD_lookup_connection_value(connection, .GET_ARGUMENT_KIND, name).map { String(cString: $0) }
            },
            suspend: { park(connection, state) },
            whenDone: { state.done = $0 })
        let response = server.handler.handle(request)
        if state.reply != nil {
            // Parked: answered after the resume. The handler has read what it needs; the body is not kept.
            state.dropBody()
            return .YES
        }
        guard !response.isDeferred else {
            return queue(HTTPError(500, "the handler deferred a request it did not park").response, on: connection)
        }
        return queue(response, on: connection)
    }
}

/// A request as its headers describe it, with an empty body: what `HTTPHandler.screen` sees.
private func headersOnly(_ connection: OpaquePointer, method: UnsafePointer<CChar>?, url: UnsafePointer<CChar>?,
                         padding: UnsafeRawBufferPointer) -> HTTPRequest {
    HTTPRequest(
        method: method.map { String(cString: $0) } ?? "",
        path: url.map { String(cString: $0) } ?? "/",
        body: UnsafeRawBufferPointer(start: padding.baseAddress, count: 0),
        bodyCapacity: padding.count,
        header: { name in MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) } },
        query: { name in MHD_lookup_connection_value(connection, .GET_ARGUMENT_KIND, name).map { String(cString: $0) } })
}

/// Every header line of the request, duplicates included, in order.
private func headerLines(_ connection: OpaquePointer) -> [(name: String, value: String)] {
    var lines: [(name: String, value: String)] = []
    withUnsafeMutablePointer(to: &lines) { pointer in
        _ = MHD_get_connection_values(connection, .HEADER_KIND, { cls, _, key, value in
            guard let cls, let key else { return .YES }
            cls.assumingMemoryBound(to: [(name: String, value: String)].self).pointee
                .append((String(cString: key), value.map { String(cString: $0) } ?? ""))
            return .YES
        }, pointer)
    }
    return lines
}

/// The id the connection watch gave the connection, kept in libmicrohttpd's socket context.
private func connectionID(_ connection: OpaquePointer) -> Int? {
    coreward_mhd_socket_context(connection).map { Int(bitPattern: $0) }
}

/// libmicrohttpd calls this when a connection opens and when it closes (before closing its socket).
private let connectionNotified: MHD_NotifyConnectionCallback = { cls, connection, socketContext, event in
    guard let cls, let connection, let socketContext,
          let watch = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().watch else { return }
    switch event {
    case .CONNECTION_NOTIFY_STARTED:
        let id = watch.opened(socket: coreward_mhd_connection_fd(connection))
        socketContext.pointee = UnsafeMutableRawPointer(bitPattern: id)
    case .CONNECTION_NOTIFY_CLOSED:
        if let id = socketContext.pointee.map({ Int(bitPattern: $0) }) { watch.closed(id) }
        socketContext.pointee = nil
    default:
        break
    }
}

/// libmicrohttpd calls this when a request is done (answered, failed or cut off).
private let requestCompleted: MHD_RequestCompletedCallback = { cls, connection, context, termination in
    if let cls, let connection, let watch = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().watch,
       let id = connectionID(connection) {
        watch.requestEnded(id)
    }
    guard let cls, let context, let state = context.pointee else { return }
    let done = Unmanaged<RequestState>.fromOpaque(state).takeUnretainedValue().done
    done?(termination == .REQUEST_TERMINATED_COMPLETED_OK)
    Unmanaged<RequestState>.fromOpaque(state).release()  // retained in accessHandler
    context.pointee = nil
    Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().inFlight.subtract(1, ordering: .relaxed)
}

private func tooLarge(_ limit: Int) -> HTTPResponse {
    HTTPError(413, "the request body is larger than the limit of \(limit) bytes (\(Setting.maxBodyBytes.names))")
        .response
}

/// Serialises and queues a response (a JSON one with its writing time in `Server-Timing`); libmicrohttpd frees the
/// buffer after sending it.
private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    var buffer: JSONWriter.Buffer?
    var headers = response.headers
    switch response.body {
    case .json(let value):
        let started = ContinuousClock.now
        buffer = JSONWriter.serialize(value)
        headers = ServerTiming.adding("write;dur=\(ServerTiming.milliseconds(ContinuousClock.now - started))",
                                      first: false, to: headers)
    case .bytes(let bytes):
        if let memory = malloc(max(1, bytes.count)) {
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { memory.copyMemory(from: base, byteCount: source.count) }
            }
            buffer = JSONWriter.Buffer(bytes: memory, count: bytes.count)
        }
    }
    guard let buffer,
          let mhdResponse = MHD_create_response_from_buffer(buffer.count, buffer.bytes, .RESPMEM_MUST_FREE)
    else {
        return .NO  // out of memory: close the connection
    }
    defer { MHD_destroy_response(mhdResponse) }
    _ = MHD_add_response_header(mhdResponse, "Content-Type", response.contentType)
    for (name, value) in headers {
        _ = MHD_add_response_header(mhdResponse, name, value)
    }
    return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}
