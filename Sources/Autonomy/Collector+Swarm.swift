import Diagnostics
import Foundation
import Geometry
import Physics
import Runtime

/// Swarm lanes of `Collector.run` (`CollectionSettings.swarm`).
///
/// Determinism: a swarm lane draws its worlds from the lane RNG as a single-vehicle lane does;
/// its f-th flight searches a clear start from seed `RNG.mix(laneSeed, f)` (`SwarmEnv
/// .resetToClearStart`, 16 seeds), vehicle i's policy resets with `RNG.mix(RNG.mix(seed,
/// 0x504F), i)`. The swarm steps on one thread and vehicles act in index order, so a lane's data
/// never depend on the thread count.
///
/// Exploration schedule: a swarm lane follows the schedule of a single-vehicle lane over its
/// vehicle-step count. The lane's vehicle steps are counted in the order they are taken (flight
/// by flight, tick by tick, vehicles in index order within a tick), and the action that is the
/// lane's s-th vehicle step is drawn at schedule step `t0 + s` (t0: the lane's first global
/// step), exactly as a single-vehicle lane draws its s-th step: a `ScheduledExploration`'s
/// `globalStep` is set to it before every vehicle's `act`. Vehicles still flying past the budget
/// (not recorded) act at `t0 + budget`.
extension Collector {
    /// Flights in a row without a clear start before a swarm lane gives up.
    static let swarmStartAttempts = 32

    /// One `SwarmModel` per world of `models` (nil without `settings.swarm`). Throws
    /// `InputError` naming `collectionSwarm` for a layout the robot cannot fly.
    static func swarmModels(_ settings: CollectionSettings, models: [EnvModel]) throws -> [SwarmModel] {
        guard let swarm = settings.swarm else { return [] }
        if let p = swarm.problem(totalLanes: settings.lanes) { throw InputError("collectionSwarm", p) }
        return try models.map { m in
            do {
                return try SwarmModel(scene: m.scene, robot: m.robot, settings: m.settings, domain: m.domain, swarm: swarm.settings)
            } catch let e as InputError {
                throw InputError("collectionSwarm", e.description)
            }
        }
    }

    /// A swarm lane: every flight is one `SwarmEnv` episode of `swarm.count` vehicles, each
    /// flying its own exploration policy; each vehicle's trajectory becomes one episode (a
    /// contact with another vehicle is its collision, counted in the returned dataset's
    /// `info["vehicleContacts"]`). The budget is counted in vehicle steps;
    /// at the budget the flight is cut (an end without collision, as in `runLane`). Throws when
    /// `swarmStartAttempts` flights in a row find no clear start.
    static func runSwarmLane(_ s: CollectionSettings, swarms: [SwarmModel], lane: Int, laneSeed: UInt64, budget: Int,
                             exploration: @Sendable (Int) -> any Policy, progress: Diagnostics.Progress?,
                             observer: TickObserver?) throws -> CollisionDataset {
        let swarm = s.swarm!
        var data = CollisionDataset(frameStack: s.env.frameStack, height: s.env.imageHeight, width: s.env.imageWidth, horizon: s.horizon)
        var laneRNG = RNG(seed: laneSeed, stream: 0x4C41_4E45)
        let t0 = s.steps * lane / s.lanes
        let n = s.env.imageWidth * s.env.imageHeight, stack = s.env.frameStack, count = swarm.count
        var envs: [Int: SwarmEnv] = [:]
        var collected = 0, episode = 0, flight: UInt64 = 0, refused = 0
        // recorded episodes that ended touching another vehicle (returned in `info`)
        var vehicleContacts = 0
        while collected < budget {
            let world = laneRNG.int(below: swarms.count)
            let model = swarms[world]
            var env = envs.removeValue(forKey: world) ?? SwarmEnv(model: model, workers: 1)
            // a clear line abreast with room ahead of every vehicle
            var why = ""
            let found = env.resetToClearStart(from: RNG.mix(laneSeed, flight), why: &why) { state in
                SwarmEnv.obstructionAhead(model.env, starts: state.vehicles.map(\.observation.robot), distance: swarm.clearAhead)
            }
            flight += 1
            envs[world] = env
            guard let seed = found else {
                refused += 1
                if refused >= swarmStartAttempts {
                    throw InputError("collectionSwarm", "no clear start for \(count) vehicles \(swarm.spacing) m apart in \(refused) flights in a row (last: \(why)); use fewer vehicles or a smaller spacing")
                }
                continue
            }
            refused = 0

            // every vehicle its own policy (its schedule step is set before every act, below)
            var policies = (0..<count).map { i -> any Policy in
                var p = exploration(t0 + collected)
                p.reset(seed: RNG.mix(RNG.mix(seed, 0x504F), UInt64(i)))
                return p
            }
            var frames = [[UInt8]](repeating: [], count: count)
            var actions = [[Float]](repeating: [], count: count)
            var collision = [Int?](repeating: nil, count: count)
            while collected < budget && !env.state.done {
                // vehicles act in index order; those past the budget fly but are not recorded
                var commands = [EnvAction](repeating: .yawRate(0), count: count)
                var recorded = [Bool](repeating: false, count: count)
                var before: [Observation?] = []
                for i in 0..<count where !env.state.vehicles[i].done {
                    let o = env.state.vehicles[i].observation
                    // the schedule at the lane's vehicle-step count, as in a single-vehicle lane
                    if var scheduled = policies[i] as? any ScheduledExploration {
                        scheduled.globalStep = t0 + collected
                        policies[i] = scheduled
                    }
                    let a = policies[i].act(o, model: model.env)
                    commands[i] = .yawRate(a)
                    guard collected < budget else { continue }
                    frames[i] += o.frames[(stack - 1) * n ..< stack * n]
                    actions[i].append(Float(a))
                    recorded[i] = true
                    collected += 1
                    if observer != nil {
                        if before.isEmpty { before = [Observation?](repeating: nil, count: count) }
                        before[i] = o
                    }
                }
                let r = env.step(commands)
                for i in 0..<count where recorded[i] {
                    let v = r.vehicles[i]!
                    if v.terminated {
                        collision[i] = actions[i].count - 1
                        if v.contact != nil { vehicleContacts += 1 }
                    }
                    if let observer, let o = before[i] {
                        observer(TickRecord(lane: lane, episode: episode + i, world: world, seed: seed, observation: o,
                                            action: Double(actions[i].last!), result: v.result))
                    }
                }
            }
            envs[world] = env
            // one episode per vehicle that recorded a step (only the last flight can leave some out)
            for i in 0..<count where !actions[i].isEmpty {
                let firstFrame = data.frameCount
                data.frames += frames[i]
                appendEpisode(&data, firstFrame: firstFrame, actions: actions[i], collision: collision[i], episode: episode)
                progress?.advance(by: actions[i].count)
                episode += 1
            }
        }
        data.info["vehicleContacts"] = String(vehicleContacts)
        return data
    }
}
