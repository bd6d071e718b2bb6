/// The framing rules a request head must keep before coreward reads its body. libmicrohttpd (0.9.75) takes the
/// first of two `Content-Length` headers, keeps a name with a space before its colon as a different header, does
/// not require `Host`, and treats a `Transfer-Encoding` it does not know as a body of unknown length; a proxy in
/// front may read the same bytes another way (request smuggling). Such heads are refused here, on the headers,
/// with a problem+json answer and a closed connection.
enum RequestHead {
    /// The refusal for a head that breaks the framing rules, or nil when it keeps them. `headers` lists every
    /// header line as received, duplicates included, in order.
    static func refusal(version: String, headers: [(name: String, value: String)]) -> HTTPError? {
        var contentLengths = 0
        var hosts = 0
        var transferEncoding: String?
        for (name, value) in headers {
            guard isToken(name) else {
                return refuse(400, "the header name \(quoted(name)) is not a token (RFC 9110 §5.1): no spaces, control characters or delimiters, nor a space before the colon")
            }
            switch name.lowercased() {
            case "content-length": contentLengths += 1
            case "host": hosts += 1
            case "transfer-encoding": transferEncoding = value
            default: break
            }
        }
        if contentLengths > 1 {
            return refuse(400, "Content-Length is given \(contentLengths) times; give it once")
        }
        if let transferEncoding {
            if contentLengths > 0 {
                return refuse(400, "both Transfer-Encoding and Content-Length are given; send the body with Content-Length only")
            }
            return refuse(411, "Transfer-Encoding \(quoted(transferEncoding)) is not accepted; send the body with a Content-Length")
        }
        if version != "HTTP/1.0" && hosts != 1 {
            return refuse(400, hosts == 0 ? "an HTTP/1.1 request needs a Host header" : "Host is given \(hosts) times; give it once")
        }
        return nil
    }

    /// A refusal that closes the connection: the bytes after a head read wrongly must not be taken for a request.
    private static func refuse(_ status: Int, _ detail: String) -> HTTPError {
        HTTPError(status, detail, headers: [("Connection", "close")])
    }

    /// RFC 9110's token: visible ASCII but delimiters.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            byte > 0x20 && byte < 0x7F && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
        }
    }

    /// The text in quotes, with anything not visible ASCII escaped and at most 64 characters shown.
    private static func quoted(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(64).map { scalar in
            scalar.value >= 0x20 && scalar.value < 0x7F ? String(scalar) : scalar.escaped(asASCII: true)
        }
        return "\"" + shown.joined() + (text.unicodeScalars.count > 64 ? "…" : "") + "\""
    }
}
