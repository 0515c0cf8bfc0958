import Diagnostics
import Foundation
import Geometry
import Models
import Neural
import Physics
import Runtime
import World

/// The real-phase learning curve (docs/gts.md, "Real-phase learning curve";
/// `swiftlet experiment gts --real-curve 125,250,500,1000,2000 --models DIR --out OUT`).
///
/// From a trained run's sim-only checkpoint (`DIR`, checked against the config) and the main
/// budget's real data (re-collected from the config's seed; its hash must equal the run's GtS
/// checkpoint's `datasetHash`), GtS (trunk frozen) and sim+finetune-all are trained exactly as
/// `GtSExperiment.run` trains them (same RNG streams, optimiser, minibatch order) for the largest
/// listed step count, saving a checkpoint after every listed step count. Step 0 is sim-only
/// itself. Every snapshot's loss on the transfer diagnostic's fresh sim and real sets is reported.
/// With `--ground-truth`, `truth` flies the run's GtS as the pilot and scores the candidates with
/// sim-only and every snapshot, in the held-out worlds or in the training worlds (real profile,
/// episode seeds disjoint from every collection's).
public enum GtSRealCurve {
    /// The two methods whose real phase is traced.
    public static let methods = [GtSExperiment.gts, GtSExperiment.finetuneAll]

    /// Where the ground truth is flown.
    public enum Worlds: String, Sendable, CaseIterable {
        /// `WorldCatalog.heldOutSpecs`, the config's evaluation episodes (as the earlier ground-truth run).
        case heldOut = "held-out"
        /// `WorldCatalog.trainingSpecs` (the worlds the data came from), fresh episode seeds.
        case training
    }

    /// One checkpoint of the curve.
    public struct Snapshot: Sendable {
        public var method: String
        /// Real-phase optimiser steps (0 = sim-only).
        public var steps: Int
        public var file: String
        public var record: CollisionTrainingRecord
        /// Table label: "sim-only (0 steps)", "GtS 125 steps", "sim+finetune-all 2000 steps".
        public var name: String { steps == 0 ? "sim-only (0 steps)" : "\(method) \(steps) steps" }
    }

    /// Loss of one snapshot on the transfer diagnostic's sets (mask-weighted training loss).
    public struct Loss: Sendable {
        public var method: String
        public var steps: Int
        public var sim: Double
        public var real: Double
    }

    public struct Result: Sendable {
        public var steps: [Int]
        /// sim-only first, then per method its snapshots in step order.
        public var snapshots: [Snapshot]
        /// Mean training loss per pass of each method's full run (`GtSTraining.train`).
        public var trainingCurves: [String: [Float]]
        public var losses: [Loss]
        /// Per method: its snapshot at the config's `realUpdates` against the run's checkpoint
        /// (`DIR`); absent when `realUpdates` is not listed.
        public var reproducesRun: [String: WeightComparison]
        public var dataHash: String
        public var seconds: [String: Double]
    }

    /// "125,250,500,1000,2000" -> [125, 250, 500, 1000, 2000]: positive integers, no repeats
    /// (sorted; step 0, sim-only, is always included).
    public static func parseSteps(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var steps: [Int] = []
        for (i, p) in parts.enumerated() {
            guard let n = Int(p), n > 0 else {
                throw InputError("--real-curve", at: "entry \(i + 1)", "'\(p)' is not a positive step count (comma-separated, e.g. 125,250,500,1000,2000)")
            }
            guard !steps.contains(n) else { throw InputError("--real-curve", at: "entry \(i + 1)", "\(n) is listed twice") }
            steps.append(n)
        }
        return steps.sorted()
    }

    /// File stem of a snapshot: "gts-1.00h-at-125-steps".
    public static func stem(method: String, hours: Double, steps: Int) -> String {
        GtSCheckpoints.stem(method: method, hours: hours) + "-at-\(steps)-steps"
    }

