/// `GET /v1/runs` and `GET /v1/runs/{run}`: the runs followed over time, their steps and verdicts (issue 17).
struct RunsEndpoint {
    let watch: RunWatch

    var routes: [Route] {
        [
            Route(method: "GET", path: "/v1/runs") { [self] _, _ throws(HTTPError) in
                HTTPResponse(json: .object([("runs", .array(watch.history.summaries().map { summary in
                    .object([
                        ("run", .string(summary.run)),
                        ("steps", .int(summary.steps)),
                        ("verdict", .string(summary.verdict.state.rawValue)),
                    ])
                }))]))
            },
            Route(method: "GET", path: "/v1/runs/{run}") { [self] request, _ throws(HTTPError) in
                let name = String(request.path.dropFirst("/v1/runs/".count))
                guard let (steps, verdict) = watch.history.history(of: name) else {
                    throw HTTPError(404, "no run \(RunHistory.isValidName(name) ? name : "of that name") is followed here "
                        + "(runs are named by \"run\" in /v1/reward or in /get_reward's label; the oldest are evicted past "
                        + "\(Setting.maxRuns.names)); GET /v1/runs lists them")
                }
                return HTTPResponse(json: .object([
                    ("run", .string(name)),
                    ("verdict", .object([
                        ("state", .string(verdict.state.rawValue)),
                        ("reasons", .array(verdict.reasons.map(JSON.string))),
                    ])),
                    ("steps", .array(steps.map { RunWatch.render($0, withRun: false) })),
                ]))
            },
        ]
    }
}
