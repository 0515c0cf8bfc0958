import Foundation
import Geometry
import Physics
import Rendering
import World

/// One environment: a constant model plus its evolving state, with Gymnasium's
/// `reset(seed)` / `step(action)`.
///
/// ```swift
/// let model = try EnvModel(scene: try WorldGenerators.make("forest:3"), robot: cf2x, domain: .sim)
/// var env = Env(model: model)
/// var obs = env.reset(seed: 7)
/// while true {
///     let r = env.step(.yawRate(0))
///     if r.done { break }
/// }
/// ```
///
/// One step = one control period (`1 / controlRate`, 0.25 s by default) = `substeps` physics
/// steps; the collision shape is tested against the scene after every physics step, then the
/// camera image (taken `cameraLatency` before the end of the step) joins the frame stack.
public struct Env: Sendable {
    public let model: EnvModel
    public var state: EnvState

    /// A new environment (call `reset` before `step`).
    public init(model: EnvModel) {
        self.model = model
        self.state = EnvState(model: model)
    }

    /// Starts a new episode from `seed`: domain draw, spawn, vehicle, first image.
    @discardableResult
    public mutating func reset(seed: UInt64) -> Observation {
        EnvDynamics.reset(model, &state, seed: seed)
        return state.observation
    }

    /// Advances one control step under `action`. Stepping a finished episode is a programming
    /// error (check `done`, then `reset`).
    @discardableResult
    public mutating func step(_ action: EnvAction) -> StepResult {
        EnvDynamics.step(model, &state, action)
    }
}
