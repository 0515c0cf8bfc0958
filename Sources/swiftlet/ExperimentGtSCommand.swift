import ArgumentParser
import Autonomy
import Diagnostics
import Foundation

struct ExperimentGtSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gts",
        abstract: "GtS sim-to-real hybrid vs sim-only, real-only and finetune-all under one real-data budget (docs/gts.md).",
        discussion: """
        Collects sim-profile data and trains the whole collision predictor (sim phase), collects \
        capped real-profile data (default one hour = 14,400 steps, plus the sweep budgets), trains \
        GtS (frozen trunk), real-only and sim-then-finetune-all, and flies every model with the \
        same learned MPC in held-out real-profile worlds. Writes OUT/gts.md, gts-results.csv, \
        gts-sweep.csv, gts-sweep.svg, gts-curves.csv, config.json and models/*.safetensors \
        (each flies with `swiftlet eval --policy FILE --domain real`).

        --preset smoke finishes in seconds; --config FILE (JSON, any subset of the \
        keys in docs/gts.md) overrides the defaults. --models DIR evaluates the checkpoints of an \
        earlier run of the same config instead of training (only the step-matched sim-only \
        baseline is trained if DIR lacks it); with the config key evaluationSet > 0 the methods \
        meet fresh episodes.
        """
    )

    @Option(help: "JSON config file (keys of GtSExperimentConfig; missing keys keep the default).") var config: String?
    @Option(help: "Preset: default or smoke.") var preset: String = "default"
    @Option(help: "Output directory.") var out: String = "runs/experiment-gts"
    @Option(help: "Random seed (overrides the config's seed key).") var seed: UInt64?
    @Option(help: "Evaluate the trained checkpoints in this directory (an earlier run's OUT/models, same config) instead of collecting and training.")
    var models: String?
    @Flag(help: "Only measure the action-dynamics gap between the profiles (no training, no files) and print it.")
    var dynamicsGap = false
    @Flag(help: "With --models DIR: fly GtS as the pilot and score its planner's candidates with every model (no training, no evaluation table); writes OUT/plan-agreement.md and CSVs.")
    var planAgreement = false
    @Option(help: "With --plan-agreement: pilot episodes per held-out world (the first of the config's evaluation draws). (default: 1)")
    var episodes: Int?
    @Flag(help: "With --plan-agreement: instead of the agreement tables, fly every first-iteration candidate from the tick's env state (every --truth-every ticks) and score each model's ranking against the true collisions; writes OUT/plan-truth.md and CSVs.")
    var groundTruth = false
    @Option(help: "With --ground-truth: label the candidates of every n-th tick. (default: 10)")
    var truthEvery: Int?
    @Option(help: "With --models DIR: retrain GtS and finetune-all's real phase from DIR's sim-only, saving snapshots after these step counts (e.g. 125,250,500,1000,2000) into OUT/models, and report their losses; with --ground-truth, score the snapshots' rankings against the true outcomes (GtS the pilot).")
    var realCurve: String?
    @Option(help: "With --real-curve and --ground-truth: held-out (the config's evaluation episodes) or training (the training worlds, fresh episode seeds). (default: held-out)")
    var truthWorlds: String?

    func run() throws {
        let (c, base) = try GtSExperimentConfig.resolve(experiment: "gts", preset: preset, config: config, seed: seed)
        var cmd = base
        // flags of the analysis modes do nothing in a plain run, which takes hours: refuse them
        let realTruth = realCurve != nil && groundTruth
        if self.episodes != nil && !(planAgreement || realTruth) {
            throw InputError("--episodes", "applies with --plan-agreement or --real-curve --ground-truth (the experiment's episodes come from the config)")
        }
        if self.truthEvery != nil && !groundTruth { throw InputError("--truth-every", "applies with --ground-truth") }
        if self.truthWorlds != nil && !realTruth { throw InputError("--truth-worlds", "applies with --real-curve --ground-truth") }
        let (episodes, truthEvery, truthWorlds) = (self.episodes ?? 1, self.truthEvery ?? 10, self.truthWorlds ?? "held-out")
        // every mode writes its report after a long run: check --out first
        if !dynamicsGap { try OutputPath.prepareDirectory(out, source: "--out") }
        if dynamicsGap {
            let g = try GtSExperiment.dynamicsGap(c)
            print("action-dynamics gap, \(g.samples) random \(g.horizonSteps)-step yaw-rate sequences, sim vs real profile (means):")
            print("  sim: path \(Statistics.format(g.simPathLength)) m, |turn| \(Statistics.format(g.simTurn)) rad, |lateral offset| \(Statistics.format(g.simLateral)) m")
            print("  real - sim: end position \(Statistics.format(g.positionGap)) m, heading \(Statistics.format(g.headingGap)) rad")
            return
        }
        if groundTruth && !planAgreement && realCurve == nil { throw InputError("--ground-truth", "needs --plan-agreement or --real-curve") }
        if let realCurve {
            if planAgreement { throw InputError("--real-curve", "use either --real-curve or --plan-agreement, not both") }
            guard let models else { throw InputError("--real-curve", "needs --models DIR (the trained run whose sim-only starts the curve)") }
            let steps = try GtSRealCurve.parseSteps(realCurve)
            if groundTruth {
                guard let worlds = GtSRealCurve.Worlds(rawValue: truthWorlds) else {
                    throw InputError("--truth-worlds", "expected held-out or training, got \"\(truthWorlds)\"")
                }
                cmd += " --real-curve \(realCurve) --ground-truth --truth-worlds \(truthWorlds) --truth-every \(truthEvery) --models \(models) --episodes \(episodes) --out \(out)"
                let r = try GtSRealCurve.truth(c, models: models, out: out, steps: steps, worlds: worlds, episodesPerWorld: episodes, every: truthEvery)
                try GtSPlanTruth.write(r, to: out + "/truth-" + worlds.rawValue, command: cmd)
                print(GtSPlanTruth.markdown(r, command: cmd))
                return
            }
            cmd += " --real-curve \(realCurve) --models \(models) --out \(out)"
            let r = try GtSRealCurve.train(c, models: models, out: out, steps: steps)
            try GtSRealCurve.write(r, to: out, command: cmd)
            print(GtSRealCurve.markdown(r, command: cmd))
            return
        }
        if planAgreement {
            guard let models else { throw InputError("--plan-agreement", "needs --models DIR (the trained checkpoints to compare)") }
            if groundTruth {
                cmd += " --plan-agreement --ground-truth --truth-every \(truthEvery) --models \(models) --episodes \(episodes) --out \(out)"
                let r = try GtSPlanAgreement.runTruth(c, models: models, out: out, episodesPerWorld: episodes, every: truthEvery)
                try GtSPlanTruth.write(r, to: out, command: cmd)
                print(GtSPlanTruth.markdown(r, command: cmd))
                return
            }
            cmd += " --plan-agreement --models \(models) --episodes \(episodes) --out \(out)"
            let r = try GtSPlanAgreement.run(c, models: models, out: out, episodesPerWorld: episodes)
            try GtSPlanAgreement.write(r, to: out, command: cmd)
            print(GtSPlanAgreement.markdown(r, command: cmd))
            return
        }
        if let models { cmd += " --models \(models)" }
        cmd += " --out \(out)"
        let result = try GtSExperiment.run(c, out: out, models: models)
        try GtSReport.write(result, to: out, command: cmd)
        print(GtSReport.markdown(result, command: cmd))
    }
}
