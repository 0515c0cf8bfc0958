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

/// What `reset` and `step` return.
///
/// `frames`: the last `frameStack` gray images, `[frameStack][height][width]` bytes, oldest
/// first, row 0 at the top (GtS scales them as (x - 128) / 128). `depth`: the newest frame's
/// planar depth `[height][width]` metres when enabled, else empty. After `reset` every slot holds
/// the first image.
public struct Observation: Sendable, Equatable {
    public var frames: [UInt8]
    public var depth: [Float]
    public var robot: RobotObservation
    /// Control steps taken in this episode.
    public var step: Int

    public init(frames: [UInt8], depth: [Float], robot: RobotObservation, step: Int) {
        self.frames = frames
        self.depth = depth
        self.robot = robot
        self.step = step
    }
}
