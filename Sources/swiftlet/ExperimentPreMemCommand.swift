import ArgumentParser
import Autonomy
import Diagnostics
import Foundation

/// `swiftlet experiment premem`: pre-memorization train accuracy (METHODS.md 6).
struct ExperimentPreMemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "premem",
        abstract: "Pre-memorization train accuracy: premem vs test accuracy, curation, fragile starts.",
        discussion: """
        Trains an autoregressive yaw-token policy by behaviour cloning on privileged-planner \
        demonstrations over a grid of configurations, scores premem at every checkpoint and writes \
        report.md, CSVs and SVG plots. See docs/premem.md.
        """
    )

    @Option(help: "Preset: default or smoke (seconds).")
    var preset = "default"

    @Option(help: "JSON file overlaying the preset (any subset of the settings; see docs/premem.md).")
    var config: String?

    @Option(help: "Directory for the report, CSVs and plots.")
    var out = "runs/experiment-premem"

    @Option(help: "Random seed (overrides the config).")
    var seed: UInt64?

    func run() throws {
        let (settings, command) = try resolvePresetExperiment(PreMemSettings.self, experiment: "premem", preset: preset, config: config,
                                                              seed: seed, out: out)
        let start = Progress.monotonicSeconds()
        let progress = Progress(label: "premem", total: PreMemExperiment.workUnits(settings), unit: "runs")
        let result = try PreMemExperiment.run(settings, progress: progress)
        progress.finish()
        let files = try PreMemReport.write(result, to: out, command: command, seconds: Progress.monotonicSeconds() - start)
        for c in result.checks {
            print("\(c.met ? "met    " : "NOT MET") \(c.name): \(Statistics.format(c.value)) (\(c.threshold))")
        }
        print("wrote \(files.count) files to \(out)")
    }
}
