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

    @Option(help: "Training pairs sampled in the data box.")
    var data = PointMassExperiment.Settings().dataCount

    @Option(help: "Episodes per filter condition.")
    var episodes = PointMassExperiment.Settings().episodes

    @Option(help: "LDM training steps.")
    var ldmSteps = LearnedLDM.Settings().steps

    @Option(help: "Discount of the LDM backup.")
    var gamma = LearnedLDM.Settings().gamma

    @Option(help: "LDM hidden widths, comma-separated.")
    var hidden = LearnedLDM.Settings().hidden.map(String.init).joined(separator: ",")

    @Option(help: "LDM training batch size.")
    var batch = LearnedLDM.Settings().batchSize

    @Option(help: "Sampled next actions for the min over a'.")
    var candidates = LearnedLDM.Settings().candidateActions

    @Option(help: "Polyak factor of the LDM target networks.")
    var polyak = LearnedLDM.Settings().polyak

    @Option(help: "Planner candidates per tick.")
    var samples = PointMassExperiment.Settings().samples

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
        let widths = hidden.split(separator: ",").compactMap { Int($0) }
        guard !widths.isEmpty, widths.allSatisfy({ $0 > 0 }), batch > 0, candidates > 0, polyak > 0, polyak <= 1 else {
            throw ValidationError("--hidden needs positive widths, --batch and --candidates positive, --polyak in (0, 1]")
        }
        s.learning.ldm.hidden = widths
        s.learning.ldm.batchSize = batch
        s.learning.ldm.candidateActions = candidates
        s.learning.ldm.polyak = polyak
        s.episodes = episodes
        guard data > 100 else { throw ValidationError("--data must be above 100, got \(data)") }
        s.dataCount = data
        s.samples = samples
        s.seed = seed
        let outcome = try PointMassExperiment.run(s) { print($0) }
        var report = outcome.report
        report.notes.append("command: swiftlet ldm-toy --density \(density) --data \(data) --episodes \(episodes) --ldm-steps \(ldmSteps) --gamma \(gamma) --hidden \(hidden) --batch \(batch) --candidates \(candidates) --polyak \(polyak) --samples \(samples) --seed \(seed)")
        let files = try report.write(to: out)
        print("wrote \(files.count) files to \(out)")
    }
}
