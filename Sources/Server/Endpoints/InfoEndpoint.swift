import Core

/// `GET /v1/info`: version, limits and supported modes.
struct InfoEndpoint {
    let configuration: ServerConfiguration
    let encoder: EncoderModel
    let authenticated: Bool

    /// The service version.
    static let version = "0.1.0"

    var routes: [Route] {
        let fixed: [(String, JSON)] = [
            ("name", .string("coreward")),
            ("version", .string(Self.version)),
            ("method", .string("Co-Reward (arXiv 2508.00410)")),
            ("limits", .object(configuration.limits)),
            ("auth", .string(authenticated ? "bearer" : "none")),
            ("modes", .object([
                ("mode", .array(RewardMode.allCases.map { .string($0.rawValue) })),
                ("reward", .array(RewardKind.allCases.map { .string($0.rawValue) })),
                ("advantage", .array(AdvantageKind.allCases.map { .string($0.rawValue) })),
                ("equivalence", .array(Equivalence.allCases.map { .string($0.rawValue) })),
                ("extract", .array(ExtractionMode.allCases.map { .string($0.rawValue) })),
            ])),
            ("defaults", .object([
                ("mode", .string(RewardMode.coReward.rawValue)),
                ("reward", .string(RewardKind.binary.rawValue)),
                ("advantage", .null),
                ("equivalence", .string(Equivalence.math.rawValue)),
                ("extract", .string(ExtractionMode.strict.rawValue)),
            ])),
        ]
        return [Route(method: "GET", path: "/v1/info") { [encoder] _, _ throws(HTTPError) in
            HTTPResponse(json: .object(fixed + [("model", encoder.info)]))
        }]
    }
}
