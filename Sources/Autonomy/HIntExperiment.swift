import Diagnostics
import Dispatch
import Foundation
import Geometry
import Models
import Physics
import Runtime
import World

/// One evaluation episode of the HInt experiment.
public struct HIntEpisodeResult: Sendable, Equatable {
    public var method: HIntMethod
    public var yawLimitDegrees: Double
    public var world: String
    public var episode: Int
    /// Reached the goal region without a collision.
    public var success: Bool
    public var collided: Bool
    /// Path length driven before the collision or the episode end, m.
    public var distance: Double
    /// Control ticks.
    public var ticks: Int
    /// Distance left to the goal at the end, m.
    public var goalDistanceLeft: Double
    /// Ticks whose yaw-rate command was at the limit (|command| >= 0.98 x limit): how often
    /// turning bound.
    public var saturatedTicks: Int = 0
}

/// Everything `swiftlet experiment hint` produces.
public struct HIntExperimentResult: Sendable {
    public var config: HIntExperimentConfig
    public var episodes: [HIntEpisodeResult]
    /// Data and training notes (one line each).
    public var notes: [String]
    /// Wall seconds of the phases (collect, train, evaluate).
    public var seconds: [String: Double]
}

/// The HInt experiment end to end (METHODS.md section 2, docs/hint.md): collect every source in
/// the training worlds, train P on the union, D_r per robot and the action-conditioned
/// baselines, then drive the deploying robot (jackal) to goals in held-out worlds with each
/// method at each yaw-rate limit. Episodes are paired: episode e uses the same world, spawn and
/// goal for every method and limit.
public enum HIntExperiment {
    public static let deploying = HIntPlatform.jackal

