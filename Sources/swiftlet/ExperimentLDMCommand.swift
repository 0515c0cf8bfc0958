import ArgumentParser
import Autonomy
import Diagnostics
import Physics

/// `swiftlet experiment ldm`: the LDM safety filter in flight (issue 10).
struct ExperimentLDMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldm",
        abstract: "Quadrotor MPC with a learned dynamics model: no filter vs greedy density vs LDM filter.",
        discussion: """
        Collects data near hover (|v| <= 1 m/s, tilt <= 15 deg), learns the dynamics, the density \
        and the LDM, then flies towards a far goal under every filter and threshold percentile. \
        Writes report.md, summary.csv, episodes.csv and SVG plots. See docs/ldm.md.
        """
    )

    @Option(help: "JSON file overlaying the preset (any subset of the settings; see docs/ldm.md).")
    var config: String?

    @Option(help: "Directory for the report, CSVs and plots.")
    var out = "runs/experiment-ldm"

    @Option(help: "Preset: default (tilt setpoints), momentum (tilt-rate actions; about 10-20 minutes each), smoke or momentum-smoke (about a minute).")
    var preset = "default"

    @Option(help: "Random seed (overrides the config).")
    var seed: UInt64?

    func run() throws {
        var settings: LDMFlightSettings
        switch preset {
        case "default": settings = .standard
        case "smoke": settings = .smoke
        case "momentum": settings = .momentum
        case "momentum-smoke": settings = .momentumSmoke
        default: throw ValidationError("--preset must be default, momentum, smoke or momentum-smoke, got '\(preset)'")
        }
        if let config { settings = try LDMFlightSettings.load(configPath: config, base: settings) }
        if let seed { settings.seed = seed }
        try settings.validate()
        let robot = try URDFLoader.load(path: settings.robot)
        let outcome = try LDMFlightExperiment.run(settings, robot: robot) { print($0) }
        var report = outcome.report
        var command = "swiftlet experiment ldm --preset \(preset) --out \(out)"
        if let config { command += " --config \(config)" }
        if let seed { command += " --seed \(seed)" }
        report.notes.append("command: \(command)")
        let files = try report.write(to: out)
        print("wrote \(files.count) files to \(out)")
    }
}
