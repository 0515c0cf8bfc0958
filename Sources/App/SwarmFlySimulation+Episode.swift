import Geometry
import Runtime

/// How one vehicle of a headless swarm episode started and ended (`SwarmFlySimulation.runEpisode`).
public struct SwarmVehicleOutcome: Sendable, Equatable {
    /// Index of the vehicle in the swarm.
    public var vehicle: Int
    /// Start position (world frame, m) and heading (rad).
    public var start: Vec3
    public var startYaw: Double
    /// Horizontal path length flown before the vehicle ended, m.
    public var distance: Double
    /// Ended by a collision with the world (obstacle, ground or tilt), by a contact with another
    /// vehicle (both can happen in the same step), or neither (a time or distance limit).
    public var worldCollision: Bool
    public var vehicleContact: Bool
    /// Control ticks the vehicle flew.
    public var ticks: Int
}

extension SwarmFlySimulation {
    /// Flies one whole episode headless: starts it from the first clear seed at or after `first`
    /// (as `restart` picks it; the flown seed is `seed` afterwards), ticks every vehicle's
    /// autopilot until each has ended (collision, contact or an env limit), and returns one
    /// outcome per vehicle. The episode depends only on the config and the seed, not on what
    /// ran before, so paired comparisons can fly the same seed with different policies.
    public mutating func runEpisode(from first: UInt64) throws -> [SwarmVehicleOutcome] {
        try finish()
        try start(from: first)
        let starts = env.state.vehicles.map(\.observation.robot)
        var worldCollision = [Bool](repeating: false, count: model.count)
        var contact = worldCollision
        while !isDone {
            for (i, r) in tick().vehicles.enumerated() {
                guard let r else { continue }
                if r.result.collided { worldCollision[i] = true }
                if r.contact != nil { contact[i] = true }
            }
        }
        return starts.indices.map { i in
            let v = env.state.vehicles[i]
            return SwarmVehicleOutcome(vehicle: i, start: starts[i].position, startYaw: starts[i].yaw, distance: v.distance,
                                       worldCollision: worldCollision[i], vehicleContact: contact[i], ticks: v.controlSteps)
        }
    }
}
