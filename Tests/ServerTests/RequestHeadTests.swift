@testable import Server
import Testing

/// The framing rules checked on a request's headers before its body is read.
struct RequestHeadTests {
    typealias Lines = [(name: String, value: String)]

    @Test(arguments: [
        ("HTTP/1.1", [("Host", "x")]),
        ("HTTP/1.1", [("host", "x"), ("Content-Length", "12"), ("Authorization", "Bearer k")]),
        ("HTTP/1.0", []),
        ("HTTP/1.0", [("Content-Length", "0")]),
    ] as [(String, Lines)])
    func wellFramedHeadsPass(version: String, headers: Lines) {
        #expect(RequestHead.refusal(version: version, headers: headers) == nil)
    }

    @Test(arguments: [
        ("HTTP/1.1", [("Host", "x"), ("Content-Length", "2"), ("Content-Length", "30")], 400, "given 2 times"),
        ("HTTP/1.1", [("Host", "x"), ("content-length", "2"), ("Content-Length", "2")], 400, "given 2 times"),
        ("HTTP/1.1", [("Host", "x"), ("Content-Length ", "2")], 400, "not a token"),
        ("HTTP/1.1", [("Host", "x"), ("Content\tLength", "2")], 400, "not a token"),
        ("HTTP/1.1", [("Host", "x"), ("", "2")], 400, "not a token"),
        ("HTTP/1.1", [("Content-Length", "2")], 400, "needs a Host header"),
        ("HTTP/1.1", [("Host", "a"), ("Host", "b")], 400, "Host is given 2 times"),
        ("HTTP/1.1", [("Host", "x"), ("Transfer-Encoding", "chunked"), ("Content-Length", "4")], 400, "both"),
        ("HTTP/1.1", [("Host", "x"), ("Transfer-Encoding", "chunked")], 411, "Content-Length"),
        ("HTTP/1.1", [("Host", "x"), ("Transfer-Encoding", "identity")], 411, "\"identity\""),
        ("HTTP/1.1", [("Host", "x"), ("Transfer-Encoding", "gzip, chunked")], 411, "\"gzip, chunked\""),
    ] as [(String, Lines, Int, String)])
    func badlyFramedHeadsAreRefusedAndTheConnectionClosed(version: String, headers: Lines, status: Int, says: String) throws {
        let refusal = try #require(RequestHead.refusal(version: version, headers: headers))
        #expect(refusal.status == status)
        #expect(refusal.detail.contains(says), "\(refusal.detail)")
        #expect(refusal.headers.contains { $0 == ("Connection", "close") })
    }

    @Test func aNameIsQuotedEscapedAndCut() throws {
        let refusal = try #require(RequestHead.refusal(version: "HTTP/1.1", headers: [("Host", "x"), ("a\u{7}" + String(repeating: "b", count: 100), "")]))
        #expect(refusal.detail.contains(#""a\u{07}bbb"#))
        #expect(refusal.detail.contains("…\""))
        #expect(!refusal.detail.contains(String(repeating: "b", count: 64)))
    }
}
