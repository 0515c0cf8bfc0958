import Foundation
import Diagnostics
import Geometry
import Models
import Neural
import Physics
import Runtime
import Synchronization
import Testing
import World
@testable import Autonomy

/// A config small enough to run the whole GtS pipeline in a few seconds (also the plan-agreement tests').
func tinyConfig() -> GtSExperimentConfig {
    var c = GtSExperimentConfig()
    c.robot = Fixtures.root + "/Robots/cf2x.urdf"
    c.imageWidth = 32
    c.imageHeight = 24
    c.trainWorlds = 2
    c.testWorlds = 1
    c.simSteps = 240
    c.simEpochs = 1
    c.realHours = 0.01          // 144 steps
    c.sweepHours = [0.005, 0.01]
    c.realEpochs = 1
    c.realUpdates = 3           // fixed optimiser steps per real-data training
    c.episodesPerWorld = 2
    c.sweepEpisodesPerWorld = 1
    c.routeLength = 1.5
    c.cemInitialSamples = 16
    c.cemSamples = 8
    c.cemElites = 4
    c.cemIterations = 2
    c.lanes = 2
    c.diagnosticSteps = 48
    var m = CollisionPredictorConfig()
    m.convs = [.init(filters: 4, kernel: 4, stride: 2), .init(filters: 4, kernel: 3, stride: 2)]
    m.dense = [32, 16]
    m.hidden = 16
    m.actionEmbedding = 4
    m.headHidden = 4
    c.model = m
    return c
}

private func realModels(_ c: GtSExperimentConfig, domain: DomainProfile = .real) throws -> [EnvModel] {
    let robot = try URDFLoader.load(path: c.robot)
    return try WorldCatalog.trainingSpecs(count: 1).map {
        try EnvModel(scene: try SceneLoader.resolve($0), robot: robot, settings: c.env, domain: domain)
    }
}

@Suite struct GtSBudgetTests {
    @Test func capIsEnforcedAndCounted() throws {
        var b = RealDataBudget(cap: 100)
        try b.reserve(60)
        #expect(b.used == 60 && b.remaining == 40)
        #expect(throws: (any Error).self) { try b.reserve(41) }
        #expect(b.used == 60)                       // a refused request counts nothing
        try b.reserve(40)
        #expect(b.remaining == 0)
        #expect(throws: (any Error).self) { try b.reserve(1) }
        #expect(RealDataBudget.oneHour == 14_400 && RealDataBudget.steps(hours: 1) == 14_400)
        #expect(RealDataBudget.steps(hours: 0.25) == 3_600)
    }

    @Test func collectionRespectsTheCapAndRecordsTheCount() throws {
        let c = tinyConfig()
        let models = try realModels(c)
        var budget = RealDataBudget(cap: 50)
        let over = CollectionSettings(worlds: ["forest:0"], env: c.env, domain: .real, steps: 51, seed: 1, lanes: 2)
        #expect(throws: (any Error).self) { _ = try budget.collect(over, models: models) }
        #expect(budget.used == 0)
        let ok = CollectionSettings(worlds: ["forest:0"], env: c.env, domain: .real, steps: 30, seed: 1, lanes: 2)
        let data = try budget.collect(ok, models: models)
        #expect(data.sampleCount == 30 && data.info["realTransitions"] == "30" && data.info["domain"] == "real")
        #expect(budget.used == 30)
        #expect(throws: (any Error).self) { _ = try budget.collect(ok, models: models) }   // 30 more would exceed 50
        // the budget only counts real-profile collection
        var other = RealDataBudget(cap: 1_000)
        let sim = CollectionSettings(worlds: ["forest:0"], env: c.env, domain: .sim, steps: 10, seed: 1, lanes: 2)
        #expect(throws: (any Error).self) { _ = try other.collect(sim, models: try realModels(c, domain: .sim)) }
    }

