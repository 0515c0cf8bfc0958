import Diagnostics
import Foundation
import Physics
import Geometry
import Models
import Neural
import Planning
import Runtime
import Testing
import World
import TestSupport
@testable import Autonomy

/// The learned GtS policy, its checkpoints, the training pipeline and the comparison table.
@Suite(.serialized) struct LearningTests {
    /// A small collision model on the fixtures' 18 x 24 camera, 2 frames, horizon 4.
    static let config = CollisionPredictorConfig(
        height: 18, width: 24, frames: 2, horizon: 4, actionDim: 1, actionScale: [0.5],
        convs: [.init(filters: 4, kernel: 4, stride: 2), .init(filters: 8, kernel: 3, stride: 2)],
        dense: [16, 8], hidden: 8, actionEmbedding: 4, headHidden: 4)

    /// Random weights large enough that the plan depends on the image.
    static func model(seed: UInt64) -> CollisionPredictor {
        var rng = RNG(seed: seed)
        var m = CollisionPredictor(config: config, rng: &rng)
        var p = Parameters()
        for (n, t) in zip(m.parameters.names, m.parameters.tensors) {
            var u = t
            for i in u.data.indices { u.data[i] += 0.3 * Float(rng.normal()) }
            p[n] = u
        }
        m.parameters = p
        return m
    }

    static func settings(workers: Int, planner: LearnedPolicySettings.PlannerKind = .cem) -> LearnedPolicySettings {
        var s = LearnedPolicySettings.budget(initial: 64)
        s.planner = planner
        s.workers = workers
        s.blockRows = 16
        return s
    }

    /// Actions of `policy` over `ticks` steps in forest:1 from reset seed 5.
    static func fly(_ make: () -> any Policy, ticks: Int = 6) throws -> [Double] {
        let envModel = try EnvModel(scene: try SceneLoader.resolve("forest:1"), robot: try Fixtures.cf2x(), settings: Fixtures.settings())
        var env = Env(model: envModel)
        env.reset(seed: 5)
        var policy = make()
        policy.reset(seed: 11)
        var out: [Double] = []
        for _ in 0..<ticks {
            let a = policy.act(env.state.observation, model: envModel)
            out.append(a)
            if env.step(.yawRate(a)).done { break }
        }
        return out
    }

    @Test(arguments: [LearnedPolicySettings.PlannerKind.cem, .mppi])
    func tickIsDeterministicForSeedAndThreadCount(_ planner: LearnedPolicySettings.PlannerKind) throws {
        let m = Self.model(seed: 1)
        let one = try Self.fly { LearnedPolicy(predictor: m, settings: Self.settings(workers: 1, planner: planner)) }
        let again = try Self.fly { LearnedPolicy(predictor: m, settings: Self.settings(workers: 1, planner: planner)) }
        let two = try Self.fly { LearnedPolicy(predictor: m, settings: Self.settings(workers: 2, planner: planner)) }
        #expect(one.count == 6)
        #expect(one == again)
        #expect(one == two)
        // the planner really acts: yaw rates inside the limit, not all the same
        #expect(one.allSatisfy { abs($0) <= EnvSettings().maxYawRate + 1e-6 })
        #expect(Set(one).count > 1)
        // a different model flies differently
        let other = try Self.fly { LearnedPolicy(predictor: Self.model(seed: 2), settings: Self.settings(workers: 1, planner: planner)) }
        #expect(other != one)
    }

