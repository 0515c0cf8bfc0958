import Geometry

/// What the quadrotor controller is asked to track. Angles in radians, rates in rad/s, world
/// frame z-up.
public enum FlightCommand: Sendable, Equatable, Hashable {
    /// Fly to `position` (m, world) and hold heading `yaw`.
    case position(Vec3, yaw: Double)
    /// Track world velocity (m/s) while turning at `yawRate`.
    case velocity(Vec3, yawRate: Double)
    /// The GtS action space: forward speed along the heading (m/s) and yaw rate, holding `altitude` (m).
    case forward(speed: Double, yawRate: Double, altitude: Double)
}
