import Geometry

/// A sphere moving at constant velocity: how the privileged planner sees another vehicle of a
/// swarm. World frame, metres, m/s.
///
/// The planner propagates it over its horizon at `velocity` (constant velocity: the other
/// vehicle's own next turns are its own planner's, unknown here; replanning every control tick
/// corrects the guess), and a rollout substep collides when the robot's position at time `t`
/// after the plan's start comes within `radius` plus the robot's own bounding radius plus the
/// planner's `margin` of `position(after: t)`.
///
/// ```swift
/// let other = MovingObstacle(position: Vec3(3, 0, 0.6), velocity: Vec3(-1, 0, 0), radius: 0.061)
/// other.position(after: 0.5)   // (2.5, 0, 0.6)
/// ```
public struct MovingObstacle: Sendable, Equatable {
    /// Centre now, m (a vehicle's body position).
    public var position: Vec3
    /// Velocity, m/s (zero for a vehicle frozen where it finished).
    public var velocity: Vec3
    /// Radius of the sphere, m (a vehicle's collision-shape bounding radius).
    public var radius: Double

    public init(position: Vec3, velocity: Vec3, radius: Double) {
        self.position = position
        self.velocity = velocity
        self.radius = radius
    }

    /// The centre `t` seconds from now at constant velocity, m.
    @inlinable public func position(after t: Double) -> Vec3 { position + velocity * t }
}
