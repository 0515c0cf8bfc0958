import Autonomy
import Foundation
import Geometry
import Runtime
import World

/// The autopilot of `swiftlet fly --swarm N --policy SPEC`: every vehicle flies its own instance
/// of one policy (`spec.make()`), reset with its own seed, and acts from its own observation
/// (its camera, which draws the other vehicles) every control tick; a `SwarmAwarePolicy` (the
/// privileged planner) is first told the other vehicles' true states (`movingObstacles`). The
/// policy gives a yaw rate; forward speed and altitude are the env's (`EnvAction.yawRate`), as in
/// single-vehicle flight.
///
/// The vehicles' policy ticks run on `workers` threads over a fixed contiguous partition (vehicle
/// i's decision depends only on its own policy and observation), so the actions are bit-identical
/// for any worker count. A learned policy's own batched evaluation is threaded too (its
/// `settings.workers`, fixed blocks: the same bits for any count); with several vehicles per
/// tick it gets the threads the vehicles leave (`workers` 2: one each), since two levels of
/// threads on two cores ran slower than one (`swiftlet bench app`, docs/app.md).
///
/// ```swift
/// var pilot = SwarmPolicyPilot(spec: try PolicyRegistry.standard.resolve("privileged"), count: 4, workers: 2)
/// pilot.reset(episodeSeed: 7)
/// let step = pilot.decide(env.state, model: env.model.env, followed: 0)
/// env.step(step.actions)
/// ```
struct SwarmPolicyPilot {
    let spec: PolicySpec
    /// Worker threads of the policy ticks (>= 1).
    var workers: Int
    /// One policy per vehicle.
    var policies: [any Policy]

    /// What one tick decided: an action per vehicle (a finished vehicle's is a placeholder the
    /// swarm never reads), and the followed vehicle's decision with its planner's candidates.
    struct Step {
        var actions: [EnvAction]
        var followed: AutopilotWorker.Decision?
    }

    init(spec: PolicySpec, count: Int, workers: Int) {
        self.spec = spec
        self.workers = max(1, workers)
        policies = []
        policies = (0..<count).map { _ in make(count: count) }
    }

    /// A fresh policy for one of `count` vehicles: `spec.make()`, a learned one with its
    /// evaluation threads divided by the vehicle threads in use.
    func make(count: Int) -> any Policy {
        let p = spec.make()
        let lanes = min(workers, count)
        guard lanes > 1, let learned = p as? LearnedPolicy, learned.settings.workers > 1 else { return p }
        var s = learned.settings
        s.workers = max(1, s.workers / lanes)
        return LearnedPolicy(predictor: learned.predictor, settings: s, name: learned.name)
    }

    /// Vehicle `i`'s policy seed in the episode reset from `seed`: vehicle 0 gets the seed
    /// `FlySimulation` and `Evaluator` give a lone vehicle (`RNG.mix(seed, 0x504F)`), so a swarm
    /// of one flies exactly as they do; vehicle i > 0 mixes its index into it.
    static func policySeed(episode seed: UInt64, vehicle i: Int) -> UInt64 {
        let lone = RNG.mix(seed, 0x504F)
        return i == 0 ? lone : RNG.mix(lone, UInt64(i))
    }

    /// Fresh policies for the episode reset from `episodeSeed`.
    mutating func reset(episodeSeed: UInt64) {
        policies = (0..<policies.count).map { i in
            var p = make(count: policies.count)
            p.reset(seed: SwarmPolicyPilot.policySeed(episode: episodeSeed, vehicle: i))
            return p
        }
    }

    /// The actions of one swarm step from `state`: every flying vehicle's policy acts on its
    /// observation, except vehicle `manual` (flown by hand, its policy left untouched), whose
    /// action the caller sets. `followed`'s decision keeps its planner's candidates for the view.
    mutating func decide(_ state: SwarmState, model: EnvModel, followed: Int, manual: Int? = nil) -> Step {
        let n = policies.count
        precondition(state.count == n, "one policy per vehicle")
        let vehicles = state.vehicles
        let others = SwarmPolicyPilot.movingObstacles(state, model: model)
        let idle = EnvAction.yawRate(0)
        var yawRates = [Double](repeating: 0, count: n)
        var decision: AutopilotWorker.Decision? = nil
        yawRates.withUnsafeMutableBufferPointer { y in
            withUnsafeMutablePointer(to: &decision) { d in
                nonisolated(unsafe) let out = y.baseAddress!, chosen = d
                VectorEnv.forEach(&policies, threads: workers) { i, policy in
                    guard !vehicles[i].done, i != manual else { return }
                    let o = vehicles[i].observation
                    if var aware = policy as? any SwarmAwarePolicy {
                        aware.setNeighbours(others.indices.compactMap { j in j == i ? nil : others[j] })
                        policy = aware
                    }
                    if i == followed {
                        let dd = AutopilotWorker.compute(&policy, step: vehicles[i].controlSteps, observation: o, model: model)
                        out[i] = dd.action
                        chosen.pointee = dd
                    } else {
                        out[i] = policy.act(o, model: model)
                    }
                }
            }
        }
        let actions = (0..<n).map { i in vehicles[i].done ? idle : .yawRate(yawRates[i]) }
        return Step(actions: actions, followed: decision)
    }

    /// Every vehicle as a privileged planner sees it (`SwarmAwarePolicy`): an upright cylinder of
    /// the robot's collision shape at its true body position, moving at its true velocity; a
    /// finished vehicle (crashed, arrived or timed out) stays frozen where it ended, still an
    /// obstacle to the others (`SwarmEnv`), so it is kept, with zero velocity. Built once per tick
    /// from the state before it, so every vehicle reads the same snapshot on any worker count.
    static func movingObstacles(_ state: SwarmState, model: EnvModel) -> [MovingObstacle] {
        state.vehicles.map { v in
            MovingObstacle.vehicle(model, position: v.observation.robot.position, velocity: v.done ? .zero : v.observation.robot.velocity)
        }
    }
}
