import ArgumentParser
import Core
import Foundation
import Server

/// The augmentation options `coreward augment` and `coreward serve` share: thresholds and the LLM backend.
struct AugmentOptions: ParsableArguments {
    // One option per setting of the augmentation section, named and described by the settings table; their
    // values are read through `givenSettings()`, so each property is named after its flag in camel case.
    @Option(.llmURL) var llmUrl: String?
    @Option(.llmModel) var llmModel: String?
    @Option(.llmAPIKeyFile) var llmApiKeyFile: String?
    @Option(.llmPromptFile) var llmPromptFile: String?
    @Option(.llmTimeout) var llmTimeout: Double?
    @Option(.llmConcurrency) var llmConcurrency: Int?
    @Option(.llmRetries) var llmRetries: Int?
    @Option(.augmentMinSimilarity) var augmentMinSimilarity: Double?
    @Option(.augmentMaxSimilarity) var augmentMaxSimilarity: Double?
    @Option(.augmentMinNovelty) var augmentMinNovelty: Double?
    @Option(.augmentMaxQuestions) var augmentMaxQuestions: Int?
    @Option(.augmentMaxVariants) var augmentMaxVariants: Int?
    @Option(.llmMaxTokens) var llmMaxTokens: Int?
    @Option(.llmMaxTokensCap) var llmMaxTokensCap: Int?

    /// The settings these options and the environment give.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AugmentationSettings {
        let flags = givenSettings()
        var configuration = ServerConfiguration()
        do {
            try configuration.applyAugmentation(flags: flags, environment: environment)
        } catch {
            throw ValidationError(error.description)
        }
        var settings = configuration.augmentation
        if let path = Setting.llmAPIKeyFile.text(flags: flags, environment: environment) {
            guard let key = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the LLM API key file \(path)")
            }
            settings.llmAPIKey = key.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let path = Setting.llmPromptFile.text(flags: flags, environment: environment) {
            guard let template = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the prompt file \(path)")
            }
            do { settings.prompt = try RewritePrompt(template: template) } catch { throw ValidationError("\(path): \(error)") }
        }
        return settings
    }
}
