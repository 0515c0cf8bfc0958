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
        default config (not combinable with --preset smoke). --report-from RUN/hint-episodes.csv \
        with the run's own config rewrites the report, summary and plots in seconds (for a \
        finished run, after the report code changed).
        """
    )

    @Option(help: "JSON config file (keys of HIntExperimentConfig; missing keys keep the default; not with --preset smoke).") var config: String?
    @Option(help: "Preset: default or smoke.") var preset: String = "default"
    @Option(help: "Output directory.") var out: String = "runs/experiment-hint"
    @Option(help: "Random seed (overrides the config's seed key).") var seed: UInt64?
    @Option(help: "Reuse the checkpoints of a previous run (its OUT/models directory) instead of training.") var models: String?
    @Option(help: "Train on a previous run's MCAP datasets (its OUT/data directory, <source>.mcap) instead of collecting.") var data: String?
    @Option(help: "Rebuild the report, summary and plots from a finished run's hint-episodes.csv (with that run's --config or --preset) instead of running; nothing is collected, trained or driven.")
    var reportFrom: String?

    func run() throws {
        let (c, base) = try HIntExperimentConfig.resolve(experiment: "hint", preset: preset, config: config, seed: seed)
        var cmd = base
        if let reportFrom {
            if models != nil || data != nil { throw InputError("--report-from", "rebuilds a finished run's report: drop --models and --data") }
            let result = try HIntEpisodesCSV.result(reportFrom, config: c)
            try OutputPath.prepareDirectory(out, source: "--out")
            cmd += " --report-from \(reportFrom) --out \(out)"
            try HIntReport.write(result, to: out, command: cmd)
            print(HIntReport.markdown(result, command: cmd))
            return
        }
        let result = try HIntExperiment.run(c, out: out, modelsFrom: models, dataFrom: data)
        if let data { cmd += " --data \(data)" }
        if let models { cmd += " --models \(models)" }
        cmd += " --out \(out)"
        try HIntReport.write(result, to: out, command: cmd)
        print(HIntReport.markdown(result, command: cmd))
    }
}
