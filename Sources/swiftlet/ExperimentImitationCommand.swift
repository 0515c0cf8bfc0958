import ArgumentParser
import Autonomy
import Diagnostics
import Foundation

/// `swiftlet experiment imitation`: multi-task imitation for linear systems (METHODS.md 7).
struct ExperimentImitationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imitation",
        abstract: "Multi-task imitation for linear systems: imitation gap vs N_target, H, N_shared and k.",
        discussion: """
        Draws random stable systems whose experts share a representation phi, pre-trains (phi, heads) \
        on H sources, fits the target head with phi frozen and compares with least squares from \
        scratch. Writes report.md, gaps.csv, summary.csv and SVG plots. See docs/imitation.md.
        """
    )

    @Option(help: "Preset: default (n_x 20, 20 seeds; about a minute) or smoke (a few seconds).")
    var preset = "default"

    @Option(help: "JSON file overlaying the preset (any subset of the settings; see docs/imitation.md).")
    var config: String?

    @Option(help: "Directory for the report, CSVs and plots.")
    var out = "runs/experiment-imitation"

    @Option(help: "Random seed (overrides the config).")
    var seed: UInt64?

    func run() throws {
        let (settings, command) = try resolvePresetExperiment(ImitationSettings.self, experiment: "imitation", preset: preset, config: config,
                                                              seed: seed, out: out)
        let start = Progress.monotonicSeconds()
        let progress = Progress(label: "imitation", total: ImitationExperiment.workUnits(settings), unit: "fits")
        let result = try ImitationExperiment.run(settings, progress: progress)
        progress.finish()
        let analysis = ImitationAnalysis(result)
        let seconds = Progress.monotonicSeconds() - start
        let files = try ImitationReport.write(result, analysis, to: out, command: command, seconds: seconds)
        for c in analysis.checks {
            print("\(c.met ? "met    " : "NOT MET") \(c.name): \(c.value.formatted()) (accepted [\(Statistics.format(c.lower)), \(Statistics.format(c.upper))])")
        }
        print("wrote \(files.count) files to \(out)")
    }
}
