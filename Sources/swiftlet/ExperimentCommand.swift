import ArgumentParser

/// `swiftlet experiment <name>`: end-to-end research experiments (data, training, evaluation,
/// report). Each experiment is one subcommand in its own file (`Experiment<Name>Command.swift`);
/// add it to the list below, one per line.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run an end-to-end experiment and write its report, CSV and plots.",
        subcommands: [
            ExperimentGtSCommand.self,
            ExperimentHIntCommand.self,
            ExperimentLDMCommand.self,
            ExperimentImitationCommand.self,
            ExperimentOCSCommand.self,
            ExperimentHedgingCommand.self,
            ExperimentPreMemCommand.self,
        ]
    )
}