    @Test func candidatesAndProbabilitiesAreExposed() throws {
        let envModel = try EnvModel(scene: try SceneLoader.resolve("forest:1"), robot: try Fixtures.cf2x(), settings: Fixtures.settings())
        var env = Env(model: envModel)
        env.reset(seed: 2)
        var policy = LearnedPolicy(predictor: Self.model(seed: 3), settings: Self.settings(workers: 1))
        policy.reset(seed: 1)
        #expect(policy.lastBatch == nil)
        _ = policy.act(env.state.observation, model: envModel)
        let batch = try #require(policy.lastBatch)
        let probs = try #require(policy.lastProbabilities)
        let mean = try #require(policy.lastCollisionProbabilities)
        #expect(probs.count == batch.count * 4 && mean.count == batch.count)
        #expect(probs.allSatisfy { $0 >= 0 && $0 <= 1 })
        // probabilities agree with the autodiff model on one candidate
        let i = Int(batch.ranked[0])
        let frames = env.state.observation.frames
        let start: Int = (envModel.settings.frameStack - 2) * 18 * 24
        let newest: [UInt8] = Array(frames[start...])
        let obs: [Float] = CollisionPredictor.observation(fromStack: newest, config: Self.config)
        let p = policy.predictor.probabilities(images: Tensor(shape: [1, 18, 24, 2], data: obs),
                                               actions: Tensor(shape: [1, 4, 1], data: Array(batch.sequence(i))))
        for h in 0..<4 { #expect(abs(p.data[h] - probs[i * 4 + h]) < 1e-4) }
    }

    @Test func checkpointPolicyReproducesInMemoryActions() throws {
        let dir = TempDir("learned")
        defer { dir.remove() }
        let m = Self.model(seed: 4)
        var s = Self.settings(workers: 1)
        s.yawWeight = 0.05
        let path = dir.file("tiny.safetensors")
        try LearnedPolicy.save(m, settings: s, record: CollisionTrainingRecord(datasetHash: "abc", simTransitions: 7), to: path)
        let (loaded, settings, record) = try LearnedPolicy.load(path)
        #expect(settings == s && record.datasetHash == "abc" && record.simTransitions == 7)
        #expect(loaded.config == m.config)
        let spec = try PolicyRegistry.standard.resolve(path)
        #expect(spec.name == "tiny" && !spec.isPrivileged)
        let fromFile = try Self.fly { spec.make() }
        let inMemory = try Self.fly { LearnedPolicy(predictor: m, settings: s) }
        #expect(fromFile == inMemory)
    }

    @Test func registryErrorsNameTheFile() throws {
        let dir = TempDir("learned-bad")
        defer { dir.remove() }
        let missing = dir.file("nope.safetensors")
        #expect(throws: InputError.self) { try PolicyRegistry.standard.resolve(missing) }
        do { _ = try PolicyRegistry.standard.resolve(missing) } catch let e as InputError {
            #expect(e.source == missing && e.description.contains("not found"))
        }
        let corrupt = dir.file("corrupt.safetensors")
        try Data([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]).write(to: URL(fileURLWithPath: corrupt))
        do {
            _ = try PolicyRegistry.standard.resolve(corrupt)
            Issue.record("resolved a corrupt checkpoint")
        } catch let e as InputError {
            #expect(e.description.contains(corrupt))
        }
        // a checkpoint of another architecture
        var rng = RNG(seed: 1)
        let dyn = PoseDynamics(config: PoseDynamicsConfig(), rng: &rng)
        let other = dir.file("dyn.safetensors")
        try dyn.save(to: other)
        do {
            _ = try PolicyRegistry.standard.resolve(other)
            Issue.record("resolved a dynamics checkpoint as a policy")
        } catch let e as InputError {
            #expect(e.source == other && e.location == "architecture")
        }
        // unknown names still list the file formats
        do { _ = try PolicyRegistry.standard.resolve("nonsense") } catch let e as InputError {
            #expect(e.description.contains(".safetensors"))
        }
    }

    /// The pipeline on the fixtures' small camera and model, two training worlds.
    static func tinyPipeline() -> CollisionPipelineConfig {
        var c = CollisionPipelineConfig()
        c.robot = Fixtures.root + "/Robots/cf2x.urdf"
        c.trainWorldCount = 2
        c.imageWidth = 24
        c.imageHeight = 18
        c.frames = 2
        c.model = config
        return c
    }

    @Test func pipelineRunsEndToEndOnATinyConfig() throws {
        let dir = TempDir("pipeline")
        defer { dir.remove() }
        var c = Self.tinyPipeline()
        c.horizon = 4
        c.initialSteps = 600
        c.rounds = 1
        c.roundSteps = 40
        c.collectionPolicy = LearnedPolicySettings.budget(initial: 32)
        c.lanes = 4
        c.validationFraction = 0.2
        c.epochs = 4
        c.roundEpochs = 1
        c.patience = 4
        c.batchSize = 16
        c.learningRate = 3e-3
        c.policy = LearnedPolicySettings.budget(initial: 32)
        c.evalWorldCount = 1
        c.evalEpisodes = 1
        c.evalRoute = 2
        let r = try CollisionPipeline.run(c, out: dir.path, name: "tiny", command: "test", progress: .silent)
        for f in ["tiny.safetensors", "tiny.safetensors.json", "tiny-curves.csv", "tiny-curves.svg", "tiny-report.md", "eval.md", "eval.csv"] {
            #expect(FileManager.default.fileExists(atPath: dir.file(f)), "\(f) missing")
        }
        #expect(r.samples == 640)
        // round 0's training loss falls on this small, easy set
        let round0 = r.curves.filter { $0.round == 0 }
        #expect(round0.count >= 2)
        #expect(round0.last!.trainLoss < round0.first!.trainLoss)
        #expect(r.curves.allSatisfy { $0.trainLoss.isFinite && $0.validationLoss.isFinite && $0.validationLoss > 0 })
        #expect(r.bestValidationLoss == r.curves.map(\.validationLoss).min()! || r.bestValidationLoss < r.curves.map(\.validationLoss).min()!)
        let csv = try CSVWriter.parse(String(contentsOfFile: dir.file("tiny-curves.csv"), encoding: .utf8))
        #expect(csv.first == ["round", "epoch", "steps", "samples", "train_loss", "validation_loss"])
        #expect(csv.count == r.curves.count + 1)
        let svg = try String(contentsOfFile: dir.file("tiny-curves.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
        #expect(svg.contains("data-name=\"train\"") && svg.contains("data-name=\"validation\""))
        // the saved model carries the config, the data hash and the command
        let (_, settings, record) = try LearnedPolicy.load(dir.file("tiny.safetensors"))
        #expect(settings == c.policy)
        #expect(record.datasetHash == r.datasetHash && record.datasetHash.count == 16)
        #expect(record.simTransitions == 640 && record.notes["command"] == "test")
        // the evaluation compares the saved policy with the three baselines, with CIs
        let e = try #require(r.evaluation)
        #expect(e.policies.map(\.label) == ["tiny", "straight", "random", "privileged (true geometry)"])
        let md = try String(contentsOfFile: dir.file("tiny-report.md"), encoding: .utf8)
        for label in ["tiny", "straight", "random", "privileged (true geometry)"] {
            #expect(md.contains("| \(label)"), "\(label) row missing")
        }
        let allRows = e.rows().filter { $0.world == "all" }
        #expect(allRows.count == 4)
        #expect(allRows.allSatisfy { $0.summary.distance.lower <= $0.summary.distance.estimate && $0.summary.distance.estimate <= $0.summary.distance.upper })
    }

    @Test func comparisonRatiosMatchHandComputation() {
        // policy 0 flies 10, 20 (no collision) and 30 m; policy 1 flies 5, 5, 10 m, all collisions
        let a = [EpisodeOutcome(world: 0, episode: 0, distance: 10, collided: true, success: false, steps: 1),
                 EpisodeOutcome(world: 0, episode: 1, distance: 20, collided: false, success: true, steps: 1),
                 EpisodeOutcome(world: 0, episode: 2, distance: 30, collided: true, success: false, steps: 1)]
        let b = [EpisodeOutcome(world: 0, episode: 0, distance: 5, collided: true, success: false, steps: 1),
                 EpisodeOutcome(world: 0, episode: 1, distance: 5, collided: true, success: false, steps: 1),
                 EpisodeOutcome(world: 0, episode: 2, distance: 10, collided: true, success: false, steps: 1)]
        let specs = [PolicySpec(name: "a", isPrivileged: false) { StraightPolicy() },
                     PolicySpec(name: "b", isPrivileged: false) { StraightPolicy() }]
        let report = EvaluationReport(settings: EvaluationSettings(worlds: ["w"], episodes: 3), domain: "sim", policies: specs, outcomes: [a, b])
        let c = report.comparisons(policy: 0)
        #expect(c.count == 1 && c[0].baseline == "b")
        #expect(isClose(c[0].distanceRatio.estimate, 3, abs: 1e-12))                 // mean 20 / mean 6.67
        #expect(isClose(c[0].distancePerCollisionRatio.estimate, (60.0 / 2) / (20.0 / 3), abs: 1e-12))
        #expect(c[0].distanceRatio.lower <= 3 && c[0].distanceRatio.upper >= 3)
        let md = report.comparisonMarkdown(policy: 0)
        #expect(md.contains("| a"))
        // resamples of only the collision-free episode have no finite ratio: the bound reads ∞
        #expect(c[0].distancePerCollisionRatio.upper == EvaluationReport.ratioCap)
        #expect(md.contains(", ∞]") && !md.contains("1000000") && !md.contains("1.00e+06"))
    }
}

/// `train collision --data`: shards from `swiftlet collect` replace round 0's collection.
@Suite struct CollisionShardsTests {
    /// The tiny pipeline (24 x 18 camera, 2 frames) with horizon 4 and 5 Hz control, no rounds,
    /// no evaluation: nothing `collect` writes by default.
    static func config() -> CollisionPipelineConfig {
        var c = LearningTests.tinyPipeline()
        c.horizon = 4
        c.controlRate = 5
        c.rounds = 0
        c.lanes = 2
        c.validationFraction = 0.25
        c.epochs = 1
        c.batchSize = 16
        c.evalEpisodes = 0
        return c
    }

    /// Shard `i` of `n` as `swiftlet collect --config` writes it for `c` (`env` replaces the
    /// config's env settings).
    static func collect(_ c: CollisionPipelineConfig, into dir: String, shard: Int, of n: Int, env: EnvSettings? = nil) throws {
        var job = CollectJob(matching: c)
        job.worlds = "forest:0,hallway:0"
        job.steps = 120
        job.shard = ShardSpec(index: shard, count: n)
        if let env { job.env = env }
        job.out = dir
        _ = try job.run(progress: .silent)
    }

    @Test func trainsOnCollectedShardsAndRecordsThem() throws {
        let dir = TempDir("shards")
        defer { dir.remove() }
        let c = Self.config()
        try Self.collect(c, into: dir.file("data"), shard: 0, of: 2)
        try Self.collect(c, into: dir.file("data"), shard: 1, of: 2)
        let files = try CollisionShards.files([dir.file("data")])
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["shard-0-of-2.swcd", "shard-1-of-2.swcd"])
        let r = try CollisionPipeline.run(c, out: dir.file("out"), name: "s", data: files, progress: .silent)
        // exactly the two shards, concatenated in order: same sample count and data hash
        var merged = try CollisionDataset.read(path: files[0])
        merged.append(try CollisionDataset.read(path: files[1]))
        #expect(r.samples == 240 && r.samples == merged.sampleCount)
        #expect(merged.horizon == 4 && merged.width == 24 && merged.frameStack == 2)
        let (loaded, worlds) = try CollisionShards.load(files, config: c)
        #expect(loaded.frames == merged.frames && loaded.labels == merged.labels && loaded.episodes == merged.episodes)
        #expect(worlds == ["forest:0", "hallway:0"])
        #expect(r.datasetHash == String(format: "%016llx", FNV1a.hash(try loaded.encoded())))
        let (_, _, record) = try LearnedPolicy.load(dir.file("out/s.safetensors"))
        #expect(record.notes["data_files"] == files.joined(separator: ","))
        #expect(record.notes["train_worlds"] == "forest:0,hallway:0")
        let report = try String(contentsOfFile: dir.file("out/s-report.md"), encoding: .utf8)
        #expect(report.contains("2 collected shard(s)"))
    }

    @Test func refusesShardsOfAnotherRobotCameraOrEpisodeRule() throws {
        let dir = TempDir("shards-flight")
        defer { dir.remove() }
        let c = Self.config()
        try Self.collect(c, into: dir.file("a"), shard: 0, of: 3)
        let a = dir.file("a/shard-0-of-3.swcd")
        let good = try CollisionDataset.read(path: a)
        #expect(good.info["robot"] == "cf2" && good.info["maxEpisodeTime"] == String(c.collectionEpisodeTime))
        #expect(try CollisionShards.load([a], config: c).data.sampleCount == good.sampleCount)
        // another robot, same shapes and flight envelope
        var quad = CollectJob(matching: c)
        quad.robot = "Robots/quad750.urdf"
        quad.worlds = "forest:0"
        quad.steps = 40
        quad.shard = ShardSpec(index: 1, count: 3)
        quad.out = dir.file("b")
        _ = try quad.run(progress: .silent)
        #expect { _ = try CollisionShards.load([a, dir.file("b/shard-1-of-3.swcd")], config: c) } throws: {
            ($0 as? InputError)?.location == "robot" && "\($0)".contains("quad750")
        }
        // the same robot with another episode length, yaw-rate limit or field of view
        var env = CollectJob(matching: c).env
        env.maxEpisodeTime = c.collectionEpisodeTime / 2
        env.maxYawRate /= 2
        env.fieldOfViewDegrees = 60
        try Self.collect(c, into: dir.file("c"), shard: 2, of: 3, env: env)
        #expect { _ = try CollisionShards.load([dir.file("c/shard-2-of-3.swcd")], config: c) } throws: {
            ["fieldOfView", "maxEpisodeTime", "maxYawRate"].contains(($0 as? InputError)?.location ?? "")
        }
        // a shard written before these fields were recorded still loads
        var old = good
        for key in Collector.flightRecord(CollectJob(matching: c).env, robot: try URDFLoader.load(path: c.robot)).keys {
            old.info[key] = nil
        }
        try old.write(to: dir.file("old.swcd"))
        #expect(try CollisionShards.load([dir.file("old.swcd")], config: c).data.frames == good.frames)
    }

