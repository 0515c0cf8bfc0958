import Dispatch
import Diagnostics
import Foundation
import Geometry
import Physics
import Runtime

/// Runs exploration episodes and turns them into a `CollisionDataset`.
///
/// Determinism: the shard seed is `shard.seed(from: seed)`; lane `l` seeds from
/// `RNG.mix(shardSeed, l)`, its k-th episode resets with `RNG.mix(laneSeed, k)` and draws its
/// world from the lane RNG. Lanes collect `steps * (l+1) / lanes - steps * l / lanes` steps each
/// (the last episode is cut at the budget, which counts as an end without collision) and are
/// concatenated in lane order, so the dataset is bit-identical for any thread count. With
/// `settings.swarm` the last `swarm.lanes` lanes fly swarms instead (`runSwarmLane`).
public enum Collector {
    public static func run(_ settings: CollectionSettings, models: [EnvModel], registry: PolicyRegistry = .standard,
                           progress: Diagnostics.Progress? = nil, observer: TickObserver? = nil) throws -> CollisionDataset {
        precondition(!models.isEmpty && settings.lanes > 0 && settings.steps >= 0)
        let exploration = try makeExploration(settings, registry: registry)
        let shardSeed = settings.shard.seed(from: settings.seed)
        let lanes = settings.lanes
        // swarm lanes (the last `swarm.lanes`) fly the same worlds as swarms
        let swarms = try swarmModels(settings, models: models)
        let firstSwarmLane = lanes - (settings.swarm?.lanes ?? 0)
        var parts = [Result<CollisionDataset, any Error>?](repeating: nil, count: lanes)
        let workers = max(1, min(settings.threads, lanes))
        parts.withUnsafeMutableBufferPointer { p in
            nonisolated(unsafe) let out = p.baseAddress!
            let work: @Sendable (Int) -> Void = { w in
                for lane in (w * lanes / workers)..<((w + 1) * lanes / workers) {
                    let budget = settings.steps * (lane + 1) / lanes - settings.steps * lane / lanes
                    let laneSeed = RNG.mix(shardSeed, UInt64(lane))
                    out[lane] = Result {
                        if lane >= firstSwarmLane {
                            return try runSwarmLane(settings, swarms: swarms, lane: lane, laneSeed: laneSeed, budget: budget,
                                                    exploration: exploration, progress: progress, observer: observer)
                        }
                        return runLane(settings, models: models, lane: lane, laneSeed: laneSeed, budget: budget,
                                       exploration: exploration, progress: progress, observer: observer)
                    }
                }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        var dataset = CollisionDataset(frameStack: settings.env.frameStack, height: settings.env.imageHeight,
                                       width: settings.env.imageWidth, horizon: settings.horizon)
        // the first failing lane's error, in lane order; swarm lanes count their vehicle contacts
        var vehicleContacts = 0
        for part in parts {
            let lane = try part!.get()
            dataset.append(lane)
            vehicleContacts += lane.info["vehicleContacts"].flatMap { Int($0) } ?? 0
        }
        dataset.info = [
            "domain": settings.domain.name, "seed": String(settings.seed), "shard": "\(settings.shard.index)/\(settings.shard.count)",
            "shardSeed": String(shardSeed), "worlds": settings.worlds.joined(separator: ","), "lanes": String(lanes),
            "exploration": describe(settings.exploration), "controlRate": String(settings.env.controlRate),
            "forwardSpeed": String(settings.env.forwardSpeed), "altitude": String(settings.env.altitude),
            "actionUnit": "rad/s yaw rate", "collisions": String(collisionCount(dataset)),
            "episodes": String(Set(dataset.episodes).count),
        ]
        if let swarm = settings.swarm {
            dataset.info["swarm"] = swarm.summary
            // how many of the collisions were contacts with another vehicle (the rest: the world)
            dataset.info["vehicleContacts"] = String(vehicleContacts)
        }
        // what `CollisionShards` checks besides the shapes: the robot, its camera and the episode rules
        for (key, value) in flightRecord(models[0].settings, robot: models[0].robot) { dataset.info[key] = value }
        progress?.finish()
        return dataset
    }

    /// The settings a shard records so that `CollisionShards` can refuse one collected with
    /// another robot, camera or episode rule: robot name, resolved field of view (deg), depth
    /// range (m), physics rate (Hz), yaw-rate limit (rad/s), tilt limit (rad), episode time (s)
    /// and distance (m) limits, spawn yaw jitter (rad). Values are shortest round-trip decimals.
    static func flightRecord(_ env: EnvSettings, robot: RobotDescription) -> [String: String] {
        ["robot": robot.name, "fieldOfView": String(EnvModel.fieldOfView(env, robot: robot)), "maxRange": String(env.maxRange),
         "physicsRate": String(env.physicsRate), "maxYawRate": String(env.maxYawRate), "tiltLimit": String(env.tiltLimit),
         "maxEpisodeTime": String(env.maxEpisodeTime), "maxDistance": String(env.maxDistance),
         "spawnYawJitter": String(env.spawnYawJitter)]
    }

    /// Episodes that ended in a collision (the last sample of the episode has y[0] = 1).
    static func collisionCount(_ d: CollisionDataset) -> Int {
        var n = 0
        for i in 0..<d.sampleCount where d.labels[i * d.horizon] == 1 { n += 1 }
        return n
    }

    static func describe(_ e: ExplorationKind) -> String {
        switch e {
        case .uniformSequences: return "uniform-sequences"
        case .gaussian(let b, let s): return "gaussian(\(b), sigma \(s.start)->\(s.end) over \(s.steps))"
        case .epsilonGreedy(let b, let s): return "epsilon-greedy(\(b), epsilon \(s.start)->\(s.end) over \(s.steps))"
        }
    }

    /// A factory for the exploration policy of one lane starting at global step `t0`.
    static func makeExploration(_ s: CollectionSettings, registry: PolicyRegistry) throws -> @Sendable (Int) -> any Policy {
        let h = s.horizon
        switch s.exploration {
        case .uniformSequences:
            return { _ in UniformSequencePolicy(horizon: h) }
        case .gaussian(let name, let sigma):
            let base = try registry.resolve(name, source: "--base")
            if let why = base.validate(s.env) { throw InputError("--base", at: name, why) }
            return { t0 in GaussianExploration(base: base.make(), sigma: sigma, globalStep: t0) }
        case .epsilonGreedy(let name, let eps):
            let base = try registry.resolve(name, source: "--base")
            if let why = base.validate(s.env) { throw InputError("--base", at: name, why) }
            return { t0 in EpsilonGreedyExploration(base: base.make(), epsilon: eps, globalStep: t0) }
        }
    }

    static func runLane(_ s: CollectionSettings, models: [EnvModel], lane: Int, laneSeed: UInt64, budget: Int,
                        exploration: @Sendable (Int) -> any Policy, progress: Diagnostics.Progress?, observer: TickObserver?) -> CollisionDataset {
        var data = CollisionDataset(frameStack: s.env.frameStack, height: s.env.imageHeight, width: s.env.imageWidth, horizon: s.horizon)
        var laneRNG = RNG(seed: laneSeed, stream: 0x4C41_4E45)
        // the schedule runs over the shard's global step count: lanes start where the previous ones end
        let t0 = s.steps * lane / s.lanes
        var policy = exploration(t0)
        var collected = 0, episode = 0
        let n = s.env.imageWidth * s.env.imageHeight
        let stack = s.env.frameStack
        var envs: [Int: Env] = [:]
        while collected < budget {
            let world = laneRNG.int(below: models.count)
            let seed = RNG.mix(laneSeed, UInt64(episode))
            var env = envs.removeValue(forKey: world) ?? Env(model: models[world])
            env.reset(seed: seed)
            policy.reset(seed: RNG.mix(seed, 0x504F))
            var actions: [Float] = []
            var collision: Int? = nil
            let firstFrame = data.frameCount
            // frame j of the episode is the newest image of the observation before action j
            var t = 0
            while collected < budget {
                data.frames.append(contentsOf: env.state.observation.frames[(stack - 1) * n ..< stack * n])
                let a = policy.act(env.state.observation, model: env.model)
                let before = observer == nil ? nil : env.state.observation
                let r = env.step(.yawRate(a))
                actions.append(Float(a))
                if let observer, let before {
                    observer(TickRecord(lane: lane, episode: episode, world: world, seed: seed, observation: before, action: a, result: r))
                }
                collected += 1
                t += 1
                if r.terminated { collision = t - 1 }
                if r.done { break }
            }
            envs[world] = env
            appendEpisode(&data, firstFrame: firstFrame, actions: actions, collision: collision, episode: episode)
            progress?.advance(by: t)
            episode += 1
        }
        return data
    }

    /// Appends the samples of one episode whose frames start at `firstFrame` (frame j is the
    /// newest image before action j): frame stacks, action sequences, episode and step indices,
    /// and the `CollisionLabels` of a collision at step `collision` (nil: ended without one).
    static func appendEpisode(_ data: inout CollisionDataset, firstFrame: Int, actions: [Float], collision: Int?, episode: Int) {
        let length = actions.count, stack = data.frameStack, horizon = data.horizon
        let (labels, masks) = CollisionLabels.compute(length: length, collisionStep: collision, horizon: horizon)
        for j in 0..<length {
            for k in 0..<stack { data.stacks.append(UInt32(firstFrame + max(0, j - (stack - 1) + k))) }
            for h in 0..<horizon { data.actions.append(j + h < length ? actions[j + h] : 0) }
            data.episodes.append(UInt32(episode))
            data.steps.append(UInt32(j))
        }
        data.labels += labels
        data.masks += masks
    }
}
