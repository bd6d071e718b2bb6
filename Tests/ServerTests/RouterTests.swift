import Logging
import Server
import Testing

/// The router answered in process, without a socket: routing, problem rendering, decoding.
struct RouterTests {
    let router = Service(configuration: ServerConfiguration()).router(logger: Logger(label: "test"))

    private func post(_ path: String, _ body: String) -> (status: Int, body: String, contentType: String) {
        router.respond(method: "POST", path: path, body: Array(body.utf8), headers: ["Content-Type": "application/json"])
    }

    @Test func rewardsAGroup() {
        let answer = post("/v1/reward", #"{"groups":[{"id":"q","views":[{"responses":["\\boxed{1}","\\boxed{2}"]},{"responses":["\\boxed{2}"]}]}]}"#)
        #expect(answer.status == 200)
        #expect(answer.contentType == "application/json")
        #expect(answer.body.contains(#""pseudo_label":"2","answers":["1","2"],"rewards":[0,1]"#))
    }

    @Test(arguments: [
        ("/v1/reward", #"{"groups":[{"views":[{"responses":["a"]},{"responses":["b",7]}]}]}"#, 400, "/groups/0/views/1/responses/1"),
        ("/v1/reward", #"{"groups":[],"mode":"x"}"#, 400, "/mode"),
        ("/v1/vote", #"{"groups":[{"responses":[],"extra":1}]}"#, 400, "/groups/0/extra"),
        ("/v1/extract", #"{"responses":"x"}"#, 400, "/responses"),
    ])
    func namesTheOffendingField(path: String, body: String, status: Int, pointer: String) {
        let answer = post(path, body)
        #expect(answer.status == status)
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.body.contains(#""pointer":"\#(pointer)""#))
    }

    @Test func malformedJSONIs400WithoutPointer() {
        let answer = post("/v1/reward", "{\"groups\": [")
        #expect(answer.status == 400)
        #expect(!answer.body.contains("pointer"))
    }

    @Test func invalidUTF8Is400() {
        var bytes = Array(#"{"responses":[""#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""]}"#.utf8)
        let answer = router.respond(method: "POST", path: "/v1/extract", body: bytes)
        #expect(answer.status == 400)
        #expect(answer.body.contains("UTF-8"))
    }

    @Test func routingErrors() {
        #expect(router.respond(method: "GET", path: "/nope", body: []).status == 404)
        #expect(router.respond(method: "GET", path: "/v1/reward", body: []).status == 405)
        #expect(router.respond(method: "GET", path: "/healthz", body: []).status == 200)
        #expect(router.table.contains("POST /v1/reward"))
    }
}
