import ArgumentParser
import Autonomy
import Diagnostics
import Foundation

struct ExperimentHIntCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hint",
        abstract: "HInt: shared perception + per-robot dynamics vs hierarchy and action-conditioned baselines (docs/hint.md).",
        discussion: """
        Collects jackal, rccar, quadrotor and hand-held camera data in training worlds, trains \
        the shared perception model P, per-robot dynamics D_r and the single-source and pooled \
        action-conditioned baselines, then drives the jackal to goals in held-out worlds with \
        every method at every yaw-rate limit. Writes OUT/hint.md, hint-summary.csv, \
        hint-episodes.csv, hint-success.svg, hint-distance.svg, data/*.swhi, data/*.mcap (each \
        source's dataset as MCAP with its platform recorded), models/*.safetensors.

        --preset smoke runs in seconds; --config FILE (JSON) overrides any key of the \
        default config (not combinable with --preset smoke).
        """
    )

    @Option(help: "JSON config file (keys of HIntExperimentConfig; missing keys keep the default; not with --preset smoke).") var config: String?
    @Option(help: "Preset: default or smoke.") var preset: String = "default"
    @Option(help: "Output directory.") var out: String = "results/hint"
    @Option(help: "Random seed (overrides the config's seed key).") var seed: UInt64?
    @Option(help: "Reuse the checkpoints of a previous run (its OUT/models directory) instead of training.") var models: String?
    @Option(help: "Train on a previous run's MCAP datasets (its OUT/data directory, <source>.mcap) instead of collecting.") var data: String?

    func run() throws {
        var c: HIntExperimentConfig
        switch preset {
        case "default": c = HIntExperimentConfig()
        case "smoke": c = .smoke
        default: throw InputError("--preset", "expected default or smoke, got \"\(preset)\"")
        }
        if let config {
            if preset != "default" { throw InputError("--config", "use either --config or --preset smoke, not both") }
            c = try HIntExperimentConfig.load(config)
        }
        if let seed { c.seed = seed }
        let result = try HIntExperiment.run(c, out: out, modelsFrom: models, dataFrom: data)
        var cmd = "swiftlet experiment hint"
        if let config { cmd += " --config \(config)" } else if preset != "default" { cmd += " --preset \(preset)" }
        if let seed { cmd += " --seed \(seed)" }
        if let data { cmd += " --data \(data)" }
        if let models { cmd += " --models \(models)" }
        cmd += " --out \(out)"
        try HIntReport.write(result, to: out, command: cmd)
        print(HIntReport.markdown(result, command: cmd))
    }
}