    /// Trains the curve into `out/models` (see the type's comment).
    public static func train(_ c: GtSExperimentConfig, models dir: String, out: String, steps: [Int],
                             sink: Diagnostics.Progress.Sink = .standardError,
                             log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> Result {
        if let why = c.problem { throw InputError("gts config", why) }
        guard let last = steps.last, steps.allSatisfy({ $0 > 0 }) else { throw InputError("--real-curve", "needs at least one positive step count") }
        func clock() -> Double { Diagnostics.Progress.monotonicSeconds() }
        var seconds: [String: Double] = [:]
        var t0 = clock()
        let run = try runModels(c, dir: dir)
        let modelsDir = out + "/models"
        try FileManager.default.createDirectory(atPath: modelsDir, withIntermediateDirectories: true)
        let robot = try URDFLoader.load(path: c.robot)
        let trainSpecs = WorldCatalog.trainingSpecs(count: c.trainWorlds)
        let realModels = try WorldSet.scenes(trainSpecs).map { try EnvModel(scene: $0, robot: robot, settings: c.env, domain: c.realDomain) }

        // the main budget's real data, as the experiment collected it
        let bi = c.allRealHours.firstIndex(of: c.realHours)!
        let settings = realCollection(c, budgetIndex: bi)
        var budget = RealDataBudget(cap: settings.steps)
        log("gts real curve: re-collecting the main budget's \(settings.steps) real-profile steps")
        let realData = try budget.collect(settings, models: realModels,
                                          progress: Diagnostics.Progress(label: "collect real", total: settings.steps, unit: "steps", sink: sink))
        let dataHash = GtSExperiment.hash(realData)
        guard dataHash == run.gts.record.datasetHash else {
            throw InputError(run.gts.file, at: "datasetHash", "real data collected from this config hash to \(dataHash), "
                             + "the checkpoint was trained on \(run.gts.record.datasetHash): not the same config")
        }
        seconds["collect real"] = clock() - t0

        // both methods from sim-only's weights, with the experiment's RNG streams (method index
        // 0 = GtS, 2 = finetune-all in `GtSExperiment.run`)
        t0 = clock()
        let simPredictor = try CollisionPredictor.load(run.sim.file)
        var snapshots = [Snapshot(method: GtSExperiment.simOnly, steps: 0, file: run.sim.file, record: run.sim.record)]
        var curves: [String: [Float]] = [:]
        var reproduces: [String: WeightComparison] = [:]
        let progress = Diagnostics.Progress(label: "train real curve", total: methods.count * last * c.training.batchSize, unit: "samples", sink: sink)
        for method in methods {
            let (mi, frozen) = method == GtSExperiment.gts ? (0, CollisionPredictor.realPhaseFrozen) : (2, [String]())
            let tc = GtSExperiment.phaseConfig(c.training, frozen: frozen)
            let trainer = CollisionTrainer(simPredictor, config: tc)
            var rng = RNG(seed: RNG.mix(c.seed, UInt64(bi)), stream: 0x5245_0000 + UInt64(mi))
            let runFile = method == GtSExperiment.gts ? run.gts : run.finetune
            curves[method] = try GtSTraining.train(trainer, data: realData, updates: last, rng: &rng, progress: progress,
                                                   snapshots: Set(steps)) { n in
                let record = CollisionTrainingRecord(
                    training: tc, datasetHash: dataHash, realTransitions: realData.sampleCount, simTransitions: run.sim.record.simTransitions,
                    steps: run.sim.record.steps + n,
                    notes: ["method": method, "phase": "sim, then real", "realHours": GtSExperiment.fmtHours(c.realHours),
                            "realUpdates": "\(n)", "initialisation": "sim phase", "frozen": tc.frozenPrefixes.joined(separator: ","),
                            "realCurve": "snapshot at \(n) of \(last) real-phase steps"])
                let file = modelsDir + "/" + stem(method: method, hours: c.realHours, steps: n) + ".safetensors"
                try LearnedPolicy.save(trainer.predictor, settings: c.policySettings, record: record, to: file)
                snapshots.append(Snapshot(method: method, steps: n, file: file, record: record))
                if n == c.realUpdates {
                    reproduces[method] = compare(try CollisionPredictor.load(file).parameters,
                                                 try CollisionPredictor.load(runFile.file).parameters)
                }
            }
        }
        progress.finish()
        seconds["train"] = clock() - t0

        // every snapshot's loss on the transfer diagnostic's fresh sets (the experiment's seeds)
        t0 = clock()
        var losses: [Loss] = []
        if c.diagnosticSteps > 0 {
            log("gts real curve: transfer diagnostic, \(c.diagnosticSteps) sim + \(c.diagnosticSteps) real steps")
            let simModels = try WorldSet.scenes(trainSpecs).map { try EnvModel(scene: $0, robot: robot, settings: c.env, domain: .sim) }
            let (simVal, realVal) = try diagnosticSets(c, trainSpecs: trainSpecs, simModels: simModels, realModels: realModels)
            for s in snapshots {
                let trainer = CollisionTrainer(try CollisionPredictor.load(s.file), config: c.training)
                losses.append(Loss(method: s.method, steps: s.steps,
                                   sim: CollisionPipeline.validationLoss(trainer, data: simVal, indices: Array(0..<simVal.sampleCount), config: c.modelConfig),
                                   real: CollisionPipeline.validationLoss(trainer, data: realVal, indices: Array(0..<realVal.sampleCount), config: c.modelConfig)))
            }
        }
        seconds["transfer diagnostic"] = clock() - t0
        return Result(steps: steps, snapshots: snapshots, trainingCurves: curves, losses: losses, reproducesRun: reproduces,
                      dataHash: dataHash, seconds: seconds)
    }

    /// Two weight sets compared tensor by tensor (by name).
    public struct WeightComparison: Sendable, Equatable {
        /// Same names, shapes and every value's bits.
        public var bitIdentical: Bool
        /// Largest absolute difference of a weight (infinity when names or shapes differ).
        public var maxDifference: Double
        /// Tensors with any difference.
        public var tensorsDiffering: Int
    }

    public static func compare(_ a: Parameters, _ b: Parameters) -> WeightComparison {
        guard Set(a.names) == Set(b.names), a.names.count == b.names.count else {
            return WeightComparison(bitIdentical: false, maxDifference: .infinity, tensorsDiffering: max(a.count, b.count))
        }
        var same = true, most = 0.0, differing = 0
        for name in a.names {
            let x = a[name]!, y = b[name]!
            guard x.shape == y.shape else { return WeightComparison(bitIdentical: false, maxDifference: .infinity, tensorsDiffering: a.count) }
            var differs = false
            for i in 0..<x.count where x.data[i].bitPattern != y.data[i].bitPattern {
                differs = true
                most = max(most, Double(abs(x.data[i] - y.data[i])))
            }
            if differs { same = false; differing += 1 }
        }
        return WeightComparison(bitIdentical: same, maxDifference: most, tensorsDiffering: differing)
    }

    /// The main budget's real collection of `GtSExperiment.run` (budget `budgetIndex` of `allRealHours`).
    static func realCollection(_ c: GtSExperimentConfig, budgetIndex bi: Int) -> CollectionSettings {
        CollectionSettings(worlds: WorldCatalog.trainingSpecs(count: c.trainWorlds), env: c.env, domain: c.realDomain,
                           steps: c.realSteps(c.allRealHours[bi]), seed: RNG.mix(c.seed, RNG.mix(0x5245_414C, UInt64(bi))), lanes: c.lanes)
    }

    /// The transfer diagnostic's sim and real sets (`GtSExperiment.run`'s seeds).
    static func diagnosticSets(_ c: GtSExperimentConfig, trainSpecs: [String], simModels: [EnvModel], realModels: [EnvModel]) throws
        -> (CollisionDataset, CollisionDataset) {
        let simVal = try GtSExperiment.collectSim(CollectionSettings(worlds: trainSpecs, env: c.env, domain: .sim, steps: c.diagnosticSteps,
                                                                     seed: RNG.mix(c.seed, 0x4449_4153), lanes: c.lanes), models: simModels)
        let realVal = try Collector.run(CollectionSettings(worlds: trainSpecs, env: c.env, domain: c.realDomain, steps: c.diagnosticSteps,
                                                           seed: RNG.mix(c.seed, 0x4449_4152), lanes: c.lanes), models: realModels)
        return (simVal, realVal)
    }

    /// The run's sim-only, GtS and finetune-all checkpoints at the main budget, checked against the config.
    static func runModels(_ c: GtSExperimentConfig, dir: String) throws
        -> (sim: GtSExperiment.TrainedModel, gts: GtSExperiment.TrainedModel, finetune: GtSExperiment.TrainedModel) {
        var cMain = c
        cMain.sweepEpisodesPerWorld = 0
        let trained = try GtSCheckpoints.load(cMain, dir: dir)
        func find(_ m: String) throws -> GtSExperiment.TrainedModel {
            guard let x = trained.first(where: { $0.method == m && $0.hours == c.realHours }) else {
                throw InputError("--models", "no \(m) model at the main budget \(GtSExperiment.fmtHours(c.realHours))")
            }
            return x
        }
        return (trained[0], try find(GtSExperiment.gts), try find(GtSExperiment.finetuneAll))
    }

    /// The snapshots a `train` call wrote into `out/models`, checked: method, network, planner
    /// settings, the run's real data, steps = sim-only's + n. A missing file stops with a
    /// one-line error saying to run `--real-curve` without `--ground-truth` first.
    public static func loadSnapshots(_ c: GtSExperimentConfig, models dir: String, out: String, steps: [Int]) throws -> [Snapshot] {
        let run = try runModels(c, dir: dir)
        var list = [Snapshot(method: GtSExperiment.simOnly, steps: 0, file: run.sim.file, record: run.sim.record)]
        for method in methods {
            for n in steps {
                let file = out + "/models/" + stem(method: method, hours: c.realHours, steps: n) + ".safetensors"
                func bad(_ key: String, _ found: String, _ expected: String) -> InputError {
                    InputError(file, at: key, "'\(found)' is not '\(expected)': not a snapshot of this config's curve")
                }
                let record = try GtSCheckpoints.loadMatching(
                    c, file: file, method: method,
                    missing: "train the curve first (--real-curve without --ground-truth, same --models and --out)", mismatch: bad)
                if record.datasetHash != run.gts.record.datasetHash { throw bad("datasetHash", record.datasetHash, run.gts.record.datasetHash) }
                if record.steps != run.sim.record.steps + n || record.notes["realUpdates"] != "\(n)" {
                    throw bad("training_record.steps", "\(record.steps)", "\(run.sim.record.steps + n)")
                }
                list.append(Snapshot(method: method, steps: n, file: file, record: record))
            }
        }
        return list
    }

    /// Seed of the training-world ground-truth episodes (`EvaluationSettings.seed`).
    public static func trainingWorldSeed(_ c: GtSExperimentConfig) -> UInt64 { RNG.mix(c.seed, 0x5452_4E57_4F52_4C44) }

    /// Every reset seed a collection of the config can use (sim phase, every real budget, the two
    /// diagnostic sets): lane `l`'s k-th episode resets with `RNG.mix(RNG.mix(shardSeed, l), k)`,
    /// and a lane has at most one episode per step, so this is a superset of the seeds used.
    public static func collectionSeeds(_ c: GtSExperimentConfig) -> Set<UInt64> {
        let specs = WorldCatalog.trainingSpecs(count: c.trainWorlds)
        var all = [CollectionSettings(worlds: specs, env: c.env, domain: .sim, steps: c.simSteps, seed: RNG.mix(c.seed, 0x5349_4D), lanes: c.lanes),
                   CollectionSettings(worlds: specs, env: c.env, domain: .sim, steps: c.diagnosticSteps, seed: RNG.mix(c.seed, 0x4449_4153), lanes: c.lanes),
                   CollectionSettings(worlds: specs, env: c.env, domain: c.realDomain, steps: c.diagnosticSteps, seed: RNG.mix(c.seed, 0x4449_4152), lanes: c.lanes)]
        all += c.allRealHours.indices.map { realCollection(c, budgetIndex: $0) }
        var seeds = Set<UInt64>()
        for s in all {
            let shardSeed = s.shard.seed(from: s.seed)
            for lane in 0..<s.lanes {
                let laneSeed = RNG.mix(shardSeed, UInt64(lane))
                let budget = s.steps * (lane + 1) / s.lanes - s.steps * lane / s.lanes
                for k in 0..<budget { seeds.insert(RNG.mix(laneSeed, UInt64(k))) }
            }
        }
        return seeds
    }

    /// The ground-truth episodes in `worlds`: held-out = the config's evaluation draws; training =
    /// fresh seeds (`trainingWorldSeed`), refused if any equals a collection's reset seed.
    public static func evaluation(_ c: GtSExperimentConfig, worlds: Worlds, episodesPerWorld: Int) throws -> EvaluationSettings {
        switch worlds {
        case .heldOut:
            return EvaluationSettings(worlds: WorldCatalog.heldOutSpecs(count: c.testWorlds), episodes: episodesPerWorld,
                                      routeLength: c.routeLength, seed: c.evaluationSeed)
        case .training:
            let e = EvaluationSettings(worlds: WorldCatalog.trainingSpecs(count: c.trainWorlds), episodes: episodesPerWorld,
                                       routeLength: c.routeLength, seed: trainingWorldSeed(c))
            let used = collectionSeeds(c)
            for w in e.worlds.indices { for k in 0..<episodesPerWorld where used.contains(e.episodeSeed(world: w, episode: k)) {
                throw InputError("--truth-worlds training", at: "world \(w) episode \(k)", "its seed was used by a collection")
            } }
            return e
        }
    }

    /// `--real-curve LIST --ground-truth`: the run's GtS flies as the pilot in `worlds` (real
    /// profile); the pilot itself, sim-only and every snapshot score its first-iteration
    /// candidates, which are labelled by flying them (`GtSPlanTruth`).
    public static func truth(_ c: GtSExperimentConfig, models dir: String, out: String, steps: [Int], worlds: Worlds,
                             episodesPerWorld: Int, every: Int, sink: Diagnostics.Progress.Sink = .standardError,
                             log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> GtSPlanTruth.Result {
        if let why = c.problem { throw InputError("gts config", why) }
        guard episodesPerWorld > 0 else { throw InputError("--episodes", "\(episodesPerWorld) must be at least 1") }
        let run = try runModels(c, dir: dir)
        let snapshots = try loadSnapshots(c, models: dir, out: out, steps: steps)
        let pilot = (name: run.gts.name, predictor: try CollisionPredictor.load(run.gts.file))
        let models = [pilot] + (try snapshots.map { (name: $0.name, predictor: try CollisionPredictor.load($0.file)) })
        let evaluation = try evaluation(c, worlds: worlds, episodesPerWorld: episodesPerWorld)
        let robot = try URDFLoader.load(path: c.robot)
        let scenes = try WorldSet.scenes(evaluation.worlds)
        for (s, spec) in zip(scenes, evaluation.worlds) where WorldCatalog.isHeldOut(s) != (worlds == .heldOut) {
            throw InputError("gts real curve", at: spec, worlds == .heldOut ? "a test world is not held out" : "a training world is held out")
        }
        let envModels = try scenes.map { try EnvModel(scene: $0, robot: robot, settings: evaluation.env(c.env), domain: c.realDomain) }
        log("gts real curve ground truth: pilot \(pilot.name), \(models.count) models x \(scenes.count) \(worlds.rawValue) worlds x \(episodesPerWorld) episodes (real profile)")
        var r = try GtSPlanTruth.run(pilot: pilot, models: models, settings: c.policySettings, evaluation: evaluation, envModels: envModels,
                                     every: every, progress: Diagnostics.Progress(label: "real-curve ground truth", total: scenes.count * episodesPerWorld,
                                                                                  unit: "episodes", sink: sink))
        r.worldSet = worlds.rawValue
        return r
    }
}