    /// `modelsFrom`: a previous run's `models/` directory; its checkpoints replace training
    /// (the data are still collected, for the notes). `dataFrom`: a previous run's `data/`
    /// directory; its MCAP datasets (`<source>.mcap`, `HIntDatasetMCAP.read`) replace collection
    /// and are what training reads (not written again).
    public static func run(_ config: HIntExperimentConfig, out: String? = nil, modelsFrom: String? = nil, dataFrom: String? = nil,
                           sink: Diagnostics.Progress.Sink = .standardError) throws -> HIntExperimentResult {
        if let p = config.validationProblem { throw InputError("--config", p) }
        var seconds: [String: Double] = [:]
        var notes: [String] = []
        let trainScenes = try WorldSet.scenes(WorldCatalog.trainingSpecs(count: config.trainWorlds))
        let evalScenes = try WorldSet.scenes(config.evalSpecs)
        // the run's own datasets go to OUT/data (none when they are read from an earlier run's)
        if let out { try OutputPath.prepareDirectory(dataFrom == nil ? out + "/data" : out, source: "--out") }
        // --models is read before collection: a directory without the checkpoints failed only
        // after every source had been collected
        let loadedModels = try modelsFrom.map(load)
        if let dir = modelsFrom, let p = loadedModels?.perception.config, p.width != config.imageWidth || p.height != config.imageHeight {
            throw InputError(dir, at: "perception.safetensors", "the models see \(p.width)x\(p.height) images, the config's camera "
                             + "\(config.imageWidth)x\(config.imageHeight)")
        }

        // 1. data: every source in the same training worlds
        var t0 = Diagnostics.Progress.monotonicSeconds()
        var data: [HIntDataset] = []
        for (i, p) in HIntPlatform.allCases.enumerated() {
            if let dir = dataFrom {
                let path = "\(dir)/\(p.rawValue).mcap"
                let ds = try HIntDatasetMCAP.read(path: path)
                guard ds.platform == p, ds.width == config.imageWidth, ds.height == config.imageHeight else {
                    throw InputError(path, at: "metadata", "\(ds.platform.rawValue) \(ds.width)x\(ds.height) images, the config needs \(p.rawValue) "
                                     + "\(config.imageWidth)x\(config.imageHeight)")
                }
                data.append(ds)
                notes.append("data \(p.rawValue): \(ds.sampleCount) steps, \(ds.episodes.count) episodes, \(ds.collisions) collisions (read from \(path))")
                continue
            }
            let progress = Diagnostics.Progress(label: "collect \(p.rawValue)", total: config.stepsPerSource, unit: "steps", sink: sink)
            let ds = try HIntCollector.collect(platform: p, settings: config.settings(p), scenes: trainScenes, robotsDirectory: config.robotsDirectory,
                                               steps: config.stepsPerSource, episodeSteps: config.episodeSteps,
                                               seed: RNG.mix(config.seed, UInt64(i + 1)), imageWidth: config.imageWidth,
                                               imageHeight: config.imageHeight, progress: progress)
            progress.finish()
            data.append(ds)
            notes.append("data \(p.rawValue): \(ds.sampleCount) steps, \(ds.episodes.count) episodes, \(ds.collisions) collisions")
            if let out {
                try ds.write(to: "\(out)/data/\(p.rawValue).swhi")
                try HIntDatasetMCAP.write(ds, to: "\(out)/data/\(p.rawValue).mcap", horizon: HIntTraining.horizon)
            }
        }
        seconds["collect"] = Diagnostics.Progress.monotonicSeconds() - t0

        // 2. models
        t0 = Diagnostics.Progress.monotonicSeconds()
        let models: HIntModels
        if let dir = modelsFrom, let loadedModels {
            models = loadedModels
            notes.append("models loaded from \(dir) (not retrained)")
        } else {
            models = train(config, data: data, sink: sink, notes: &notes)
        }
        if let out, modelsFrom == nil {
            try FileManager.default.createDirectory(atPath: out + "/models", withIntermediateDirectories: true)
            try models.perception.save(to: "\(out)/models/perception.safetensors")
            try models.singleSource.save(to: "\(out)/models/single-source.safetensors")
            try models.pooled.save(to: "\(out)/models/pooled.safetensors")
            for (p, d) in models.dynamics { try d.save(to: "\(out)/models/dynamics-\(p.rawValue).safetensors") }
            try config.save(to: "\(out)/models/\(HIntExperimentConfig.modelsFileName)")
        }
        seconds["train"] = Diagnostics.Progress.monotonicSeconds() - t0

        // 3. closed-loop evaluation in held-out worlds
        t0 = Diagnostics.Progress.monotonicSeconds()
        let results = try evaluate(config, models: models, scenes: evalScenes, sink: sink)
        seconds["evaluate"] = Diagnostics.Progress.monotonicSeconds() - t0
        let result = HIntExperimentResult(config: config, episodes: results, notes: notes, seconds: seconds)
        if let out { try HIntReport.write(result, to: out) }
        return result
    }

