import Geometry
import Runtime

/// Something that flies the GtS action space: one yaw-rate command (rad/s, + left) per control
/// step from the current observation. Forward speed and altitude are the environment's.
///
/// Policies are values with their own state (RNG, planner warm start); the runners make one per
/// episode through a `PolicySpec` and call `reset(seed:)` before the first step.
public protocol Policy {
    /// Short name for tables ("straight", "privileged", a checkpoint file name).
    var name: String { get }
    /// Whether the policy reads ground truth a real robot would not have (world geometry, true
    /// state). Privileged policies are labelled as such in every report.
    var isPrivileged: Bool { get }
    /// Starts a new episode.
    mutating func reset(seed: UInt64)
    /// The yaw-rate command for this step, rad/s. `model` gives the settings (limits, speeds)
    /// and, for privileged policies only, the scene.
    mutating func act(_ observation: Observation, model: EnvModel) -> Double
}
