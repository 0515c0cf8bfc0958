import Diagnostics
import Foundation
import Models
import Physics
import Runtime
import World

extension GtSPlanAgreement {
    /// `swiftlet experiment gts --plan-agreement --models DIR`: the config's trained models at the
    /// main budget (checked against the config as `--models` checks them; the step-matched
    /// sim-only joins when DIR or `out/models` holds it), GtS as the pilot, `episodesPerWorld`
    /// episodes (the first of the config's evaluation draws) in each held-out world, real profile.
    /// Nothing is trained.
    public static func run(_ c: GtSExperimentConfig, models dir: String, out: String, episodesPerWorld: Int,
                           sink: Diagnostics.Progress.Sink = .standardError,
                           log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> Result {
        let s = try setup(c, models: dir, out: out, episodesPerWorld: episodesPerWorld, log: log)
        return try run(pilot: s.models[0], models: s.models, settings: c.policySettings, evaluation: s.evaluation, envModels: s.envModels,
                       progress: Diagnostics.Progress(label: "plan agreement", total: s.envModels.count * episodesPerWorld, unit: "episodes", sink: sink))
    }

    /// The same pilot, models and episodes, with the candidates' true outcomes every `every` ticks
    /// (`--plan-agreement --ground-truth`, `GtSPlanTruth`).
    public static func runTruth(_ c: GtSExperimentConfig, models dir: String, out: String, episodesPerWorld: Int, every: Int,
                                sink: Diagnostics.Progress.Sink = .standardError,
                                log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> GtSPlanTruth.Result {
        let s = try setup(c, models: dir, out: out, episodesPerWorld: episodesPerWorld, log: log)
        return try GtSPlanTruth.run(pilot: s.models[0], models: s.models, settings: c.policySettings, evaluation: s.evaluation,
                                    envModels: s.envModels, every: every,
                                    progress: Diagnostics.Progress(label: "plan ground truth", total: s.envModels.count * episodesPerWorld,
                                                                   unit: "episodes", sink: sink))
    }

    /// The models (GtS first), the evaluation draws and the real-profile env models of the held-out worlds.
    static func setup(_ c: GtSExperimentConfig, models dir: String, out: String, episodesPerWorld: Int, log: @Sendable (String) -> Void) throws
        -> (models: [(name: String, predictor: CollisionPredictor)], evaluation: EvaluationSettings, envModels: [EnvModel]) {
        if let why = c.problem { throw InputError("gts config", why) }
        guard episodesPerWorld > 0 else { throw InputError("--episodes", "\(episodesPerWorld) must be at least 1") }
        var cMain = c
        cMain.sweepEpisodesPerWorld = 0
        let trained = try GtSCheckpoints.load(cMain, dir: dir)
        let sim = trained[0]
        guard let gtsModel = trained.first(where: { $0.method == GtSExperiment.gts && $0.hours == c.realHours }) else {
            throw InputError("--models", "no GtS model at the main budget \(GtSExperiment.fmtHours(c.realHours))")
        }
        var list = [gtsModel, sim]
        let extra = gtsModel.record.steps - sim.record.steps
        let stem = GtSCheckpoints.stepMatchedStem(extra)
        if let found = [dir, out + "/models"].map({ $0 + "/" + stem + ".safetensors" }).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            list.append(try GtSCheckpoints.loadStepMatched(c, file: found, sim: sim, extraSteps: extra))
        } else {
            log("gts plan agreement: \(stem) is in neither \(dir) nor \(out)/models: left out")
        }
        for method in [GtSExperiment.finetuneAll, GtSExperiment.realOnly] {
            if let m = trained.first(where: { $0.method == method && $0.hours == c.realHours }) { list.append(m) }
        }
        let loaded = try list.map { (name: $0.name, predictor: try CollisionPredictor.load($0.file)) }
        let robot = try URDFLoader.load(path: c.robot)
        let testSpecs = WorldCatalog.heldOutSpecs(count: c.testWorlds)
        let scenes = try WorldSet.scenes(testSpecs)
        for (s, spec) in zip(scenes, testSpecs) where !WorldCatalog.isHeldOut(s) {
            throw InputError("gts", at: spec, "a test world is not held out")
        }
        let evaluation = EvaluationSettings(worlds: testSpecs, episodes: episodesPerWorld, routeLength: c.routeLength, seed: c.evaluationSeed)
        let envModels = try scenes.map { try EnvModel(scene: $0, robot: robot, settings: evaluation.env(c.env), domain: c.realDomain) }
        log("gts plan agreement: pilot \(loaded[0].name), \(loaded.count) models x \(testSpecs.count) held-out worlds x \(episodesPerWorld) episodes (real profile)")
        return (loaded, evaluation, envModels)
    }

    /// The closing line of both plan reports: the pilot's episodes, collisions and mean distance.
    static func pilotSummary(_ episodes: [Episode]) -> String {
        let collisions = episodes.filter(\.collided).count
        let mean = episodes.reduce(0) { $0 + $1.distance } / Double(max(episodes.count, 1))
        return "\nPilot episodes: \(episodes.count), \(collisions) collisions, mean distance \(String(format: "%.1f", mean)) m.\n"
    }

    /// The pilot's episodes as CSV (`plan-episodes.csv`, `plan-truth-episodes.csv`).
    static func episodesCSV(_ episodes: [Episode]) -> CSVWriter {
        var csv = CSVWriter(header: ["world", "episode", "seed", "distance", "collided", "ticks"])
        for e in episodes { csv.addRow(["\(e.world)", "\(e.episode)", "\(e.seed)", "\(e.distance)", "\(e.collided)", "\(e.ticks)"]) }
        return csv
    }

    /// The printed report: per candidate set, each model's agreement with the pilot; then the
    /// calibration table and the pilot's episodes.
    public static func markdown(_ r: Result, command: String) -> String {
        func f(_ x: Double, _ d: Int = 3) -> String { String(format: "%.\(d)f", x) }
        let ticks = r.episodes.reduce(0) { $0 + $1.ticks }
        var s = "# GtS plan agreement\n\n`\(command)`\n\n"
        s += "Pilot: \(r.pilot) (its learned MPC flies), \(r.episodes.count) real-profile episodes in the held-out worlds, \(ticks) control ticks, "
        s += "wall time \(f(r.seconds, 0)) s. Every model scores the pilot's CEM candidates of each tick on the same observation with the "
        s += "planner's cost; compared with the pilot's own costs. k = \(r.elites) (the CEM's elites). |Δa0|: first yaw rate (rad/s) of the "
        s += "plan each model would pick from the set, as the mean of its k best (what the CEM fits) and as its best candidate.\n\n"
        s += "Subsets: contested = the quarter of ticks with the largest spread (standard deviation) of the pilot's first-iteration costs "
        s += "(>= \(f(r.contestedThreshold, 4))); collision ahead = ticks followed by a collision within \(r.horizon) steps.\n\n"
        for set in r.sets {
            let rows = r.pairs.filter { $0.set == set && $0.reference == "pilot" }
            s += "## \(set) (\(rows.first?.candidates ?? 0) candidates per tick): every model against the pilot's costs\n\n"
            s += "| model vs \(r.pilot) | ticks | Spearman | top-1 agree | top-\(r.elites) overlap | |Δa0| elite mean | |Δa0| best |\n"
            s += "|:--|--:|--:|--:|--:|--:|--:|\n"
            for subset in subsetNames {
                s += "| *\(subset)* | | | | | | |\n"
                for p in rows where p.subset == subset {
                    s += "| \(p.model) | \(p.ticks) | \(f(p.spearman)) | \(f(p.top1)) | \(f(p.topKOverlap)) | \(f(p.eliteFirstActionGap)) | \(f(p.bestFirstActionGap)) |\n"
                }
            }
            s += "\n"
        }
        s += "## Every pair of models (all ticks)\n\n"
        s += "| pair | Spearman (first) | top-\(r.elites) overlap (first) | |Δa0| elite (first) | Spearman (final) | top-\(r.elites) overlap (final) | |Δa0| elite (final) |\n"
        s += "|:--|--:|--:|--:|--:|--:|--:|\n"
        for p in r.modelPairs {
            let a = r.models[p.a], b = r.models[p.b]
            let rows = r.sets.compactMap { set in r.pairs.first { $0.reference == a && $0.model == b && $0.set == set && $0.subset == subsetNames[0] } }
            guard rows.count == 2 else { continue }
            s += "| \(a) vs \(b) | \(f(rows[0].spearman)) | \(f(rows[0].topKOverlap)) | \(f(rows[0].eliteFirstActionGap)) | "
                + "\(f(rows[1].spearman)) | \(f(rows[1].topKOverlap)) | \(f(rows[1].eliteFirstActionGap)) |\n"
        }
        s += "\n"
        s += "## Calibration on the flown sequences\n\n"
        s += "| model | ticks (horizon observed) | predicted P(collision within \(r.horizon) steps) | observed | Brier | predicted per step | observed per step |\n"
        s += "|:--|--:|--:|--:|--:|--:|--:|\n"
        for c in r.calibration {
            s += "| \(c.model) | \(c.ticks) | \(f(c.predictedAtHorizon)) | \(f(c.observedAtHorizon)) | \(f(c.brierAtHorizon)) | \(f(c.predictedPerStep)) | \(f(c.observedPerStep)) |\n"
        }
        s += GtSPlanAgreement.pilotSummary(r.episodes)
        return s
    }

    /// Writes `plan-agreement.md`, `plan-agreement.csv` (the pair table), `plan-calibration.csv`,
    /// `plan-agreement-ticks.csv` (every tick, set and model) and `plan-episodes.csv` into `out`.
    public static func write(_ r: Result, to out: String, command: String) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try AtomicFile.write(markdown(r, command: command), to: out + "/plan-agreement.md")
        var pairs = CSVWriter(header: ["set", "subset", "reference", "model", "ticks", "candidates", "spearman", "top1", "topk_overlap", "k",
                                       "elite_first_action_gap", "best_first_action_gap"])
        for p in r.pairs {
            pairs.addRow([p.set, p.subset, p.reference, p.model, "\(p.ticks)", "\(p.candidates)", "\(p.spearman)", "\(p.top1)",
                          "\(p.topKOverlap)", "\(r.elites)", "\(p.eliteFirstActionGap)", "\(p.bestFirstActionGap)"])
        }
        try pairs.write(to: out + "/plan-agreement.csv")
        var cal = CSVWriter(header: ["model", "ticks", "predicted_at_horizon", "observed_at_horizon", "brier_at_horizon", "steps_observed",
                                     "predicted_per_step", "observed_per_step"])
        for c in r.calibration {
            cal.addRow([c.model, "\(c.ticks)", "\(c.predictedAtHorizon)", "\(c.observedAtHorizon)", "\(c.brierAtHorizon)", "\(c.stepsObserved)",
                        "\(c.predictedPerStep)", "\(c.observedPerStep)"])
        }
        try cal.write(to: out + "/plan-calibration.csv")
        var ticks = CSVWriter(header: ["world", "episode", "tick", "pilot_cost_spread", "collision_ahead", "set", "reference", "model", "spearman",
                                       "top1", "topk_overlap", "elite_first_action_gap", "best_first_action_gap"])
        for (ei, ep) in r.episodes.enumerated() {
            for (t, tick) in r.perTick[ei].enumerated() {
                let head = ["\(ep.world)", "\(ep.episode)", "\(t)", "\(tick.pilotSpread)", tick.collisionAhead ? "1" : "0"]
                for si in r.sets.indices {
                    func row(_ ref: String, _ model: String, _ a: TickAgreement) {
                        ticks.addRow(head + [r.sets[si], ref, model, "\(a.spearman)", a.top1 ? "1" : "0", "\(a.topKOverlap)",
                                            "\(a.eliteFirstActionGap)", "\(a.bestFirstActionGap)"])
                    }
                    for (mi, a) in tick.vsPilot[si].enumerated() { row("pilot", r.models[mi], a) }
                    for (pi, a) in tick.pairs[si].enumerated() { row(r.models[r.modelPairs[pi].a], r.models[r.modelPairs[pi].b], a) }
                }
            }
        }
        try ticks.write(to: out + "/plan-agreement-ticks.csv")
        try episodesCSV(r.episodes).write(to: out + "/plan-episodes.csv")
    }
}