    /// Trains P, every D_r and the two action-conditioned baselines. The image models train on
    /// two threads (P on one, the baselines one after the other on the other); each model's
    /// training is sequential and seeded, so the result does not depend on the thread count.
    public static func train(_ config: HIntExperimentConfig, data: [HIntDataset], sink: Diagnostics.Progress.Sink, notes: inout [String]) -> HIntModels {
        let s = config.training, ve = s.validationEvery
        let isVal: @Sendable (Int, Int) -> Bool = { _, e in e % ve == ve - 1 }
        let h = data[0].height, w = data[0].width
        let j = data.firstIndex { $0.platform == deploying }!
        let robots = Set(data.indices.filter { data[$0].platform.hasActions })

        var dynamics: [HIntPlatform: PoseDynamics] = [:]
        for i in robots.sorted() {
            let pr = Diagnostics.Progress(label: "train D_\(data[i].platform.rawValue)", total: s.dynamicsSteps, unit: "steps", sink: sink)
            let (d, line) = HIntTraining.trainDynamics(data[i], settings: s, seed: RNG.mix(config.seed, 200 + UInt64(i)), progress: pr)
            pr.finish()
            dynamics[data[i].platform] = d
            notes.append(line)
        }

        let trainEpisodes = data[j].episodes.indices.filter { !isVal(j, $0) }
        let keep = Set(trainEpisodes.prefix(max(1, Int((Double(trainEpisodes.count) * s.singleSourceFraction).rounded()))))
        struct Job: Sendable {
            var name: String, label: String, config: CollisionPredictorConfig, train: [HIntSampleRef], validation: [HIntSampleRef]
            var input: HIntTraining.SequenceInput, steps: Int, seed: UInt64
        }
        let jobs = [
            Job(name: "P (shared, union of \(data.map(\.platform.rawValue).joined(separator: ", ")))", label: "train P",
                config: .hintPerception(height: h, width: w, horizon: HIntTraining.horizon),
                train: HIntTraining.samples(data) { !isVal($0, $1) }, validation: HIntTraining.samples(data, include: isVal),
                input: .poses, steps: s.perceptionSteps, seed: RNG.mix(config.seed, 101)),
            Job(name: "single-source action model (\(Statistics.format(100 * s.singleSourceFraction))% of \(deploying.rawValue)'s episodes)",
                label: "train single-source", config: HIntTraining.actionModelConfig(height: h, width: w),
                train: HIntTraining.samples(data) { $0 == j && keep.contains($1) },
                validation: HIntTraining.samples(data) { $0 == j && isVal($0, $1) },
                input: .actions, steps: s.actionModelSteps, seed: RNG.mix(config.seed, 102)),
            Job(name: "pooled action model (\(robots.sorted().map { data[$0].platform.rawValue }.joined(separator: ", ")))",
                label: "train pooled", config: HIntTraining.actionModelConfig(height: h, width: w),
                train: HIntTraining.samples(data) { robots.contains($0) && !isVal($0, $1) },
                validation: HIntTraining.samples(data) { $0 == j && isVal($0, $1) },
                input: .actions, steps: s.actionModelSteps, seed: RNG.mix(config.seed, 103)),
        ]
        let lanes: [[Int]] = [[0], [1, 2]]
        let lock = NSLock()
        let box = UncheckedResults(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: lanes.count) { lane in
            for k in lanes[lane] {
                let jb = jobs[k]
                let pr = Diagnostics.Progress(label: jb.label, total: jb.steps, unit: "steps", sink: sink)
                let r = HIntTraining.trainImageModel(name: jb.name, config: jb.config, data: data, train: jb.train, validation: jb.validation,
                                                     input: jb.input, settings: s, steps: jb.steps, seed: jb.seed, progress: pr)
                pr.finish()
                lock.lock(); box.items[k] = r; lock.unlock()
            }
        }
        let trained = box.items.map { $0! }
        notes += trained.map(\.1)
        return HIntModels(perception: trained[0].0, dynamics: dynamics, singleSource: trained[1].0, pooled: trained[2].0, notes: notes)
    }

    final class UncheckedResults: @unchecked Sendable {
        var items: [(CollisionPredictor, String)?]
        init(count: Int) { items = Array(repeating: nil, count: count) }
    }

    /// Loads the checkpoints a run wrote to `dir` (perception, single-source, pooled, dynamics-*).
    public static func load(_ dir: String) throws -> HIntModels {
        var dynamics: [HIntPlatform: PoseDynamics] = [:]
        for p in HIntPlatform.allCases where p.hasActions {
            let path = "\(dir)/dynamics-\(p.rawValue).safetensors"
            if FileManager.default.fileExists(atPath: path) { dynamics[p] = try PoseDynamics.load(path) }
        }
        guard dynamics[deploying] != nil else { throw InputError(dir, at: "dynamics-\(deploying.rawValue).safetensors", "missing") }
        let models = HIntModels(perception: try CollisionPredictor.load("\(dir)/perception.safetensors"), dynamics: dynamics,
                                singleSource: try CollisionPredictor.load("\(dir)/single-source.safetensors"),
                                pooled: try CollisionPredictor.load("\(dir)/pooled.safetensors"), notes: [])
        try checkShapes(models, dir: dir)
        return models
    }

