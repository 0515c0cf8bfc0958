/// A manual flight command as setpoints for the same velocity controller the autopilot uses.
///
/// Velocities are in the robot's heading frame (yaw only, horizontal): `forward` along the
/// heading, `left` to its left, in m/s; `climbRate` is the vertical velocity in m/s (up
/// positive); `yawRate` is in rad/s (counter-clockwise seen from above positive).
public struct PilotInput: Sendable, Equatable {
    public var forward: Double
    public var left: Double
    public var climbRate: Double
    public var yawRate: Double

    public init(forward: Double = 0, left: Double = 0, climbRate: Double = 0, yawRate: Double = 0) {
        self.forward = forward
        self.left = left
        self.climbRate = climbRate
        self.yawRate = yawRate
    }

    /// No motion requested: hover in place.
    public static let hover = PilotInput()

    /// True when every setpoint is zero.
    public var isHover: Bool { forward == 0 && left == 0 && climbRate == 0 && yawRate == 0 }
}

/// Full-stick magnitudes for manual flight.
public struct PilotLimits: Sendable, Equatable {
    /// Horizontal speed at full stick (m/s).
    public var speed: Double
    /// Vertical speed at full stick (m/s).
    public var climbRate: Double
    /// Yaw rate at full stick (rad/s).
    public var yawRate: Double

    public init(speed: Double = 1.5, climbRate: Double = 0.8, yawRate: Double = 1.5) {
        self.speed = speed
        self.climbRate = climbRate
        self.yawRate = yawRate
    }
}
