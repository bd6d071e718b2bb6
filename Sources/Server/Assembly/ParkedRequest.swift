/// A request parked in the assembly buffer until every one of its samples is scored. The assembler answers it
/// once, from whichever thread completes its last group; tests supply one that records the answer.
protocol ParkedRequest: Sendable {
    /// Sends the answer: every slot's result in request order, or why one of its groups could not be scored.
    func answer(_ results: Result<[SampleResult], HTTPError>)
    /// True once the client has hung up (or was answered): a retry of its samples may take their place.
    var clientGone: Bool { get }
}

/// A parked HTTP request: its answer is rendered by the endpoint and sent through the server's responder.
struct ParkedHTTPRequest: ParkedRequest {
    let responder: HTTPResponder
    let render: @Sendable ([SampleResult]) -> HTTPResponse

    func answer(_ results: Result<[SampleResult], HTTPError>) {
        switch results {
        case .success(let results): responder.respond(render(results))
        case .failure(let error): responder.respond(error.response)
        }
    }

    var clientGone: Bool { responder.clientGone }
}
