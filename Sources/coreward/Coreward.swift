import ArgumentParser
import Logging
import Server

/// The coreward command line: the reward service and its offline tools.
@main
struct Coreward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coreward",
        abstract: "Co-Reward rewards for RL trainers of language models, without ground-truth labels.",
        subcommands: [Serve.self, Score.self, Augment.self, RulesSample.self, Report.self, Routes.self, Config.self],
        defaultSubcommand: Serve.self
    )
}

/// `coreward routes`: the HTTP routes the service answers, one "METHOD /path" a line.
struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the HTTP routes the service answers.")

    func run() {
        let router = Service(configuration: ServerConfiguration()).router(logger: Logger(label: "coreward"))
        router.table.forEach { print($0) }
    }
}

/// `coreward config`: the settings of `coreward serve`, from the settings table.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the settings of `coreward serve`: flag, environment variable and default.")

    @Flag(help: "Print the configuration reference in Markdown (docs/configuration.md).")
    var markdown = false

    func run() {
        print(markdown ? Setting.markdown : Setting.plainText, terminator: "")
    }
}
