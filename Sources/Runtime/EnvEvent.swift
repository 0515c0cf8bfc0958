import Geometry
import Physics

/// Why an episode ended or what happened during one control step.
public enum EnvEvent: Sendable, Equatable, Hashable {
    /// Contact of the robot's collision shape with `obstacle` (scene index; -1 = ground) at the
    /// body `position` of the first physics substep in contact.
    case collision(obstacle: Int, position: Vec3)
    /// |roll| or |pitch| beyond the tilt limit (quadrotors), counted as a collision.
    case tilt(roll: Double, pitch: Double, position: Vec3)
    /// The physics reported non-finite numbers or divergence and reset the vehicle (a counted
    /// warning, never a crash); the episode is truncated.
    case numericalReset
    /// The robot left the scene's flight volume.
    case leftBounds
    /// Simulated time or path-length limit reached.
    case timeLimit
    case distanceLimit
}

/// The Gymnasium-style result of one `step`.
public struct StepResult: Sendable {
    /// Observation after the step.
    public var observation: Observation
    /// Path length flown during the step, m (horizontal).
    public var reward: Double
    /// The episode ended by a collision (contact or tilt): the state is absorbing.
    public var terminated: Bool
    /// The episode was cut by a limit (time, distance, bounds, numerical reset).
    public var truncated: Bool
    /// What happened (empty on an ordinary step).
    public var events: [EnvEvent]

    public init(observation: Observation, reward: Double, terminated: Bool, truncated: Bool, events: [EnvEvent]) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.events = events
    }

    /// Terminated or truncated.
    @inlinable public var done: Bool { terminated || truncated }

    /// Whether the step ended in a collision (contact or tilt).
    public var collided: Bool {
        events.contains { if case .collision = $0 { return true }; if case .tilt = $0 { return true }; return false }
    }
}

/// A command for one control step.
public enum EnvAction: Sendable, Equatable, Hashable {
    /// GtS action: yaw rate (rad/s, + left); forward speed and altitude come from the settings.
    /// Ground robots drive at the forward speed (Ackermann cars steer to the yaw rate).
    case yawRate(Double)
    /// Any vehicle command, passed through unchanged.
    case vehicle(VehicleCommand)
}