    /// Throws unless the loaded models have the shapes `HIntDriver` plans with (each is a valid
    /// network on its own, but the driver's costs compose them): D_r maps the robot's 2-value
    /// state and H yaw rates to H poses; P reads H poses, the baselines H yaw rates; every image
    /// model sees one gray frame of P's size.
    static func checkShapes(_ models: HIntModels, dir: String) throws {
        let h = HIntTraining.horizon
        for (p, d) in models.dynamics.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let c = d.config
            guard c.stateDim == 2, c.actionDim == 1, c.horizon == h else {
                throw InputError("\(dir)/dynamics-\(p.rawValue).safetensors", at: "model_config",
                                 "stateDim \(c.stateDim), actionDim \(c.actionDim), horizon \(c.horizon): the planner needs 2, 1 and \(h)")
            }
        }
        let p = models.perception.config
        for (file, c, actionDim) in [("perception", p, 3), ("single-source", models.singleSource.config, 1), ("pooled", models.pooled.config, 1)] {
            guard c.horizon == h, c.actionDim == actionDim, c.frames == 1, c.height == p.height, c.width == p.width else {
                throw InputError("\(dir)/\(file).safetensors", at: "model_config",
                                 "horizon \(c.horizon), actionDim \(c.actionDim), \(c.frames) frames of \(c.width)x\(c.height): the planner needs "
                                 + "\(h), \(actionDim), one frame of the perception model's \(p.width)x\(p.height)")
            }
        }
    }

    /// A free goal about `distance` ahead of the spawn (within +-0.6 rad of its heading), at
    /// least 0.5 m from every obstacle; shorter if nothing that far is free.
    public static func goal(scene: Scene, from start: RobotObservation, distance: Double, rng: inout RNG) -> SIMD2<Double> {
        let probe = CollisionShape.sphere(radius: 0.5)
        var fallback: SIMD2<Double>? = nil
        for attempt in 0..<60 {
            let d = distance * (attempt < 40 ? rng.uniform(0.85, 1.0) : rng.uniform(0.5, 0.85))
            let a = start.yaw + rng.uniform(-0.6, 0.6)
            let p = Vec3(start.position.x + d * cos(a), start.position.y + d * sin(a), 0.3)
            let g = SIMD2(p.x, p.y)
            if fallback == nil { fallback = g }
            if scene.inBounds(p) && scene.firstOverlap(probe, at: Pose(position: p, orientation: .identity)) == nil { return g }
        }
        return fallback!
    }

    /// Start seed and goal of one paired evaluation episode.
    public struct EpisodeSetup: Sendable, Equatable {
        /// `Env.reset` seed (start pose) and the root of the planner's RNG.
        public var seed: UInt64
        /// Goal, world (x, y) m.
        public var goal: SIMD2<Double>
    }

    /// The held-out scenes the episodes run in: with `interiorStarts` every scene's spawns are
    /// replaced by 64 start poses inside its obstacle field (seeded per world).
    public static func evaluationScenes(_ config: HIntExperimentConfig, _ scenes: [Scene]) -> [Scene] {
        guard config.interiorStarts else { return scenes }
        return scenes.enumerated().map { i, sc in
            HIntEpisodeLayout.replacingSpawns(sc, with: HIntEpisodeLayout.interiorSpawns(
                scene: sc, count: 64, inset: 4, clearance: 0.6, seed: RNG.mix(RNG.mix(config.seed, 0x5350_4157), UInt64(i))))
        }
    }

    /// Episode e's start seed and goal in `model`'s world, shared by every method and limit.
    /// With the default settings this is the original draw (goal within +-0.6 rad, no
    /// reachability check); otherwise up to 16 start seeds are tried for a goal that
    /// `HIntEpisodeLayout.goal` accepts (the last try's fallback is a straight-ahead goal).
    public static func setup(_ model: EnvModel, episode e: Int, config: HIntExperimentConfig) -> EpisodeSetup {
        let base = RNG.mix(RNG.mix(config.seed, 0x4576_616C), UInt64(e))
        var env = Env(model: model)
        if config.goalBearingDegrees == nil && config.reachableClearance == nil {
            let obs = env.reset(seed: base)
            var rng = RNG(seed: base, stream: 0x476F_616C)
            return EpisodeSetup(seed: base, goal: goal(scene: model.scene, from: obs.robot, distance: config.goalDistance, rng: &rng))
        }
        let bearing = config.goalBearingDegrees.map(radians) ?? 0.6
        var last = EpisodeSetup(seed: base, goal: .zero)
        for k in 0..<16 {
            let seed = k == 0 ? base : RNG.mix(base, 0x5245_0000 + UInt64(k))
            let obs = env.reset(seed: seed)
            var rng = RNG(seed: seed, stream: 0x476F_616C)
            let start = SIMD2(obs.robot.position.x, obs.robot.position.y)
            if let g = HIntEpisodeLayout.goal(scene: model.scene, start: start, yaw: obs.robot.yaw, distance: config.goalDistance,
                                              bearing: bearing, reachableWith: config.reachableClearance, rng: &rng) {
                return EpisodeSetup(seed: seed, goal: g)
            }
            last = EpisodeSetup(seed: seed, goal: start + config.goalDistance * SIMD2(cos(obs.robot.yaw), sin(obs.robot.yaw)))
        }
        return last
    }

    /// Runs every (limit, method, episode) in order; paired seeds across methods and limits.
    public static func evaluate(_ config: HIntExperimentConfig, models: HIntModels, scenes heldOut: [Scene], sink: Diagnostics.Progress.Sink) throws -> [HIntEpisodeResult] {
        let robot = try URDFLoader.load(path: (config.robotsDirectory as NSString).appendingPathComponent(deploying.robotFile!))
        let ps = config.settings(deploying)
        let scenes = evaluationScenes(config, heldOut)
        let total = config.yawLimitsDegrees.count * config.methods.count * config.episodes
        let progress = Diagnostics.Progress(label: "evaluate", total: total, unit: "episodes", sink: sink)
        var out: [HIntEpisodeResult] = []
        var setups: [EpisodeSetup] = []
        for limit in config.yawLimitsDegrees {
            let s = config.evaluationEnv(yawLimitDegrees: limit)
            let envModels = try scenes.map { try EnvModel(scene: $0, robot: robot, settings: s, domain: .sim) }
            // starts and goals depend on the world only: drawn once, shared by every limit
            if setups.isEmpty { setups = (0..<config.episodes).map { setup(envModels[$0 % scenes.count], episode: $0, config: config) } }
            for method in config.methods {
                let driver = HIntDriver(method: method, models: models, deploying: deploying, yawRateLimit: radians(limit),
                                        assumedYawRate: radians(config.settings(deploying).maxYawRateDegrees), speed: ps.speed,
                                        dt: 1 / HIntCollector.controlRate, samples: config.samples)
                var successes = 0
                for e in 0..<config.episodes {
                    let w = e % scenes.count
                    var res = episode(envModels[w], driver: driver, setup: setups[e], config: config)
                    res.method = method; res.yawLimitDegrees = limit; res.world = scenes[w].name; res.episode = e
                    if res.success { successes += 1 }
                    out.append(res)
                    progress.advance(note: "\(Int(limit)) deg/s \(method.rawValue): \(successes)/\(e + 1) reached")
                }
            }
        }
        progress.finish()
        return out
    }

    /// One goal-reaching episode.
    static func episode(_ model: EnvModel, driver: HIntDriver, setup: EpisodeSetup, config: HIntExperimentConfig) -> HIntEpisodeResult {
        var env = Env(model: model)
        var obs = env.reset(seed: setup.seed)
        let goal = setup.goal
        var planRNG = RNG(seed: setup.seed, stream: 0x504C_414E)
        driver.reset()
        var distance = 0.0, ticks = 0, saturated = 0, collided = false, success = false
        func left(_ o: Observation) -> Double { hypot(goal.x - o.robot.position.x, goal.y - o.robot.position.y) }
        while true {
            if left(obs) <= config.goalRadius { success = true; break }
            let cmd = obs.frames.withUnsafeBufferPointer { driver.act(frame: $0, robot: obs.robot, goal: goal, rng: &planRNG) }
            if abs(cmd) >= 0.98 * driver.yawRateLimit { saturated += 1 }
            let r = env.step(.yawRate(cmd))
            distance += r.reward
            ticks += 1
            obs = r.observation
            if r.collided { collided = true; break }
            if left(obs) <= config.goalRadius { success = true; break }
            if r.done { break }
        }
        return HIntEpisodeResult(method: driver.method, yawLimitDegrees: 0, world: "", episode: 0, success: success, collided: collided,
                                 distance: distance, ticks: ticks, goalDistanceLeft: left(obs), saturatedTicks: saturated)
    }
}
