import ArgumentParser
import Diagnostics

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
}
