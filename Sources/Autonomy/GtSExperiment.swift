import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Runtime
import World

/// `swiftlet experiment gts`: the sim-to-real hybrid of METHODS.md section 1 against its
/// baselines, with the same real-data budget for every method (docs/gts.md).
///
/// 1. Sim phase: collect `simSteps` in the "sim" profile in training worlds and train the whole
///    model (the "sim-only" baseline). Nothing in this phase builds a real-profile env.
/// 2. For every real budget: collect that many real-profile steps in the same training worlds
///    under a `RealDataBudget` cap, then train GtS (sim weights, trunk and dense 256/128 frozen)
///    and real-only (random init, everything trained); at the main budget also
///    sim-then-finetune-everything, and the step-matched sim-only (sim-only trained for GtS's
///    real-phase step count more on sim data, GtS's settings).
/// 3. Evaluate every model with the same learned-MPC settings in held-out worlds (unseen
///    seeds, the `boulders` family, held-out textures) in the real profile, whose lighting and
///    exposure vary per episode; the straight-flight reference joins the table.
public enum GtSExperiment {
    /// One trained model of the experiment.
    public struct TrainedModel: Sendable {
        public var method: String
        public var hours: Double
        public var file: String
        public var record: CollisionTrainingRecord
        public var curve: [Float]
    }

    /// One sweep point.
    public struct SweepPoint: Sendable {
        public var method: String
        public var hours: Double
        public var realTransitions: Int
        public var distance: ConfidenceInterval
        public var episodes: Int
    }

    /// Which domain each collection ran in (checked by the tests: the sim phase is "sim" only).
    public struct CollectionLog: Sendable, Equatable {
        public var phase: String
        public var domain: String
        public var steps: Int
    }

    /// Held-out prediction loss of one model on sim- and real-profile data that no model trains on.
    public struct TransferLoss: Sendable {
        public var model: String
        /// Mask-weighted mean training loss (weighted cross-entropy) on the sim-profile set.
        public var sim: Double
        /// The same on the real-profile set.
        public var real: Double
    }

    public struct Result: Sendable {
        public var config: GtSExperimentConfig
        public var trainWorlds: [String]
        public var testWorlds: [String]
        public var collections: [CollectionLog]
        public var models: [TrainedModel]
        /// Main comparison (every method at `realHours`, plus straight flight).
        public var main: EvaluationReport
        /// Lighting of every main-evaluation episode, `[world][episode]` (the same for every method).
        public var lighting: [[GtSLighting.Draw]]
        public var sweep: [SweepPoint]
        /// Transfer diagnostic (empty when `diagnosticSteps` is 0).
        public var transfer: [TransferLoss]
        /// Action-dynamics gap between the profiles (nil when `diagnosticSteps` is 0).
        public var dynamicsGap: GtSDynamicsGap.Summary?
        /// Real-profile steps collected over the whole experiment.
        public var realStepsTotal: Int
        public var seconds: [String: Double]
        /// The `--models` directory the trained models were loaded from (nil: trained in this run).
        public var reusedModels: String? = nil
    }

    public static let simOnly = "sim-only"
    public static let realOnly = "real-only"
    public static let finetuneAll = "sim+finetune-all"
    public static let gts = "GtS"
    /// Sim-only trained on for as many more optimiser steps as GtS's real phase, on sim data
    /// only (the same frozen trunk, optimiser and fresh Adam state): removes the extra-steps
    /// confound from GtS vs sim-only.
    public static let simOnlyStepMatched = "sim-only+steps"
    /// Why a run whose sim phase was loaded (`simModel`) has no step-matched baseline.
    static let noStepMatched = "gts: no step-matched sim-only: the sim phase was loaded (simModel), its data are not in this run"

