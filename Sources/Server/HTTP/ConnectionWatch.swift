import Foundation
import Synchronization

/// Closes connections that take too long to send a request head. libmicrohttpd's own timeout only closes a
/// connection that sends nothing for a while, so a client sending one header byte every few seconds (slowloris)
/// would hold its connection, and thousands of them every connection slot, for ever. Each connection is
/// between requests from when it opens or its last answer was sent until its next request's headers are all
/// in; a connection between requests for longer than the head timeout is shut down. An idle keep-alive
/// connection is therefore closed after the same time. Likewise a request's body must be all in within the body
/// timeout of its head (a body trickled a byte a minute would hold its connection as long as it liked). A request
/// being worked on or parked is bounded by the request timeout instead.
final class ConnectionWatch: Sendable {
    /// Seconds a connection may spend between requests.
    let headerTimeoutSeconds: Double
    /// Seconds a request's body may take to arrive, from its head; 0 for no limit.
    let bodyTimeoutSeconds: Double
    private let state = Mutex(State())

    private struct State {
        var nextID = 1
        /// Open connections by id: the socket, and since when it has been waiting for a head or a body (nil while
        /// its request is worked on).
        var open: [Int: Entry] = [:]
        /// Connections shut down by the watch so far.
        var closed = 0
    }

    private struct Entry {
        let socket: Int32
        var waitingFor: Waiting?
    }

    /// What a connection is waiting for, and since when.
    private enum Waiting {
        case head(since: Double)
        case body(since: Double)
    }

    init(headerTimeoutSeconds: Double, bodyTimeoutSeconds: Double = 0) {
        self.headerTimeoutSeconds = headerTimeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
    }

    /// A connection opened on `socket`: its id, which the caller keeps with the connection.
    func opened(socket: Int32, now: Double = ConnectionWatch.now()) -> Int {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.open[id] = Entry(socket: socket, waitingFor: .head(since: now))
            return id
        }
    }

    /// The connection's request head is in: its body is awaited from now.
    func requestStarted(_ id: Int, now: Double = ConnectionWatch.now()) {
        state.withLock { state in state.open[id]?.waitingFor = .body(since: now) }
    }

    /// The connection's request body is all in (or refused): the request is worked on.
    func bodyReceived(_ id: Int) {
        state.withLock { state in state.open[id]?.waitingFor = nil }
    }

    /// The connection's request is done (answered or cut off): it waits for the next one from now.
    func requestEnded(_ id: Int, now: Double = ConnectionWatch.now()) {
        state.withLock { state in state.open[id]?.waitingFor = .head(since: now) }
    }

    /// The connection is closed: forgotten. libmicrohttpd calls this before it closes the socket, so a socket the
    /// watch still holds is never one the system has handed to a new connection.
    func closed(_ id: Int) {
        state.withLock { state in _ = state.open.removeValue(forKey: id) }
    }

    /// Shuts down every connection that has waited for a head or a body for longer than its timeout; the event loop
    /// then sees its end and closes it. A connection with bytes the server has not read yet is spared: the client
    /// sent them, and the server (its worker thread busy with another request) is the slow one. Returns how many it
    /// shut down.
    @discardableResult
    func sweep(now: Double = ConnectionWatch.now(), hasUnread: (Int32) -> Bool = ConnectionWatch.hasUnread,
               shutDown: (Int32) -> Void = { _ = Glibc.shutdown($0, Int32(SHUT_RDWR)) }) -> Int {
        state.withLock { state in
            var count = 0
            for (id, entry) in state.open {
                switch entry.waitingFor {
                case .head(let since) where now - since > headerTimeoutSeconds: break
                case .body(let since) where bodyTimeoutSeconds > 0 && now - since > bodyTimeoutSeconds: break
                default: continue
                }
                if hasUnread(entry.socket) { continue }
                shutDown(entry.socket)
                state.open[id]?.waitingFor = nil  // shut down once; the close follows
                count += 1
            }
            state.closed += count
            return count
        }
    }

    /// Connections open now, and how many the watch has shut down.
    var counts: (open: Int, closed: Int) {
        state.withLock { ($0.open.count, $0.closed) }
    }

    /// Sweeps every quarter of the shorter timeout (at most once a second, at least every 50 ms) for as long as the
    /// watch exists.
    func startSweeping() {
        let shortest = min(headerTimeoutSeconds, bodyTimeoutSeconds > 0 ? bodyTimeoutSeconds : .infinity)
        let interval = min(1, max(0.05, shortest / 4))
        let thread = Thread { [weak self] in
            while let watch = self {
                watch.sweep()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "coreward-connections"
        thread.start()
    }

    /// Whether the socket holds received bytes not read yet (a peek that finds one).
    static func hasUnread(_ socket: Int32) -> Bool {
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
