/// A policy that can be told where the other vehicles of its swarm are, as moving obstacles,
/// before it acts. Only privileged policies should conform: the true positions and velocities
/// of the others are ground truth a camera-only robot does not have.
///
/// `swiftlet fly --swarm N` (`SwarmPolicyPilot`) calls `setNeighbours` on every conforming
/// vehicle's policy every control tick, just before `act`, with the others' states from before
/// the tick; policies that do not conform fly as they would alone.
public protocol SwarmAwarePolicy: Policy {
    /// The other vehicles for the next `act` (not this one), replacing the last tick's.
    mutating func setNeighbours(_ neighbours: [MovingObstacle])
}
