import ArgumentParser

/// The coreward command line: the reward service and its offline tools.
@main
struct Coreward: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coreward",
        abstract: "Co-Reward rewards for RL trainers of language models, without ground-truth labels.",
        subcommands: [Serve.self, Score.self],
        defaultSubcommand: Serve.self
    )
}
