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

    /// OpenRLHF's protocol: a batch shard holding a whole pair, a ground-truth sample, empty lists.
    @Test func getRewardAnswersWholeGroupsAtOnce() {
        let label0 = #""{\"pair_id\":\"q\",\"view\":0,\"n\":2}""#
        let label1 = #""{\"pair_id\":\"q\",\"view\":1,\"n\":2}""#
        let body = #"{"query":["P \\boxed{1}","P \\boxed{2}","R \\boxed{2}","R \\boxed{2}","P \\boxed{4}"],"#
            + #""prompts":["P","P","R","R","P"],"labels":[\#(label0),\#(label0),\#(label1),\#(label1),"4"]}"#
        let answer = post("/get_reward", body)
        #expect(answer.status == 200)
        #expect(answer.body.hasPrefix(#"{"rewards":[0.0,1.0,0.0,0.0,1.0],"scores":[0.0,1.0,0.0,0.0,1.0],"#))
        #expect(answer.body.contains(#""group_complete":[1,1,1,1,1],"assembly_timeout":[0,0,0,0,0]"#))
        #expect(post("/get_reward", #"{"query":[],"prompts":[],"labels":[]}"#).body
            == #"{"rewards":[],"scores":[],"extra_logs":{}}"#)
    }

    /// Without a network a sample cannot wait for its group: a clear 503, not a hang.
    @Test func getRewardCannotParkWithoutTheServer() {
        let answer = post("/get_reward", #"{"query":["\\boxed{1}"],"labels":["{\"pair_id\":7,\"view\":1,\"n\":3}"]}"#)
        #expect(answer.status == 503)
        #expect(answer.contentType == "application/problem+json")
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
