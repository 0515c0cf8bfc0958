import Geometry

/// The robot's true state as an observation (world frame, SI units). Policies that are not
/// privileged should use only `velocity`-free parts a real robot could estimate; the privileged
/// planner reads it all.
public struct RobotObservation: Sendable, Equatable, Hashable {
    /// Simulated time, s.
    public var time: Double
    /// Body position (m) and attitude (q_WB, body to world).
    public var position: Vec3
    public var attitude: Quaternion
    /// World velocity, m/s, and body rates, rad/s.
    public var velocity: Vec3
    public var bodyRate: Vec3

    public init(time: Double, position: Vec3, attitude: Quaternion, velocity: Vec3, bodyRate: Vec3) {
        self.time = time
        self.position = position
        self.attitude = attitude
        self.velocity = velocity
        self.bodyRate = bodyRate
    }

    /// Heading, rad.
    @inlinable public var yaw: Double { attitude.yaw }
    /// Body pose in the world.
    @inlinable public var pose: Pose { Pose(position: position, orientation: attitude) }
}
