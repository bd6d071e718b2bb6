@testable import Server
import Testing

/// The watch that shuts down connections slow to send a request head, driven by an explicit clock.
struct ConnectionWatchTests {
    @Test func aConnectionBetweenRequestsPastTheTimeoutIsShutDownOnce() {
        let watch = ConnectionWatch(headerTimeoutSeconds: 10)
        let id = watch.opened(socket: 7, now: 100)
        var shut: [Int32] = []
        #expect(watch.sweep(now: 110, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 0)
        #expect(watch.sweep(now: 110.5, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 1)
        #expect(watch.sweep(now: 200, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 0)
        #expect(shut == [7])
        watch.closed(id)
        #expect(watch.counts.open == 0)
        #expect(watch.counts.closed == 1)
    }

    @Test func aRequestInProgressIsNotShutDownAndItsEndRestartsTheClock() {
        let watch = ConnectionWatch(headerTimeoutSeconds: 10)
        let id = watch.opened(socket: 7, now: 100)
        watch.requestStarted(id)
        var shut: [Int32] = []
        #expect(watch.sweep(now: 1000, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 0)
        watch.requestEnded(id, now: 1000)
        #expect(watch.sweep(now: 1009, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 0)
        #expect(watch.sweep(now: 1011, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 1)
        #expect(shut == [7])
    }

    @Test func aClosedConnectionsSocketIsNeverTouched() {
        let watch = ConnectionWatch(headerTimeoutSeconds: 1)
        let first = watch.opened(socket: 7, now: 0)
        watch.closed(first)
        _ = watch.opened(socket: 8, now: 5)
        var shut: [Int32] = []
        #expect(watch.sweep(now: 10, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 1)
        #expect(shut == [8])
        // Events for an id already forgotten change nothing.
        watch.requestEnded(first, now: 10)
        #expect(watch.counts.open == 1)
    }
}

extension ConnectionWatchTests {
    @Test func aBodyMustArriveWithinTheBodyTimeoutOfItsHead() {
        let watch = ConnectionWatch(headerTimeoutSeconds: 10, bodyTimeoutSeconds: 60)
        let slow = watch.opened(socket: 7, now: 0)
        let quick = watch.opened(socket: 8, now: 0)
        watch.requestStarted(slow, now: 1)
        watch.requestStarted(quick, now: 1)
        watch.bodyReceived(quick)
        var shut: [Int32] = []
        #expect(watch.sweep(now: 60, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 0)
        #expect(watch.sweep(now: 62, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 1)
        #expect(shut == [7])
    }
}

extension ConnectionWatchTests {
    /// Bytes the server has not read are the server's delay, not the client's: such a connection is spared.
    @Test func aConnectionWithUnreadBytesIsSpared() {
        let watch = ConnectionWatch(headerTimeoutSeconds: 10)
        _ = watch.opened(socket: 7, now: 0)
        var shut: [Int32] = []
        #expect(watch.sweep(now: 20, hasUnread: { _ in true }, shutDown: { shut.append($0) }) == 0)
        #expect(watch.sweep(now: 21, hasUnread: { _ in false }, shutDown: { shut.append($0) }) == 1)
        #expect(shut == [7])
    }
}
