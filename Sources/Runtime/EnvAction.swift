import Physics

/// A command for one control step.
public enum EnvAction: Sendable, Equatable, Hashable {
    /// GtS action: yaw rate (rad/s, + left); forward speed and altitude come from the settings.
    /// Ground robots drive at the forward speed (Ackermann cars steer to the yaw rate).
    case yawRate(Double)
    /// Any vehicle command, passed through unchanged.
    case vehicle(VehicleCommand)
}
