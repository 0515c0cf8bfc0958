import ArgumentParser
import Autonomy
import Diagnostics
import Foundation

/// `swiftlet experiment hedging`: unfamiliar fine-tuning examples decide the default (METHODS.md 5).
struct ExperimentHedgingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hedging",
        abstract: "Hedging: relabelling unfamiliar fine-tuning examples decides what a policy does on unfamiliar scenes.",
        discussion: """
        Pre-trains a policy over K yaw-rate primitives + hover on camera images, splits a fine-tuning \
        set by the base model's probability of a correct action (unfamiliar when <= 0.7), fine-tunes \
        three arms from the same base weights (unfamiliar labels unchanged, relabelled to hover, \
        relabelled to a fixed primitive) and measures their actions on test scenes ranked by the base \
        model's familiarity and along the OCS ladder. Writes report.md, CSVs, SVG plots and the three arms' \
        checkpoints (which `swiftlet fly --ocs DIR` flies). See docs/hedging.md.
        """
    )

    @Option(help: "Preset: default (3,000 pre-training and 2,000 fine-tuning images; under a minute) or smoke (seconds).")
    var preset = "default"

    @Option(help: "JSON file overlaying the preset (any subset of the settings; see docs/hedging.md).")
    var config: String?

    @Option(help: "Directory for the report, CSVs, plots and checkpoints.")
    var out = "runs/experiment-hedging"

    @Option(help: "Random seed (overrides the config).")
    var seed: UInt64?

    func run() throws {
        let (settings, command) = try resolvePresetExperiment(HedgingSettings.self, experiment: "hedging", preset: preset, config: config,
                                                              seed: seed, out: out)
        let start = Progress.monotonicSeconds()
        let progress = Progress(label: "hedging", total: HedgingExperiment.workUnits(settings), unit: "steps")
        let result = try HedgingExperiment.run(settings, progress: progress)
        progress.finish()
        let files = try HedgingReport.write(result, to: out, command: command, seconds: Progress.monotonicSeconds() - start)
        for c in result.checks { print(c.consoleLine) }
        print("wrote \(files.count) files to \(out)")
    }
}
