import Server
import Testing

struct ServerConfigurationTests {
    @Test func environmentOverridesDefaults() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(environment: ["COREWARD_PORT": "9001", "COREWARD_HOST": "0.0.0.0",
                                              "COREWARD_MAX_BODY_BYTES": "1000", "UNRELATED": "x"])
        #expect(configuration.port == 9001)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.maxBodyBytes == 1000)
        #expect(configuration.maxGroups == ServerConfiguration().maxGroups)
    }

    @Test(arguments: [
        ["COREWARD_PORT": "http"],
        ["COREWARD_PORT": "70000"],
        ["COREWARD_THREADS": "0"],
        ["COREWARD_MAX_JSON_DEPTH": "-1"],
    ])
    func refusesNonsense(environment: [String: String]) {
        var configuration = ServerConfiguration()
        #expect(throws: ConfigurationError.self) { try configuration.apply(environment: environment) }
    }

    @Test func errorNamesTheVariable() {
        var configuration = ServerConfiguration()
        do {
            try configuration.apply(environment: ["COREWARD_MAX_GROUPS": "many"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("COREWARD_MAX_GROUPS=many"))
        }
    }
}
