import Geometry

/// One vehicle's share of a swarm step: its step as a lone `Env` reports it, plus a contact with
/// another vehicle.
public struct SwarmVehicleStep: Sendable {
    /// Observation (frames only when the swarm renders cameras), reward, end flags and events as
    /// `Env.step` reports them; `terminated` is also set by a contact with another vehicle.
    public var result: StepResult
    /// The vehicle this one touched (the nearest touching one) and its body position then.
    public var contact: (other: Int, position: Vec3)?

    public init(result: StepResult, contact: (other: Int, position: Vec3)? = nil) {
        self.result = result
        self.contact = contact
    }

    /// Every event: the contact first, then the lone vehicle's.
    public var events: [SwarmEvent] {
        (contact.map { [SwarmEvent.vehicleContact(other: $0.other, position: $0.position)] } ?? []) + result.events.map { .env($0) }
    }
    /// Ended by a collision (obstacle, ground, tilt or another vehicle): the vehicle is frozen.
    public var terminated: Bool { result.terminated }
    /// Cut by a limit (time, distance, bounds, numerical reset): the vehicle is frozen.
    public var truncated: Bool { result.truncated }
    /// Terminated or truncated.
    public var done: Bool { result.done }
    /// Whether the step ended in a collision of any kind.
    public var collided: Bool { contact != nil || result.collided }
}

/// What `SwarmEnv.step` returns: one entry per vehicle, nil for vehicles already done before the
/// step.
public struct SwarmStepResult: Sendable {
    public var vehicles: [SwarmVehicleStep?]

    public init(vehicles: [SwarmVehicleStep?]) {
        self.vehicles = vehicles
    }

    /// Whether every vehicle stepped has finished (and those not stepped were finished before).
    public var allDone: Bool { vehicles.allSatisfy { $0?.done ?? true } }
}
