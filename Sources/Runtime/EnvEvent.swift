import Geometry
import Physics

/// Why an episode ended or what happened during one control step.
public enum EnvEvent: Sendable, Equatable, Hashable {
    /// Contact of the robot's collision shape with `obstacle` (scene index; -1 = ground) at the
    /// body `position` of the first physics substep in contact.
    case collision(obstacle: Int, position: Vec3)
    /// |roll| or |pitch| beyond the tilt limit (quadrotors), counted as a collision.
    case tilt(roll: Double, pitch: Double, position: Vec3)
    /// A non-finite action (counted in `EnvState.badActions`), or the physics reported
    /// non-finite numbers or divergence (counted in its warnings): never a crash; the episode is
    /// truncated.
    case numericalReset
    /// The robot left the scene's flight volume.
    case leftBounds
    /// Simulated time or path-length limit reached.
    case timeLimit
    case distanceLimit
}
