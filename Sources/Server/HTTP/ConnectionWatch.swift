import Foundation
import Synchronization

/// Closes connections that take too long to send a request head. libmicrohttpd's own timeout only closes a
/// connection that sends nothing for a while, so a client sending one header byte every few seconds (slowloris)
/// would hold its connection, and thousands of them every connection slot, for ever. Each connection is
/// between requests from when it opens or its last answer was sent until its next request's headers are all
/// in; a connection between requests for longer than the head timeout is shut down. An idle keep-alive
/// connection is therefore closed after the same time. A request being read, worked on or parked is not
/// between requests and is bounded by the idle and request timeouts instead.
final class ConnectionWatch: Sendable {
    /// Seconds a connection may spend between requests.
    let headerTimeoutSeconds: Double
    private let state = Mutex(State())

    private struct State {
        var nextID = 1
        /// Open connections by id: the socket, and since when it has been between requests (nil while in one).
        var open: [Int: (socket: Int32, idleSince: Double?)] = [:]
        /// Connections shut down by the watch so far.
        var closed = 0
    }

    init(headerTimeoutSeconds: Double) {
        self.headerTimeoutSeconds = headerTimeoutSeconds
    }

    /// A connection opened on `socket`: its id, which the caller keeps with the connection.
    func opened(socket: Int32, now: Double = ConnectionWatch.now()) -> Int {
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.open[id] = (socket, now)
            return id
        }
    }

    /// The connection's request head is in: it is no longer between requests.
    func requestStarted(_ id: Int) {
        state.withLock { state in state.open[id]?.idleSince = nil }
    }

    /// The connection's request is done (answered or cut off): it waits for the next one from now.
    func requestEnded(_ id: Int, now: Double = ConnectionWatch.now()) {
        state.withLock { state in state.open[id]?.idleSince = now }
    }

    /// The connection is closed: forgotten. libmicrohttpd calls this before it closes the socket, so a socket the
    /// watch still holds is never one the system has handed to a new connection.
    func closed(_ id: Int) {
        state.withLock { state in _ = state.open.removeValue(forKey: id) }
    }

    /// Shuts down every connection that has been between requests for longer than the head timeout; the event loop
    /// then sees its end and closes it. Returns how many it shut down.
    @discardableResult
    func sweep(now: Double = ConnectionWatch.now(), shutDown: (Int32) -> Void = { _ = Glibc.shutdown($0, Int32(SHUT_RDWR)) }) -> Int {
        state.withLock { state in
            var count = 0
            for (id, entry) in state.open {
                guard let since = entry.idleSince, now - since > headerTimeoutSeconds else { continue }
                shutDown(entry.socket)
                state.open[id]?.idleSince = nil  // shut down once; the close follows
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

    /// Sweeps every quarter of the head timeout (at most once a second, at least every 50 ms) for as long as the
    /// watch exists.
    func startSweeping() {
        let interval = min(1, max(0.05, headerTimeoutSeconds / 4))
        let thread = Thread { [weak self] in
            while let watch = self {
                watch.sweep()
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "coreward-connections"
        thread.start()
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