    @Test func simPhaseRefusesTheRealProfile() throws {
        let c = tinyConfig()
        let real = CollectionSettings(worlds: ["forest:0"], env: c.env, domain: .real, steps: 10, seed: 1, lanes: 2)
        #expect(throws: (any Error).self) { _ = try GtSExperiment.collectSim(real, models: try realModels(c)) }
        // sim settings with a real-profile env are refused too
        let simSettings = CollectionSettings(worlds: ["forest:0"], env: c.env, domain: .sim, steps: 10, seed: 1, lanes: 2)
        #expect(throws: (any Error).self) { _ = try GtSExperiment.collectSim(simSettings, models: try realModels(c)) }
        let data = try GtSExperiment.collectSim(simSettings, models: try realModels(c, domain: .sim))
        #expect(data.info["domain"] == "sim" && data.sampleCount == 10)
    }

    @Test func realPhaseLeavesTheTrunkUntouched() throws {
        let c = tinyConfig()
        var budget = RealDataBudget(cap: 64)
        let data = try budget.collect(CollectionSettings(worlds: ["forest:0"], env: c.env, domain: .real, steps: 64, seed: 3, lanes: 2),
                                      models: try realModels(c))
        var rng = RNG(seed: 5)
        let start = CollisionPredictor(config: c.modelConfig, rng: &rng)
        let trainer = CollisionTrainer(start, config: .realPhase)
        var order = RNG(seed: 6)
        GtSTraining.train(trainer, data: data, epochs: 2, rng: &order)
        let before = start.parameters, after = trainer.predictor.parameters
        var trunk = 0, changed = 0
        for name in before.names {
            if name.hasPrefix("trunk.") {
                trunk += 1
                #expect(before[name]! == after[name]!, "\(name) changed in the real phase")
            } else if before[name]! != after[name]! {
                changed += 1
            }
        }
        #expect(trunk >= 6)                         // 2 convs + 2 dense, weights and biases
        #expect(changed >= 4)                       // action branch, LSTM and head did learn
        #expect(before.names.contains { $0.hasPrefix("lstm.") && before[$0]! != after[$0]! })
    }
}

