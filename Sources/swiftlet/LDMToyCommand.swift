import ArgumentParser
import Diagnostics
import Models

/// `swiftlet ldm-toy`: the LDM experiment end to end on the point-mass toy (hidden; the flight
/// experiment is `swiftlet experiment ldm`).
struct LDMToyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldm-toy",
        abstract: "LDM safety filter on the 1-D point-mass toy: density, learned LDM, grid check, closed-loop sweep.",
        shouldDisplay: false
    )

    @Option(help: "Directory for report.md, CSVs and SVG plots.")
    var out = "runs/ldm-toy"

    @Option(help: "Density model: gmm or flow.")
    var density = "gmm"

    @Option(help: "Episodes per filter condition.")
    var episodes = 20

    @Option(help: "LDM training steps.")
    var ldmSteps = 4000

    @Option(help: "Discount of the LDM backup.")
    var gamma: Float = 0.95

    @Option(help: "Planner candidates per tick.")
    var samples = 512

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    func run() throws {
        var s = PointMassExperiment.Settings()
        guard let kind = LDMExperimentSettings.DensityKind(rawValue: density) else {
            throw ValidationError("--density must be gmm or flow, got '\(density)'")
        }
        guard episodes > 0, ldmSteps > 0, samples > 0, gamma > 0, gamma < 1 else {
            throw ValidationError("--episodes, --ldm-steps and --samples must be positive and --gamma in (0, 1)")
        }
        s.learning.density = kind
        s.learning.ldm.steps = ldmSteps
        s.learning.ldm.gamma = gamma
        s.episodes = episodes
        s.samples = samples
        s.seed = seed
        let outcome = try PointMassExperiment.run(s) { print($0) }
        var report = outcome.report
        report.notes.append("command: swiftlet ldm-toy --density \(density) --episodes \(episodes) --ldm-steps \(ldmSteps) --gamma \(gamma) --samples \(samples) --seed \(seed)")
        let files = try report.write(to: out)
        print("wrote \(files.count) files to \(out)")
    }
}
