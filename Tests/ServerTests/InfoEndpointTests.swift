import Logging
import Server
import Testing

/// `GET /v1/info` pinned byte for byte: the settings table must not change what it reports.
struct InfoEndpointTests {
    private func info(_ configuration: ServerConfiguration) -> (status: Int, body: String) {
        let answer = Service(configuration: configuration).router(logger: Logger(label: "test"))
            .respond(method: "GET", path: "/v1/info", body: [])
        return (answer.status, answer.body)
    }

    @Test func defaultConfiguration() {
        let answer = info(ServerConfiguration())
        #expect(answer.status == 200)
        #expect(answer.body == #"""
            {"name":"coreward","version":"0.1.0","method":"Co-Reward (arXiv 2508.00410)",\#
            "limits":{"max_body_bytes":67108864,"max_groups":8192,"max_views":16,"max_rollouts":1024,"max_batch_rollouts":262144,\#
            "max_response_bytes":1048576,"max_pairs":10000,"max_texts":256,"max_text_bytes":65536,\#
            "max_json_depth":64,"max_connections":8192,"connection_timeout_seconds":60,"header_timeout_seconds":15,\#
            "max_connections_per_client":0,"connection_memory_bytes":65536,"drain_timeout_seconds":30,\#
            "threads":2,"encoder_workers":2,"assembly_retention_seconds":900,"assembly_max_waiting":4096,\#
            "assembly_max_bytes":268435456,"assembly_guard_seconds":60,"request_timeout_seconds":60.0,"assembly_timeout_seconds":120.0,\#
            "max_runs":64,"run_history_steps":1000,"run_groups_per_step":64},\#
            "auth":"none","modes":{"mode":["co_reward","self_vote","ground_truth"],"reward":["binary","soft"],\#
            "advantage":["grpo","dr_grpo"],"equivalence":["math","exact"],"extract":["strict","lenient"]},\#
            "defaults":{"mode":"co_reward","reward":"binary","advantage":null,"equivalence":"math","extract":"strict"},\#
            "model":{"name":"all-MiniLM-L6-v2","dim":384,"directory":"models/all-MiniLM-L6-v2","status":"loading"}}
            """#)
    }

    /// Every limit set to a value of its own, so that a limit reported from the wrong field shows.
    @Test func eachLimitReportsItsOwnSetting() {
        var configuration = ServerConfiguration()
        configuration.maxBodyBytes = 101
        configuration.maxGroups = 102
        configuration.maxViews = 103
        configuration.maxRollouts = 104
        configuration.maxBatchRollouts = 134
        configuration.maxResponseBytes = 105
        configuration.maxPairs = 106
        configuration.maxTexts = 107
        configuration.maxTextBytes = 108
        configuration.maxJSONDepth = 109
        configuration.maxConnections = 110
        configuration.connectionTimeoutSeconds = 111
        configuration.headerTimeoutSeconds = 121
        configuration.maxConnectionsPerClient = 122
        configuration.connectionMemoryBytes = 123
        configuration.drainTimeoutSeconds = 112
        configuration.threads = 113
        configuration.encoderWorkers = 114
        configuration.assembly.retentionSeconds = 115
        configuration.assembly.maxWaiting = 116
        configuration.assembly.maxBytes = 117
        configuration.assembly.guardSeconds = 118
        configuration.requestTimeoutSeconds = 1.5
        configuration.assembly.timeoutSeconds = 2.5
        configuration.runs.maxRuns = 131
        configuration.runs.maxSteps = 132
        configuration.runs.groupsPerStep = 133
        configuration.modelDirectory = "elsewhere"
        #expect(info(configuration).body.contains(#"""
            "limits":{"max_body_bytes":101,"max_groups":102,"max_views":103,"max_rollouts":104,"max_batch_rollouts":134,\#
            "max_response_bytes":105,"max_pairs":106,"max_texts":107,"max_text_bytes":108,"max_json_depth":109,\#
            "max_connections":110,"connection_timeout_seconds":111,"header_timeout_seconds":121,\#
            "max_connections_per_client":122,"connection_memory_bytes":123,"drain_timeout_seconds":112,"threads":113,\#
            "encoder_workers":114,"assembly_retention_seconds":115,"assembly_max_waiting":116,"assembly_max_bytes":117,\#
            "assembly_guard_seconds":118,"request_timeout_seconds":1.5,"assembly_timeout_seconds":2.5,"max_runs":131,\#
            "run_history_steps":132,"run_groups_per_step":133},"auth":"none"
            """#))
        #expect(info(configuration).body.contains(#""directory":"elsewhere""#))
    }
}