    /// Runs the experiment, writing models (and nothing else) into `out/models`; see
    /// `GtSReport.write` for the report files. With `reuse` (a directory of checkpoints from an
    /// earlier run of the same config, `--models DIR`) nothing is collected or trained except the
    /// step-matched sim-only baseline when `reuse` lacks it: the checkpoints are loaded, checked
    /// against the config (`GtSCheckpoints.load`) and evaluated.
    public static func run(_ c: GtSExperimentConfig, out: String, models reuse: String? = nil,
                           sink: Diagnostics.Progress.Sink = .standardError,
                           log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> Result {
        if let why = c.problem { throw InputError("gts config", why) }
        let modelsDir = out + "/models"
        try OutputPath.prepareDirectory(modelsDir, source: "--out")
        let robot = try URDFLoader.load(path: c.robot)
        let env = c.env
        let trainSpecs = WorldCatalog.trainingSpecs(count: c.trainWorlds)
        let testSpecs = WorldCatalog.heldOutSpecs(count: c.testWorlds)
        let trainScenes = try WorldSet.scenes(trainSpecs)
        for (s, spec) in zip(trainScenes, trainSpecs) where WorldCatalog.isHeldOut(s) {
            throw InputError("gts", at: spec, "a training world is held out")
        }
        var seconds: [String: Double] = [:]
        var collections: [CollectionLog] = []
        var models: [TrainedModel] = []
        let mc = c.modelConfig
        func clock() -> Double { Diagnostics.Progress.monotonicSeconds() }

        let simModels = try trainScenes.map { try EnvModel(scene: $0, robot: robot, settings: env, domain: .sim) }
        let simSettings = CollectionSettings(worlds: trainSpecs, env: env, domain: .sim, steps: c.simSteps,
                                             seed: RNG.mix(c.seed, 0x5349_4D), lanes: c.lanes)
        let realModels = try trainScenes.map { try EnvModel(scene: $0, robot: robot, settings: env, domain: c.realDomain) }
        var realTotal = 0
        var t0 = clock()
        if let reuse {
            // evaluation only: the trained checkpoints of an earlier run of this config
            log("gts: loading the trained models from \(reuse) (no collection, no training)")
            models = try GtSCheckpoints.load(c, dir: reuse)
            seconds["load models"] = clock() - t0
            t0 = clock()
            let sim = models[0]
            guard let gtsMain = models.first(where: { $0.method == gts && $0.hours == c.realHours }) else {
                throw InputError("gts", "no GtS model at the main budget \(fmtHours(c.realHours))")
            }
            let extra = gtsMain.record.steps - sim.record.steps
            let stem = GtSCheckpoints.stepMatchedStem(extra)
            if let found = [reuse, modelsDir].map({ $0 + "/" + stem + ".safetensors" }).first(where: { FileManager.default.fileExists(atPath: $0) }) {
                models.insert(try GtSCheckpoints.loadStepMatched(c, file: found, sim: sim, extraSteps: extra), at: 1)
            } else if c.simModel != nil {
                log(noStepMatched)
            } else {
                log("gts: \(stem) is not in \(reuse): training it from sim-only (\(extra) steps on re-collected sim data)")
                let simData = try collectSim(simSettings, models: simModels,
                                             progress: Diagnostics.Progress(label: "collect sim", total: c.simSteps, unit: "steps", sink: sink))
                collections.append(CollectionLog(phase: "sim (step-matched baseline)", domain: simSettings.domain.name, steps: simData.sampleCount))
                // the re-collected data must be the sim phase's data, or the baseline is not the one the config defines
                guard hash(simData) == sim.record.datasetHash else {
                    throw InputError(sim.file, at: "datasetHash", "sim data collected from this config hash to \(hash(simData)), "
                                     + "the checkpoint was trained on \(sim.record.datasetHash): not the same config")
                }
                let simPredictor = try CollisionPredictor.load(sim.file)
                models.insert(try trainStepMatched(c, from: simPredictor, simRecord: sim.record, data: simData, steps: extra,
                                                   dir: modelsDir, sink: sink), at: 1)
            }
            seconds["train step-matched"] = clock() - t0
        } else {
            let simPredictor: CollisionPredictor, simRecord: CollisionTrainingRecord, simData: CollisionDataset?
            if let file = c.simModel {
                // sim phase from a checkpoint: checked for sim-only provenance, nothing collected
                log("gts: sim phase: loaded from \(file), not trained here")
                let (p, source) = try GtSSimModel.load(c, file: file)
                (simPredictor, simRecord, simData) = (p, GtSSimModel.simOnlyRecord(source, file: file), nil)
                models.append(try save(simPredictor, record: simRecord, method: simOnly, hours: 0, curve: [], dir: modelsDir,
                                       settings: c.policySettings))
                seconds["load sim model"] = clock() - t0
            } else {
                // sim phase: sim-profile envs only
                log("gts: sim phase: \(c.simSteps) sim steps in \(trainSpecs.count) training worlds")
                let data = try collectSim(simSettings, models: simModels,
                                          progress: Diagnostics.Progress(label: "collect sim", total: c.simSteps, unit: "steps", sink: sink))
                collections.append(CollectionLog(phase: "sim", domain: simSettings.domain.name, steps: data.sampleCount))
                seconds["collect sim"] = clock() - t0
                t0 = clock()
                var initRNG = RNG(seed: c.seed, stream: 0x494E_4954)
                let simTrainer = CollisionTrainer(CollisionPredictor(config: mc, rng: &initRNG), config: c.training)
                var orderRNG = RNG(seed: c.seed, stream: 0x5349_4D54)
                let simCurve = GtSTraining.train(simTrainer, data: data, epochs: c.simEpochs, rng: &orderRNG,
                                                 progress: Diagnostics.Progress(label: "train sim", total: c.simEpochs * data.sampleCount,
                                                                                unit: "samples", sink: sink))
                simPredictor = simTrainer.predictor
                simRecord = CollisionTrainingRecord(training: c.training, datasetHash: hash(data), realTransitions: 0,
                                                    simTransitions: data.sampleCount, steps: simTrainer.steps,
                                                    notes: ["method": simOnly, "phase": "sim", "epochs": "\(c.simEpochs)"])
                simData = data
                models.append(try save(simPredictor, record: simRecord, method: simOnly, hours: 0, curve: simCurve, dir: modelsDir,
                                       settings: c.policySettings))
                seconds["train sim"] = clock() - t0
            }

            // real data: one independent collection per budget, each under its own cap
            for (bi, hours) in c.allRealHours.enumerated() {
                t0 = clock()
                let steps = c.realSteps(hours)
                var budget = RealDataBudget(cap: steps)
                let settings = CollectionSettings(worlds: trainSpecs, env: env, domain: c.realDomain, steps: steps,
                                                  seed: RNG.mix(c.seed, RNG.mix(0x5245_414C, UInt64(bi))), lanes: c.lanes)
                log("gts: real budget \(fmtHours(hours)) = \(steps) \(c.realProfile)-profile steps")
                let realData = try budget.collect(settings, models: realModels,
                                                  progress: Diagnostics.Progress(label: "collect real \(fmtHours(hours))", total: steps, unit: "steps", sink: sink))
                realTotal += realData.sampleCount
                collections.append(CollectionLog(phase: "real \(fmtHours(hours))", domain: settings.domain.name, steps: realData.sampleCount))
                seconds["collect real"] = (seconds["collect real"] ?? 0) + clock() - t0
                t0 = clock()
                var methods: [(String, CollisionPredictor, CollisionTrainingConfig)] = [
                    (gts, simPredictor, phaseConfig(c.training, frozen: CollisionPredictor.realPhaseFrozen)),
                    (realOnly, { var r = RNG(seed: c.seed, stream: 0x5245_4F4E); return CollisionPredictor(config: mc, rng: &r) }(),
                     phaseConfig(c.training, frozen: [])),
                ]
                if hours == c.realHours { methods.append((finetuneAll, simPredictor, phaseConfig(c.training, frozen: []))) }
                let perMethod = c.realUpdates > 0 ? c.realUpdates * c.training.batchSize : c.realEpochs * realData.sampleCount
                let progress = Diagnostics.Progress(label: "train real \(fmtHours(hours))", total: methods.count * perMethod,
                                                    unit: "samples", sink: sink)
                for (mi, (method, start, tc)) in methods.enumerated() {
                    let trainer = CollisionTrainer(start, config: tc)
                    var rng = RNG(seed: RNG.mix(c.seed, UInt64(bi)), stream: 0x5245_0000 + UInt64(mi))
                    let curve = c.realUpdates > 0
                        ? GtSTraining.train(trainer, data: realData, updates: c.realUpdates, rng: &rng, progress: progress)
                        : GtSTraining.train(trainer, data: realData, epochs: c.realEpochs, rng: &rng, progress: progress)
                    let fromSim = method != realOnly
                    var notes = ["method": method, "phase": fromSim ? "sim, then real" : "real", "realHours": fmtHours(hours),
                                 "realUpdates": "\(trainer.steps)", "initialisation": fromSim ? "sim phase" : "random",
                                 "frozen": tc.frozenPrefixes.joined(separator: ",")]
                    if c.realProfile != DomainProfile.real.name { notes["realProfile"] = c.realProfile }
                    let record = CollisionTrainingRecord(
                        training: tc, datasetHash: hash(realData), realTransitions: realData.sampleCount,
                        simTransitions: fromSim ? simRecord.simTransitions : 0, steps: (fromSim ? simRecord.steps : 0) + trainer.steps,
                        notes: notes)
                    guard record.realTransitions <= budget.cap else {
                        throw InputError("gts", at: method, "trained on \(record.realTransitions) real transitions, cap \(budget.cap)")
                    }
                    models.append(try save(trainer.predictor, record: record, method: method, hours: hours, curve: curve, dir: modelsDir,
                                          settings: c.policySettings))
                }
                progress.finish()
                seconds["train real"] = (seconds["train real"] ?? 0) + clock() - t0
            }

            // step-matched sim-only: as many extra steps on sim data as GtS's real phase took
            t0 = clock()
            guard let gtsMain = models.first(where: { $0.method == gts && $0.hours == c.realHours }) else {
                throw InputError("gts", "no GtS model at the main budget \(fmtHours(c.realHours))")
            }
            if let simData {
                models.insert(try trainStepMatched(c, from: simPredictor, simRecord: simRecord, data: simData,
                                                   steps: gtsMain.record.steps - simRecord.steps, dir: modelsDir, sink: sink), at: 1)
                seconds["train step-matched"] = clock() - t0
            } else {
                log(noStepMatched)
            }
        }

        // transfer diagnostic: every model's loss on fresh sim- and real-profile data from the
        // training worlds (new seeds); measurement only, nothing trains on these sets
        t0 = clock()
        var transfer: [TransferLoss] = []
        if c.diagnosticSteps > 0 {
            log("gts: transfer diagnostic: \(c.diagnosticSteps) sim + \(c.diagnosticSteps) real steps, loss of every model")
            let simVal = try collectSim(CollectionSettings(worlds: trainSpecs, env: env, domain: .sim, steps: c.diagnosticSteps,
                                                           seed: RNG.mix(c.seed, 0x4449_4153), lanes: c.lanes), models: simModels)
            let realVal = try Collector.run(CollectionSettings(worlds: trainSpecs, env: env, domain: c.realDomain, steps: c.diagnosticSteps,
                                                               seed: RNG.mix(c.seed, 0x4449_4152), lanes: c.lanes), models: realModels)
            collections.append(CollectionLog(phase: "diagnostic (not trained on)", domain: "sim", steps: simVal.sampleCount))
            collections.append(CollectionLog(phase: "diagnostic (not trained on)", domain: c.realProfile, steps: realVal.sampleCount))
            for m in models {
                let trainer = CollisionTrainer(try CollisionPredictor.loadWithRecord(m.file).0, config: c.training)
                transfer.append(TransferLoss(
                    model: m.name,
                    sim: CollisionPipeline.validationLoss(trainer, data: simVal, indices: Array(0..<simVal.sampleCount), config: mc),
                    real: CollisionPipeline.validationLoss(trainer, data: realVal, indices: Array(0..<realVal.sampleCount), config: mc)))
            }
        }
        let gap = c.diagnosticSteps > 0 ? try dynamicsGap(c) : nil
        seconds["transfer diagnostic"] = clock() - t0

        // evaluation: real profile, held-out worlds
        t0 = clock()
        let testScenes = try WorldSet.scenes(testSpecs)
        for (s, spec) in zip(testScenes, testSpecs) where !WorldCatalog.isHeldOut(s) {
            throw InputError("gts", at: spec, "a test world is not held out")
        }
        let evalMain = EvaluationSettings(worlds: testSpecs, episodes: c.episodesPerWorld, routeLength: c.routeLength,
                                          seed: c.evaluationSeed)
        if let why = c.freshEpisodesProblem { throw InputError("gts config", at: "evaluationSet", why) }
        let testModels = try testScenes.map { try EnvModel(scene: $0, robot: robot, settings: evalMain.env(env), domain: c.realDomain) }
        let mainModels = [simOnly, simOnlyStepMatched, realOnly, finetuneAll, gts].compactMap { m in
            models.first { $0.method == m && ($0.hours == 0 || $0.hours == c.realHours) }
        }
        var specs = try mainModels.map { try spec($0) }
        specs.append(try PolicyRegistry.standard.resolve("straight"))
        log("gts: evaluating \(specs.count) policies x \(testSpecs.count) held-out worlds x \(c.episodesPerWorld) episodes (\(c.realProfile) profile)")
        let main = Evaluator.run(evalMain, models: testModels, policies: specs, domain: c.realProfile,
                                 progress: Diagnostics.Progress(label: "eval", total: specs.count * testSpecs.count * c.episodesPerWorld,
                                                                unit: "episodes", sink: sink))
        let lighting = GtSLighting.draws(evalMain, models: testModels)
        seconds["eval main"] = clock() - t0

        // sweep: GtS and real-only at every budget (the main budget reuses the main episodes
        // when the episode counts agree)
        t0 = clock()
        var sweep: [SweepPoint] = []
        let evalSweep = EvaluationSettings(worlds: testSpecs, episodes: c.sweepEpisodesPerWorld, routeLength: c.routeLength,
                                           seed: evalMain.seed)
        let reuseMain = c.sweepEpisodesPerWorld <= c.episodesPerWorld
        let sweepModels = c.sweepEpisodesPerWorld == 0 ? [] : models.filter {
            ($0.method == gts || $0.method == realOnly) && c.sweepHours.contains($0.hours) && !(reuseMain && $0.hours == c.realHours)
        }
        var sweepReport: EvaluationReport? = nil
        if !sweepModels.isEmpty {
            let sweepSpecs = try sweepModels.map { try spec($0) }
            log("gts: sweep: \(sweepSpecs.count) policies x \(testSpecs.count) worlds x \(c.sweepEpisodesPerWorld) episodes")
            sweepReport = Evaluator.run(evalSweep, models: testModels, policies: sweepSpecs, domain: c.realProfile,
                                        progress: Diagnostics.Progress(label: "eval sweep", total: sweepSpecs.count * testSpecs.count * c.sweepEpisodesPerWorld,
                                                                       unit: "episodes", sink: sink))
        }
        var rng = RNG(seed: c.seed, stream: 0x5357_4550)
        for hours in c.sweepEpisodesPerWorld == 0 ? [] : c.sweepHours.sorted() {
            for method in [gts, realOnly] {
                guard let m = models.first(where: { $0.method == method && $0.hours == hours }) else { continue }
                let outcomes: [EpisodeOutcome]
                if reuseMain && hours == c.realHours, let p = main.policies.firstIndex(where: { $0.name == m.name }) {
                    outcomes = main.outcomes[p].filter { $0.episode < c.sweepEpisodesPerWorld }
                } else if let r = sweepReport, let p = r.policies.firstIndex(where: { $0.name == m.name }) {
                    outcomes = r.outcomes[p]
                } else { continue }
                let s = EvaluationSummary(outcomes, rng: &rng)
                sweep.append(SweepPoint(method: method, hours: hours, realTransitions: m.record.realTransitions, distance: s.distance,
                                        episodes: s.episodes))
            }
        }
        seconds["eval sweep"] = clock() - t0
        return Result(config: c, trainWorlds: trainSpecs, testWorlds: testSpecs, collections: collections, models: models, main: main,
                      lighting: lighting, sweep: sweep, transfer: transfer, dynamicsGap: gap, realStepsTotal: realTotal, seconds: seconds,
                      reusedModels: reuse)
    }

    /// The step-matched sim-only baseline: `steps` more optimiser steps from the sim-only weights
    /// on the sim phase's data, with GtS's real-phase settings (fresh Adam, the trunk and dense
    /// 256/128 frozen), so it differs from GtS only in training on sim instead of real data.
    static func trainStepMatched(_ c: GtSExperimentConfig, from sim: CollisionPredictor, simRecord: CollisionTrainingRecord,
                                 data: CollisionDataset, steps: Int, dir: String, sink: Diagnostics.Progress.Sink) throws -> TrainedModel {
        let tc = phaseConfig(c.training, frozen: CollisionPredictor.realPhaseFrozen)
        let trainer = CollisionTrainer(sim, config: tc)
        var rng = RNG(seed: c.seed, stream: 0x534D_4154)
        let progress = Diagnostics.Progress(label: "train sim-only +\(steps) steps", total: steps * tc.batchSize, unit: "samples", sink: sink)
        let curve = GtSTraining.train(trainer, data: data, updates: steps, rng: &rng, progress: progress)
        progress.finish()
        let record = CollisionTrainingRecord(
            training: tc, datasetHash: hash(data), realTransitions: 0, simTransitions: data.sampleCount,
            steps: simRecord.steps + trainer.steps,
            notes: ["method": simOnlyStepMatched, "phase": "sim, then sim (step-matched to GtS's real phase)",
                    "extraSimUpdates": "\(trainer.steps)", "initialisation": "sim phase",
                    "frozen": tc.frozenPrefixes.joined(separator: ",")])
        return try save(trainer.predictor, record: record, method: simOnlyStepMatched, hours: 0, curve: curve, dir: dir,
                        settings: c.policySettings)
    }

    /// The action-dynamics gap of the experiment's profiles (`GtSDynamicsGap`): 400 random
    /// 12-step yaw-rate sequences (the horizon of the model) in obstacle-free copies of the
    /// training worlds, sim vs the config's real profile. Independent of any training.
    public static func dynamicsGap(_ c: GtSExperimentConfig, samples: Int = 400) throws -> GtSDynamicsGap.Summary {
        let robot = try URDFLoader.load(path: c.robot)
        let scenes = try WorldSet.scenes(WorldCatalog.trainingSpecs(count: c.trainWorlds)).map { GtSDynamicsGap.openCopy($0) }
        let pairs = try scenes.map { (sim: try EnvModel(scene: $0, robot: robot, settings: c.env, domain: .sim),
                                      real: try EnvModel(scene: $0, robot: robot, settings: c.env, domain: c.realDomain)) }
        return GtSDynamicsGap.measure(pairs: pairs, samples: samples, horizon: c.modelConfig.horizon, seed: RNG.mix(c.seed, 0x4741_5020))
    }

    /// Sim-phase collection: refuses any env or settings outside the "sim" profile, so nothing
    /// trained in the sim phase can read the real profile.
    public static func collectSim(_ settings: CollectionSettings, models: [EnvModel], progress: Diagnostics.Progress? = nil) throws -> CollisionDataset {
        guard settings.domain == .sim, models.allSatisfy({ $0.domain == .sim }) else {
            throw InputError("gts sim phase", "collection must use the sim profile (got '\(settings.domain.name)')")
        }
        return try Collector.run(settings, models: models, progress: progress)
    }

    static func phaseConfig(_ base: CollisionTrainingConfig, frozen: [String]) -> CollisionTrainingConfig {
        var t = base
        t.frozenPrefixes = frozen
        return t
    }

    /// "1h", "0.25h".
    public static func fmtHours(_ h: Double) -> String { Statistics.format(h, digits: 3) + "h" }

    static func hash(_ d: CollisionDataset) -> String {
        String(FNV1a.hash(d.labels) ^ FNV1a.hash(d.frames.prefix(1 << 20)) &+ UInt64(d.sampleCount), radix: 16)
    }

    static func save(_ p: CollisionPredictor, record: CollisionTrainingRecord, method: String, hours: Double, curve: [Float],
                     dir: String, settings: LearnedPolicySettings) throws -> TrainedModel {
        let stem = method == simOnly ? "sim-only"
            : method == simOnlyStepMatched ? GtSCheckpoints.stepMatchedStem(Int(record.notes["extraSimUpdates"] ?? "") ?? 0)
            : GtSCheckpoints.stem(method: method, hours: hours)
        let file = dir + "/" + stem + ".safetensors"
        try LearnedPolicy.save(p, settings: settings, record: record, to: file)
        // read the count back from the file: the metadata is what users and the report see
        let (_, stored) = try CollisionPredictor.loadWithRecord(file)
        guard stored.realTransitions == record.realTransitions else {
            throw InputError(file, at: "real_transitions", "stored \(stored.realTransitions), trained on \(record.realTransitions)")
        }
        return TrainedModel(method: method, hours: hours, file: file, record: stored, curve: curve)
    }

    /// The model flown from its file with its stored planner settings, exactly as
    /// `swiftlet eval --policy FILE` flies it (labelled with the method name).
    static func spec(_ m: TrainedModel) throws -> PolicySpec {
        let (predictor, settings, _) = try LearnedPolicy.load(m.file)
        return LearnedPolicy.spec(predictor: predictor, settings: settings, name: m.name)
    }
}

extension GtSExperiment.TrainedModel {
    /// Table label: "GtS (1h real)", "sim-only", "sim-only (+1,000 sim steps)".
    public var name: String {
        switch method {
        case GtSExperiment.simOnly: method
        case GtSExperiment.simOnlyStepMatched: "sim-only (+\(GtSCheckpoints.grouped(Int(record.notes["extraSimUpdates"] ?? "") ?? 0)) sim steps)"
        default: "\(method) (\(GtSExperiment.fmtHours(hours)) real)"
        }
    }
}
