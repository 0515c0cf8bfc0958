import ArgumentParser
import Autonomy
import Diagnostics
import Foundation

/// `swiftlet experiment ocs`: out-of-distribution predictions revert to the OCS (METHODS.md 4).
struct ExperimentOCSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocs",
        abstract: "OCS: distance to the optimal constant solution, feature norm and abstaining along a ladder of unfamiliar images.",
        discussion: """
        Samples camera images in training worlds labelled with the privileged outcome of K yaw-rate \
        primitives, trains a reward-regression policy (K actions + abstain, MSE to +1/-4/0) and a \
        thresholded safety classifier on the same trunk, then measures both along a ladder of noise, \
        blur, fog, brightness, unseen textures and unseen shapes at severities 0..5. Writes report.md, \
        CSVs, SVG plots and the two checkpoints. See docs/ocs.md.
        """
    )

    @Option(help: "Preset: default (3,000 training images; a few minutes) or smoke (seconds).")
    var preset = "default"

    @Option(help: "JSON file overlaying the preset (any subset of the settings; see docs/ocs.md).")
    var config: String?

    @Option(help: "Directory for the report, CSVs, plots and checkpoints.")
    var out = "runs/experiment-ocs"

    @Option(help: "Random seed (overrides the config).")
    var seed: UInt64?

    func run() throws {
        let (settings, command) = try resolvePresetExperiment(OCSSettings.self, experiment: "ocs", preset: preset, config: config,
                                                              seed: seed, out: out)
        let start = Progress.monotonicSeconds()
        let progress = Progress(label: "ocs", total: OCSExperiment.workUnits(settings), unit: "steps")
        let result = try OCSExperiment.run(settings, progress: progress)
        progress.finish()
        let analysis = OCSAnalysis(result)
        let files = try OCSReport.write(result, analysis, to: out, command: command, seconds: Progress.monotonicSeconds() - start)
        for c in analysis.checks { print(c.consoleLine) }
        print("wrote \(files.count) files to \(out)")
    }
}
