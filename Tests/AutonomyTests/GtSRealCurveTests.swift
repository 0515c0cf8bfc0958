import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Runtime
import Synchronization
import Testing
import World
@testable import Autonomy

@Suite struct GtSRealCurveTests {
    @Test func stepListIsParsedOrRefusedWithAOneLineError() throws {
        #expect(try GtSRealCurve.parseSteps("125,250,500,1000,2000") == [125, 250, 500, 1000, 2000])
        #expect(try GtSRealCurve.parseSteps("500, 125") == [125, 500])
        for bad in ["", "abc", "0", "-5", "125,,250", "100,100", "1.5", "125;250"] {
            do {
                _ = try GtSRealCurve.parseSteps(bad)
                Issue.record("'\(bad)' was accepted")
            } catch let e as InputError {
                let text = "\(e)"
                #expect(text.contains("--real-curve") && !text.contains("\n"))
            }
        }
    }

    @Test func trainingWorldEpisodesNeverUseACollectionSeed() throws {
        let c = tinyConfig()
        // the superset really holds every seed a collection resets with (the main real budget, observed)
        let seen = Mutex(Set<UInt64>())
        let robot = try URDFLoader.load(path: c.robot)
        let specs = WorldCatalog.trainingSpecs(count: c.trainWorlds)
        let models = try WorldSet.scenes(specs).map { try EnvModel(scene: $0, robot: robot, settings: c.env, domain: .real) }
        let bi = c.allRealHours.firstIndex(of: c.realHours)!
        _ = try Collector.run(GtSRealCurve.realCollection(c, budgetIndex: bi), models: models,
                              observer: { t in seen.withLock { _ = $0.insert(t.seed) } })
        let used = GtSRealCurve.collectionSeeds(c)
        let observed = seen.withLock { $0 }
        #expect(!observed.isEmpty && observed.isSubset(of: used))
        // the training-world ground truth: the training worlds, fresh seeds outside that set
        let e = try GtSRealCurve.evaluation(c, worlds: .training, episodesPerWorld: 50)
        #expect(e.worlds == specs && e.seed == GtSRealCurve.trainingWorldSeed(c))
        for w in e.worlds.indices { for k in 0..<50 { #expect(!used.contains(e.episodeSeed(world: w, episode: k))) } }
        // the held-out ground truth keeps the config's evaluation draws
        let h = try GtSRealCurve.evaluation(c, worlds: .heldOut, episodesPerWorld: 2)
        #expect(h.seed == c.evaluationSeed && h.worlds == WorldCatalog.heldOutSpecs(count: c.testWorlds))
    }

    @Test func snapshotsEqualPlainTrainingsAndTheRunsCheckpoints() throws {
        let c = tinyConfig()        // realUpdates 3
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gts-curve-test-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        _ = try GtSExperiment.run(c, out: out + "/run", sink: .silent, log: { _ in })
        let steps = [1, 3, 7]      // 7 crosses a pass boundary of the 144-sample budget
        let r = try GtSRealCurve.train(c, models: out + "/run/models", out: out + "/curve", steps: steps, sink: .silent, log: { _ in })
        #expect(r.snapshots.map(\.name) == ["sim-only (0 steps)", "GtS 1 steps", "GtS 3 steps", "GtS 7 steps",
                                            "sim+finetune-all 1 steps", "sim+finetune-all 3 steps", "sim+finetune-all 7 steps"])
        // the snapshot at realUpdates is the run's own checkpoint, bit for bit
        #expect(r.reproducesRun.count == 2 && r.reproducesRun.values.allSatisfy { $0.bitIdentical && $0.maxDifference == 0 })
        #expect(r.losses.count == r.snapshots.count && r.losses.allSatisfy { $0.sim.isFinite && $0.real.isFinite && $0.real > 0 })

        // a snapshot at n equals a plain n-step training with the experiment's settings
        let sim = try CollisionPredictor.load(out + "/run/models/sim-only.safetensors")
        let settings = GtSRealCurve.realCollection(c, budgetIndex: c.allRealHours.firstIndex(of: c.realHours)!)
        let robot = try URDFLoader.load(path: c.robot)
        let models = try WorldSet.scenes(settings.worlds).map { try EnvModel(scene: $0, robot: robot, settings: c.env, domain: .real) }
        let data = try Collector.run(settings, models: models)
        for n in [1, 7] {
            let trainer = CollisionTrainer(sim, config: GtSExperiment.phaseConfig(c.training, frozen: CollisionPredictor.realPhaseFrozen))
            var rng = RNG(seed: RNG.mix(c.seed, UInt64(c.allRealHours.firstIndex(of: c.realHours)!)), stream: 0x5245_0000)
            GtSTraining.train(trainer, data: data, updates: n, rng: &rng)
            let snap = try #require(r.snapshots.first { $0.method == GtSExperiment.gts && $0.steps == n })
            #expect(GtSRealCurve.compare(try CollisionPredictor.load(snap.file).parameters, trainer.predictor.parameters).bitIdentical)
        }
        // and the snapshots differ from each other (the training moved)
        let s1 = try CollisionPredictor.load(r.snapshots[1].file), s7 = try CollisionPredictor.load(r.snapshots[3].file)
        let moved = GtSRealCurve.compare(s1.parameters, s7.parameters)
        #expect(!moved.bitIdentical && moved.maxDifference > 0 && moved.maxDifference.isFinite)

        // the ground truth finds and checks the snapshots; the pilot (the run's GtS) scores as its twin snapshot
        let t = try GtSRealCurve.truth(c, models: out + "/run/models", out: out + "/curve", steps: steps, worlds: .training,
                                       episodesPerWorld: 1, every: 2, sink: .silent, log: { _ in })
        #expect(t.models.count == 2 + 2 * steps.count && t.models[1] == "sim-only (0 steps)")
        #expect(t.worldSet == "training" && GtSPlanTruth.markdown(t, command: "test").contains("in the training worlds"))
        let twin = try #require(t.models.firstIndex(of: "GtS 3 steps"))
        for tick in t.perTick.flatMap({ $0 }) {
            #expect(tick.models[0] == tick.models[twin])
            for m in tick.models {
                #expect((m.blankAUC != nil) == (m.auc != nil))
                if let s = m.actionShare { #expect(s >= 0 && s <= 1 + 1e-9) }
            }
        }
        // a step count that was never trained: one-line error naming the missing file
        #expect(throws: InputError.self) {
            _ = try GtSRealCurve.truth(c, models: out + "/run/models", out: out + "/curve", steps: [2], worlds: .heldOut,
                                       episodesPerWorld: 1, every: 2, sink: .silent, log: { _ in })
        }
    }

    @Test func squaredCorrelationOfCosts() throws {
        #expect(GtSPlanTruth.squaredCorrelation([1, 2, 3], [2, 4, 6]) == 1)
        #expect(abs(try #require(GtSPlanTruth.squaredCorrelation([1, 2, 3], [3, 2, 1])) - 1) < 1e-12)
        #expect(GtSPlanTruth.squaredCorrelation([1, 2, 3, 4], [1, -1, -1, 1]) == 0)
        #expect(GtSPlanTruth.squaredCorrelation([1, 1, 1], [1, 2, 3]) == nil)
    }
}
