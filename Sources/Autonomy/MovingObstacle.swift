import Geometry
import Runtime
import World

/// An upright cylinder moving at constant horizontal velocity: how the privileged planner sees
/// another vehicle of a swarm. World frame, metres, m/s.
///
/// The planner propagates it over its horizon at `velocity` in x and y (constant velocity: the
/// other vehicle's own next turns are its own planner's, unknown here; replanning every control
/// tick corrects the guess). Its altitude is not extrapolated at constant velocity: every vehicle
/// of a swarm flying `.yawRate` actions is commanded the same altitude and its controller holds
/// it, so `altitude(after:holding:)` lets it move only toward that altitude and stop there (a
/// vertical-speed transient away from it is not carried over the horizon). A rollout substep
/// collides when the robot is within `radius` plus its own horizontal radius plus the planner's
/// `margin` of it horizontally and within `halfHeight` plus its own half height plus twice the
/// planner's `altitudeTolerance` vertically: the margin is horizontal, as around the scene, and
/// the vertical band covers both vehicles' altitude-hold error.
///
/// ```swift
/// let other = MovingObstacle(position: Vec3(3, 0, 0.7), velocity: Vec3(-1, 0, -0.1), radius: 0.06, halfHeight: 0.0125)
/// other.position(after: 0.5)                   // (2.5, 0, 0.65): constant velocity
/// other.altitude(after: 2, holding: 0.6)       // 0.6: sinks to the held altitude and stays there
/// other.altitude(after: 2, holding: 0.8)       // 0.7: moving away from 0.8 is a transient
/// ```
public struct MovingObstacle: Sendable, Equatable {
    /// Centre now, m (a vehicle's body position).
    public var position: Vec3
    /// Velocity, m/s (zero for a vehicle frozen where it finished).
    public var velocity: Vec3
    /// Horizontal radius of the cylinder, m (a vehicle's collision-shape radius).
    public var radius: Double
    /// Half the cylinder's height, m (half a vehicle's collision-shape height).
    public var halfHeight: Double

    public init(position: Vec3, velocity: Vec3, radius: Double, halfHeight: Double) {
        self.position = position
        self.velocity = velocity
        self.radius = radius
        self.halfHeight = halfHeight
    }

    /// A vehicle of `model`'s robot at body `position` moving at `velocity`: its collision
    /// shape's horizontal radius (a box's at any yaw) and half height.
    public static func vehicle(_ model: EnvModel, position: Vec3, velocity: Vec3) -> MovingObstacle {
        MovingObstacle(position: position, velocity: velocity, radius: horizontalRadius(model.shape), halfHeight: model.shapeHalfHeight)
    }

    /// The radius of the smallest vertical cylinder around `shape` at any yaw, m.
    public static func horizontalRadius(_ shape: World.CollisionShape) -> Double {
        switch shape {
        case .cylinder(let r, _): return r
        case .sphere(let r): return r
        case .box(let e): return (e.x * e.x + e.y * e.y).squareRoot()
        }
    }

    /// The centre `t` seconds from now at constant velocity, m.
    @inlinable public func position(after t: Double) -> Vec3 { position + velocity * t }

    /// The centre's altitude `t` seconds from now for a vehicle whose controller holds altitude
    /// `held`, m: it moves at its vertical velocity while that takes it toward `held`, stops
    /// there, and stays where it is when its vertical velocity points away from `held`.
    @inlinable public func altitude(after t: Double, holding held: Double) -> Double {
        let z = position.z, vz = velocity.z
        if vz > 0 && z < held { return min(held, z + vz * t) }
        if vz < 0 && z > held { return max(held, z + vz * t) }
        return z
    }
}
