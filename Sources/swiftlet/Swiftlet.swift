import App
import ArgumentParser
import Diagnostics
import Foundation

@main
struct Swiftlet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftlet",
        abstract: "Quadrotor and ground-robot simulation, CPU cameras and learned collision avoidance.",
        discussion: "Fly a simulated Crazyflie in a window, train collision-avoidance policies headless, "
            + "and replay logged runs. Every run is seeded: the same seed gives the same result.",
        version: SwiftletVersion.string,
        subcommands: [
            BenchCommand.self,
            LogCommand.self,
            LDMToyCommand.self,
            TraceCommand.self,
            FlyCommand.self,
            RenderCommand.self,
            WorldCommand.self,
            CollectCommand.self,
            EvalCommand.self,
            ExperimentCommand.self,
            DemoCommand.self,
            ReplayCommand.self,
            CheckpointCommand.self,
            TrainCommand.self,
        ]
    )

    /// Parses and runs like ArgumentParser's default, except that a `ValidationError` thrown
    /// while a subcommand runs (a flag combination or value only `run()` can judge) prints as
    /// one "Error: ..." line: the default would follow it with the root command's usage
    /// ("swiftlet <subcommand>"), which names the wrong command. A Foundation file-system error
    /// prints as "Error: PATH: reason". A negative number after a flag is passed as its value
    /// (`--pose -2,0,1,0`), and a parse error prints as one line with its help hint.
    static func main() {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(CommandLineText.joiningNegativeValues(Array(CommandLine.arguments.dropFirst())))
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let line = CommandLineText.oneLine(fullMessage(for: error))
            FileHandle.standardError.write(Data("\(line)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            try command.run()
        } catch let error as ValidationError {
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            // a file-system error: the path and the reason, not Foundation's dump
            if let line = OutputPath.describe(error) {
                FileHandle.standardError.write(Data("Error: \(line)\n".utf8))
                Foundation.exit(ExitCode.failure.rawValue)
            }
            exit(withError: error)
        }
    }
}
