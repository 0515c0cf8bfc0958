import Foundation
import Geometry
import Physics

/// N quadrotors of one robot file flying together in one scene: `Env` per vehicle, stepped
/// through `QuadrotorSwarm` so they feel each other's downwash and can touch.
///
/// ```swift
/// let model = try SwarmModel(scene: try WorldGenerators.make("forest:3"), robot: cf2x,
///                            swarm: SwarmSettings(count: 4, layout: .lineAbreast, spacing: 1))
/// var env = SwarmEnv(model: model)
/// try env.reset(seed: 7)
/// let hold = EnvAction.vehicle(.flight(.forward(speed: 0.5, yawRate: 0, altitude: 0.6)))
/// while !env.state.done {
///     let r = env.step([EnvAction](repeating: hold, count: 4))   // r.vehicles[i]: nil once i is done
/// }
/// ```
///
/// One step is one control period of every vehicle, as `Env.step` defines it; per physics
/// substep every flying vehicle's controller runs, then the swarm's interactions (from the
/// states at the substep's start) and dynamics, then each vehicle's scene collision query and
/// tilt check. A finished vehicle stays frozen where it ended (still an obstacle to the others)
/// while the others fly on. Results are bit-identical for any `workers`.
public struct SwarmEnv: Sendable {
    public let model: SwarmModel
    public var state: SwarmState
    /// Worker threads for the swarm's interaction passes and the cameras (>= 1).
    public var workers: Int

    /// A new swarm environment (call `reset` before `step`).
    public init(model: SwarmModel, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.model = model
        self.state = SwarmState(model: model)
        self.workers = max(1, workers)
    }

    /// Starts a new episode from `seed` and returns every vehicle's observation. Throws
    /// `InputError` when the layout at the drawn spawn puts a vehicle in an obstacle, in the
    /// ground or outside the world (the state is then unchanged).
    @discardableResult
    public mutating func reset(seed: UInt64) throws -> [Observation] {
        try SwarmDynamics.reset(model, &state, seed: seed, workers: workers)
        return state.vehicles.map(\.observation)
    }

    /// Advances every unfinished vehicle one control step, vehicle i under `actions[i]`.
    /// Stepping once every vehicle has finished is a programming error (check `state.done`).
    @discardableResult
    public mutating func step(_ actions: [EnvAction]) -> SwarmStepResult {
        SwarmDynamics.step(model, &state, actions, workers: workers)
    }
}