    @Test func refusesShardsThePipelineWouldNotHaveCollected() throws {
        let dir = TempDir("shards-bad")
        defer { dir.remove() }
        let c = Self.config()
        try Self.collect(c, into: dir.file("a"), shard: 0, of: 2)
        var other = CollectJob(matching: c).env
        other.controlRate = 4
        try Self.collect(c, into: dir.file("b"), shard: 1, of: 2, env: other)
        let a = dir.file("a/shard-0-of-2.swcd"), b = dir.file("b/shard-1-of-2.swcd")
        #expect { _ = try CollisionShards.load([a, b], config: c) } throws: {
            ($0 as? InputError)?.source == b && ($0 as? InputError)?.location == "controlRate"
        }
        #expect { _ = try CollisionShards.load([a, a], config: c) } throws: { "\($0)".contains("is the same shard as") }
        var wider = c
        wider.imageWidth = 32
        #expect { _ = try CollisionShards.load([a], config: wider) } throws: { ($0 as? InputError)?.location == "width" }
        // a plain `collect` (96 x 72, 4 frames, horizon 12) does not fit this config
        var plain = CollectJob()
        plain.worlds = "forest:0"
        plain.steps = 20
        plain.out = dir.file("plain")
        _ = try plain.run(progress: .silent)
        #expect { _ = try CollisionShards.load([dir.file("plain/shard-0-of-1.swcd")], config: c) } throws: {
            ($0 as? InputError)?.location == "width"
        }
        try FileManager.default.createDirectory(atPath: dir.file("empty"), withIntermediateDirectories: true)
        #expect(throws: InputError.self) { try CollisionShards.files([dir.file("empty")]) }
        #expect(throws: InputError.self) { try CollisionShards.files([dir.file("nothere")]) }
    }
}
