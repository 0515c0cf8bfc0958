import Geometry

/// What happened to one vehicle of a swarm during a control step.
public enum SwarmEvent: Sendable, Equatable, Hashable {
    /// Anything a lone vehicle reports (obstacle or ground collision, tilt, limits, numerical
    /// reset), as `Env` reports it.
    case env(EnvEvent)
    /// The vehicle's collision cylinder touched vehicle `other`'s (the nearest touching one) at
    /// body `position`; both are frozen and terminated.
    case vehicleContact(other: Int, position: Vec3)

    /// Whether the event is a collision of any kind (obstacle, ground, tilt or another vehicle).
    public var isCollision: Bool {
        switch self {
        case .env(.collision), .env(.tilt), .vehicleContact: return true
        default: return false
        }
    }
}