@Suite struct GtSPipelineTests {
    @Test func tinyExperimentRunsEndToEnd() throws {
        let c = tinyConfig()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gts-test-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try GtSExperiment.run(c, out: out, sink: .silent, log: { _ in })
        try GtSReport.write(r, to: out, command: "test")

        // the sim phase collected in the sim profile only; every real collection is capped
        #expect(r.collections.first == GtSExperiment.CollectionLog(phase: "sim", domain: "sim", steps: 240))
        let training = r.collections.filter { !$0.phase.hasPrefix("diagnostic") }
        #expect(training.dropFirst().allSatisfy { $0.domain == "real" })
        // the transfer diagnostic: one sim and one real set outside every budget, a loss per model
        #expect(r.collections.filter { $0.phase.hasPrefix("diagnostic") }.map(\.domain) == ["sim", "real"])
        #expect(r.transfer.map(\.model) == r.models.map(\.name))
        #expect(r.transfer.allSatisfy { $0.sim.isFinite && $0.sim > 0 && $0.real.isFinite && $0.real > 0 })
        #expect(r.dynamicsGap.map { $0.samples == 400 && $0.horizonSteps == 12 && $0.positionGap > 0 } == true)
        #expect(r.realStepsTotal == 72 + 144)
        // models: sim-only, step-matched sim-only, (GtS, real-only) per budget, finetune-all at the main budget
        #expect(r.models.count == 2 + 2 * 2 + 1)
        let simSteps = r.models[0].record.steps
        #expect(simSteps == 240 / 32 + 1)           // one pass, the last batch partial
        for m in r.models {
            let (p, record) = try CollisionPredictor.loadWithRecord(m.file)
            let simBased = m.method == GtSExperiment.simOnly || m.method == GtSExperiment.simOnlyStepMatched
            #expect(record.realTransitions == (simBased ? 0 : c.realSteps(m.hours)))
            #expect(record.simTransitions == (m.method == GtSExperiment.realOnly ? 0 : 240))
            #expect(p.config == c.modelConfig)
            #expect(record.steps == (m.method == GtSExperiment.simOnly ? simSteps : m.method == GtSExperiment.realOnly ? 3 : simSteps + 3))
            // the experiment's planner settings travel with the model
            #expect(try LearnedPolicy.load(m.file).settings == c.policySettings)
            // what `swiftlet eval --policy FILE` resolves
            #expect(try PolicyRegistry.standard.resolve(m.file).isPrivileged == false)
        }
        let gts = try #require(r.models.first { $0.method == GtSExperiment.gts && $0.hours == c.realHours })
        #expect(gts.record.training.frozenPrefixes == CollisionPredictor.realPhaseFrozen)
        // the trunk of every GtS model is the sim model's
        let sim = try CollisionPredictor.load(r.models[0].file).parameters
        let g = try CollisionPredictor.load(gts.file).parameters
        #expect(sim.names.filter { $0.hasPrefix("trunk.") }.allSatisfy { sim[$0]! == g[$0]! })

        // the step-matched baseline: sim-only's steps + GtS's real-phase steps, on sim data only,
        // with GtS's frozen trunk (so it keeps sim-only's trunk too)
        let matched = try #require(r.models.first { $0.method == GtSExperiment.simOnlyStepMatched })
        #expect(matched.record.steps == simSteps + 3 && matched.record.realTransitions == 0)
        #expect(matched.record.datasetHash == r.models[0].record.datasetHash)
        #expect(matched.record.training.frozenPrefixes == CollisionPredictor.realPhaseFrozen)
        #expect(matched.name == "sim-only (+3 sim steps)" && matched.file.hasSuffix("/sim-only-plus-3-sim-steps.safetensors"))
        let mp = try CollisionPredictor.load(matched.file).parameters
        #expect(sim.names.filter { $0.hasPrefix("trunk.") }.allSatisfy { sim[$0]! == mp[$0]! })
        #expect(sim.names.contains { $0.hasPrefix("lstm.") && sim[$0]! != mp[$0]! })

        // evaluation: 5 learned methods + straight, every one in held-out real-profile worlds
        #expect(r.main.domain == "real" && r.main.policies.count == 6)
        #expect(r.main.policies.map(\.label).contains("sim-only (+3 sim steps)"))
        #expect(r.testWorlds.allSatisfy { spec in (try? SceneLoader.resolve(spec)).map(WorldCatalog.isHeldOut) == true })
        #expect(r.main.outcomes.allSatisfy { $0.count == c.testWorlds * c.episodesPerWorld })
        #expect(r.sweep.count == 4 && Set(r.sweep.map(\.method)) == [GtSExperiment.gts, GtSExperiment.realOnly])

        // lighting: one draw per main episode, and the split covers every episode of every method once
        #expect(r.lighting.count == c.testWorlds && r.lighting.allSatisfy { $0.count == c.episodesPerWorld })
        let split = GtSReport.byLighting(r)
        for spec in r.main.policies {
            #expect(split.filter { $0.policy == spec.label }.map(\.summary.episodes).reduce(0, +) == c.testWorlds * c.episodesPerWorld)
        }
        let episodesCSV = try String(contentsOfFile: out + "/gts-episodes.csv", encoding: .utf8)
        #expect(episodesCSV.split(separator: "\n").count == 1 + 6 * c.testWorlds * c.episodesPerWorld)
        // paired differences: GtS against the 5 other policies, over all shared episodes
        let diffs = GtSReport.pairedDifferences(r)
        #expect(diffs.count == 5 && diffs.allSatisfy { $0.longer + $0.shorter <= c.testWorlds * c.episodesPerWorld })

        for f in ["gts.md", "gts-results.csv", "gts-episodes.csv", "gts-sweep.csv", "gts-sweep.svg", "gts-curves.csv", "config.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f) missing")
        }
        let report = try String(contentsOfFile: out + "/gts.md", encoding: .utf8)
        #expect(report.contains("GtS (") && report.contains("real-only (") && report.contains("sim+finetune-all ("))
        let sweepCSV = try String(contentsOfFile: out + "/gts-sweep.csv", encoding: .utf8)
        #expect(sweepCSV.split(separator: "\n").count == 1 + 4)
        let svg = try String(contentsOfFile: out + "/gts-sweep.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        #expect(svg.contains("data-name=\"GtS\"") && svg.contains("data-name=\"real-only\""))
        // the config written with the report reads back to the same settings
        #expect(try GtSExperimentConfig.load(out + "/config.json") == c)

        // --models: the same checkpoints evaluated again give the same episodes, bit for bit,
        // without collecting or training (the step-matched model is found in the directory)
        let models = out + "/models"
        let again = try GtSExperiment.run(c, out: out + "/again", models: models, sink: .silent, log: { _ in })
        #expect(again.main.outcomes == r.main.outcomes)
        #expect(again.main.policies.map(\.label) == r.main.policies.map(\.label))
        #expect(again.models.map(\.name) == r.models.map(\.name) && again.realStepsTotal == 0)
        #expect(again.collections.allSatisfy { $0.phase.hasPrefix("diagnostic") })
        #expect(again.sweep.map(\.distance.estimate) == r.sweep.map(\.distance.estimate))
        // without the step-matched file it is retrained from sim-only, bit-identical to the first run's
        try FileManager.default.removeItem(atPath: matched.file)
        let retrained = try GtSExperiment.run(c, out: out + "/retrained", models: models, sink: .silent, log: { _ in })
        let m2 = try #require(retrained.models.first { $0.method == GtSExperiment.simOnlyStepMatched })
        #expect(m2.file == out + "/retrained/models/sim-only-plus-3-sim-steps.safetensors")
        let p2 = try CollisionPredictor.load(m2.file).parameters
        #expect(mp.names == p2.names && mp.names.allSatisfy { mp[$0]! == p2[$0]! })
        #expect(retrained.main.outcomes == r.main.outcomes)

        // a fresh evaluation set: new episodes (no seed of set 0), no sweep
        var fresh = c
        fresh.evaluationSet = 1
        fresh.sweepEpisodesPerWorld = 0
        #expect(fresh.evaluationSeed != c.evaluationSeed && fresh.freshEpisodesProblem == nil)
        let f = try GtSExperiment.run(fresh, out: out + "/fresh", models: models, sink: .silent, log: { _ in })
        #expect(f.sweep.isEmpty && f.main.settings.seed == fresh.evaluationSeed)
        #expect(f.main.outcomes.allSatisfy { $0.count == c.testWorlds * c.episodesPerWorld })

        // a missing checkpoint or one trained with other settings is refused
        let sweepOnly = try #require(r.models.first { $0.method == GtSExperiment.realOnly && $0.hours != c.realHours })
        try FileManager.default.removeItem(atPath: sweepOnly.file)
        #expect(throws: (any Error).self) { _ = try GtSExperiment.run(c, out: out + "/bad", models: models, sink: .silent, log: { _ in }) }
        var other = c
        other.realUpdates = 4
        other.sweepEpisodesPerWorld = 0         // only the main budget's models are needed, all present
        #expect(throws: (any Error).self) { _ = try GtSExperiment.run(other, out: out + "/bad", models: models, sink: .silent, log: { _ in }) }
        var ok = c
        ok.sweepEpisodesPerWorld = 0
        #expect(try GtSExperiment.run(ok, out: out + "/ok", models: models, sink: .silent, log: { _ in }).sweep.isEmpty)
    }

    @Test func lightingIsNamedFromTheEpisodeDraw() throws {
        let c = tinyConfig()
        let models = try realModels(c)
        let settings = EvaluationSettings(worlds: ["w"], episodes: 24, routeLength: 1, seed: 7)
        let draws = GtSLighting.draws(settings, models: models)[0]
        // the real profile varies brightness per episode; the names follow the thresholds
        #expect(Set(draws.map(\.brightness)).count == 24)
        for d in draws { #expect(d.condition == (d.brightness < 0.9 ? "dim" : d.brightness > 1.1 ? "bright" : "medium")) }
        #expect(draws.allSatisfy { $0.brightness > 0.5 && $0.brightness < 1.65 && abs($0.sunAzimuthOffset) <= 1 + 1e-9 })
        // each draw is the one the evaluator's reset gives for that seed
        var env = Env(model: models[0])
        env.reset(seed: settings.episodeSeed(world: 0, episode: 5))
        let look = env.state.episode.appearance, nominal = DomainProfile.real.appearance
        #expect(draws[5].brightness == (look.sunIntensity / nominal.sunIntensity) * (look.exposure / nominal.exposure))
        // the sim profile does not vary lighting: every episode is nominal
        let sim = GtSLighting.draws(settings, models: try realModels(c, domain: .sim))[0]
        #expect(sim.allSatisfy { $0.brightness == 1 && $0.condition == "medium" && $0.sunAzimuthOffset == 0 })
    }

    @Test func dynamicsGapComparesTheProfilesOnTheSameCommands() throws {
        let c = tinyConfig()
        let robot = try URDFLoader.load(path: c.robot)
        let scene = GtSDynamicsGap.openCopy(try SceneLoader.resolve(WorldCatalog.trainingSpecs(count: 1)[0]))
        #expect(scene.obstacles.isEmpty)
        let sim = try EnvModel(scene: scene, robot: robot, settings: c.env, domain: .sim)
        let real = try EnvModel(scene: scene, robot: robot, settings: c.env, domain: .real)
        // a profile against itself has no gap; sim against real has one, and the flights are full length
        let same = GtSDynamicsGap.measure(pairs: [(sim, sim)], samples: 6, horizon: 8, seed: 3)
        #expect(same.positionGap == 0 && same.headingGap == 0)
        let g = GtSDynamicsGap.measure(pairs: [(sim, real)], samples: 6, horizon: 8, seed: 3)
        #expect(g.positionGap > 0 && g.headingGap > 0 && g.simTurn > 0)
        let expected = 8 / c.env.controlRate * c.env.forwardSpeed
        #expect(g.simPathLength > 0.5 * expected && g.simPathLength < 1.2 * expected)
        #expect(g == GtSDynamicsGap.measure(pairs: [(sim, real)], samples: 6, horizon: 8, seed: 3))
    }

    @Test func experimentFilesMeanWhatTheDocsSay() throws {
        // the smoke file is the smoke preset; the long-route file is the default run
        #expect(try GtSExperimentConfig.load(Fixtures.root + "/Experiments/gts-smoke.json") == .smoke)
        #expect(try GtSExperimentConfig.load(Fixtures.root + "/Experiments/gts-long-route.json") == GtSExperimentConfig())
        let run3 = try GtSExperimentConfig.load(Fixtures.root + "/Experiments/gts-more-training.json")
        #expect(run3.routeLength == 15 && run3.simSteps == 64_000 && run3.realUpdates == 1000 && run3.sweepHours == [1])
    }

    @Test func configKeysAreOptionalAndValidated() throws {
        let dir = FileManager.default.temporaryDirectory.path
        let path = dir + "/gts-config-\(UInt32.random(in: 0...UInt32.max)).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(#"{"simSteps": 1234, "sweepHours": [0.5]}"#.utf8).write(to: URL(fileURLWithPath: path))
        let c = try GtSExperimentConfig.load(path)
        #expect(c.simSteps == 1234 && c.sweepHours == [0.5] && c.realHours == 1 && c.testWorlds == GtSExperimentConfig().testWorlds)
        try Data(#"{"cemElites": 0}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { _ = try GtSExperimentConfig.load(path) }
        try Data(#"{"evaluationSet": 2, "episodesPerWorld": 20, "sweepEpisodesPerWorld": 0}"#.utf8).write(to: URL(fileURLWithPath: path))
        let fresh = try GtSExperimentConfig.load(path)
        #expect(fresh.evaluationSet == 2 && fresh.sweepEpisodesPerWorld == 0 && fresh.freshEpisodesProblem == nil)
        #expect(GtSExperimentConfig().evaluationSet == 0 && GtSExperimentConfig().evaluationSeed == RNG.mix(0, 0x4556_414C))
        try Data(#"{"evaluationSet": -1}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { _ = try GtSExperimentConfig.load(path) }
    }
}

@Suite struct GtSSimModelTests {
    /// A checkpoint standing in for a `train collision` run in the sim domain: random weights,
    /// the record of `notes` (sim domain, two training worlds unless changed).
    private func checkpoint(_ c: GtSExperimentConfig, dir: String, name: String, seed: UInt64,
                            edit: (inout CollisionTrainingRecord) -> Void = { _ in }) throws -> String {
        var rng = RNG(seed: seed)
        var record = CollisionTrainingRecord(datasetHash: "abc", realTransitions: 0, simTransitions: 100, steps: 7,
                                             notes: ["domain": "sim", "command": "test",
                                                     "train_worlds": WorldCatalog.trainingSpecs(count: 2).joined(separator: ",")])
        edit(&record)
        var settings = LearnedPolicySettings()
        settings.cem.initialSamples = 99        // the source's planner: replaced by the experiment's
        let file = dir + "/" + name + ".safetensors"
        try LearnedPolicy.save(CollisionPredictor(config: c.modelConfig, rng: &rng), settings: settings, record: record, to: file)
        return file
    }

    /// A fresh directory holding a source checkpoint, and the tiny config (main budget only)
    /// that loads it as its sim phase.
    private func simModelRun(_ label: String) throws -> (dir: String, config: GtSExperimentConfig) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gts-\(label)-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var c = tinyConfig()
        c.sweepHours = [c.realHours]
        c.sweepEpisodesPerWorld = 0
        c.simModel = try checkpoint(c, dir: dir, name: "source", seed: 5)
        return (dir, c)
    }

    @Test func loadedSimPhaseIsTheStartOfEveryRealPhase() throws {
        let (dir, c) = try simModelRun("simmodel")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/run"
        let logged = Mutex<[String]>([])
        let r = try GtSExperiment.run(c, out: out, sink: .silent, log: { line in logged.withLock { $0.append(line) } })
        try GtSReport.write(r, to: out, command: "test")

        // nothing collected in sim: the real budget and the diagnostic sets only
        #expect(!r.collections.contains { $0.phase == "sim" })
        #expect(r.collections.filter { !$0.phase.hasPrefix("diagnostic") }.map(\.domain) == ["real"])
        // sim-only is the checkpoint (weights and record), flown with the experiment's planner
        #expect(r.models.map(\.method) == [GtSExperiment.simOnly, GtSExperiment.gts, GtSExperiment.realOnly, GtSExperiment.finetuneAll])
        #expect(logged.withLock { $0.contains(GtSExperiment.noStepMatched) })
        let source = try CollisionPredictor.load(c.simModel!).parameters
        let (simP, simSettings, simRecord) = try LearnedPolicy.load(r.models[0].file)
        #expect(source.names.allSatisfy { source[$0]! == simP.parameters[$0]! })
        #expect(simSettings == c.policySettings && simRecord.steps == 7 && simRecord.simTransitions == 100)
        #expect(simRecord.notes["simModel"] == c.simModel && simRecord.notes["domain"] == "sim")
        // the real phases start from it: GtS keeps its trunk, every sim-based record counts its data and steps
        for m in r.models.dropFirst() {
            let fromSim = m.method != GtSExperiment.realOnly
            #expect(m.record.simTransitions == (fromSim ? 100 : 0) && m.record.steps == (fromSim ? 7 : 0) + 3)
            #expect(m.record.realTransitions == c.realSteps(c.realHours))
        }
        let g = try CollisionPredictor.load(r.models[1].file).parameters
        #expect(source.names.filter { $0.hasPrefix("trunk.") }.allSatisfy { source[$0]! == g[$0]! })
        #expect(source.names.contains { $0.hasPrefix("lstm.") && source[$0]! != g[$0]! })
        // the report says where the sim phase came from; config.json reads back with the key
        let report = try String(contentsOfFile: out + "/gts.md", encoding: .utf8)
        #expect(report.contains("Sim phase: loaded from `\(c.simModel!)` (100 sim transitions, 7 optimiser steps"))
        #expect(try GtSExperimentConfig.load(out + "/config.json") == c)

        // --models: the run's checkpoints load back against the same config, and fly the same episodes
        let again = try GtSExperiment.run(c, out: dir + "/again", models: out + "/models", sink: .silent, log: { _ in })
        #expect(again.main.outcomes == r.main.outcomes && again.models.count == 4)
        // ... but not against another source checkpoint
        var other = c
        other.simModel = try checkpoint(c, dir: dir, name: "other", seed: 6) { $0.steps = 8 }
        #expect(throws: InputError.self) { _ = try GtSExperiment.run(other, out: dir + "/bad", models: out + "/models", sink: .silent, log: { _ in }) }
    }

    @Test func aHalfProfileStandsInForRealAndIsRecorded() throws {
        let (dir, loaded) = try simModelRun("half")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = loaded
        c.realProfile = DomainProfile.realDynamics.name
        let out = dir + "/run"
        let r = try GtSExperiment.run(c, out: out, sink: .silent, log: { _ in })
        try GtSReport.write(r, to: out, command: "test")
        // the real budget, the real diagnostic set and the evaluation all use the named profile
        #expect(r.collections.map(\.domain) == ["real-dynamics", "sim", "real-dynamics"])
        #expect(r.main.domain == "real-dynamics")
        #expect(r.models.dropFirst().allSatisfy { $0.record.notes["realProfile"] == "real-dynamics" && $0.record.realTransitions == 144 })
        #expect(r.models[0].record.notes["realProfile"] == nil)
        let report = try String(contentsOfFile: out + "/gts.md", encoding: .utf8)
        #expect(report.contains("**Real profile: `real-dynamics`, not the experiment's `real`.**"))
        #expect(try GtSExperimentConfig.load(out + "/config.json") == c)
        // its checkpoints are not the real profile's: --models with the default profile refuses them
        var real = c
        real.realProfile = DomainProfile.real.name
        let refusal = #expect(throws: InputError.self) {
            _ = try GtSExperiment.run(real, out: dir + "/real", models: out + "/models", sink: .silent, log: { _ in })
        }
        #expect(refusal.map { "\($0)".contains("notes.realProfile") } == true)
        // the key: a profile name, never the sim profile
        for bad in ["sim", "moon", ""] {
            var b = c
            b.realProfile = bad
            #expect(b.problem?.contains("realProfile") == true)
        }
        #expect(GtSExperimentConfig().realProfile == "real" && GtSExperimentConfig().realDomain == .real)
    }

    @Test func aCheckpointThatSawTheRealProfileOrATestWorldIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gts-simmodel-bad-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let c = tinyConfig()
        func refusal(_ file: String, config: GtSExperimentConfig? = nil) -> String {
            do { _ = try GtSSimModel.load(config ?? c, file: file); return "" } catch { return "\(error)" }
        }
        #expect(refusal(try checkpoint(c, dir: dir, name: "ok", seed: 1)) == "")
        #expect(refusal(try checkpoint(c, dir: dir, name: "real", seed: 1) { $0.realTransitions = 10 }).contains("real_transitions"))
        #expect(refusal(try checkpoint(c, dir: dir, name: "domain", seed: 1) { $0.notes["domain"] = "real" }).contains("notes.domain"))
        #expect(refusal(try checkpoint(c, dir: dir, name: "nodomain", seed: 1) { $0.notes["domain"] = nil }).contains("notes.domain"))
        let heldOut = WorldCatalog.heldOutSpecs(count: 1)[0]
        #expect(refusal(try checkpoint(c, dir: dir, name: "heldout", seed: 1) { $0.notes["train_worlds"] = "forest:0," + heldOut })
                    .contains("'\(heldOut)' is a held-out world"))
        #expect(refusal(try checkpoint(c, dir: dir, name: "noworlds", seed: 1) { $0.notes["train_worlds"] = nil }).contains("train_worlds"))
        var wide = c
        wide.model.convs[0].filters = 8
        #expect(refusal(dir + "/ok.safetensors", config: wide).contains("model_config"))
        #expect(refusal(dir + "/missing.safetensors").contains("does not exist"))
        // the key: optional, and an empty name is refused
        var empty = c
        empty.simModel = ""
        #expect(empty.problem != nil && c.problem == nil)
    }
}
