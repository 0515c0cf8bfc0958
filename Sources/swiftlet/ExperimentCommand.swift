import ArgumentParser

/// `swiftlet experiment`: the research experiments, one subcommand each.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run a research experiment end to end and write its report.",
        subcommands: [
            ExperimentLDMCommand.self,
        ]
    )
}
