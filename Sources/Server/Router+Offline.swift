import Logging

extension Router {
    /// Answers one request without a network: for `coreward score` and for tests.
    public func respond(method: String, path: String, body: [UInt8], headers: [String: String] = [:])
        -> (status: Int, body: String, contentType: String)
    {
        var padded = body
        padded.append(contentsOf: [UInt8](repeating: 0, count: JSONDocument.padding))
        let response = padded.withUnsafeBytes { bytes in
            handle(HTTPRequest(method: method, path: path,
                               body: UnsafeRawBufferPointer(rebasing: bytes[0 ..< body.count]),
                               bodyCapacity: bytes.count,
                               header: { name in headers.first { $0.key.lowercased() == name.lowercased() }?.value }))
        }
        let text: String
        switch response.body {
        case .json(let value): text = JSONWriter.string(value) ?? ""
        case .bytes(let bytes): text = String(decoding: bytes, as: UTF8.self)
        }
        return (response.status, text, response.contentType)
    }
}
