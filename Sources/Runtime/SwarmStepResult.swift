/// One vehicle's share of a swarm step: `StepResult`'s fields with swarm events.
public struct SwarmVehicleStep: Sendable {
    /// The vehicle's observation after the step (frames only when the swarm renders cameras).
    public var observation: Observation
    /// Horizontal path length flown during the step, m.
    public var reward: Double
    /// Ended by a collision (obstacle, ground, tilt or another vehicle): the vehicle is frozen.
    public var terminated: Bool
    /// Cut by a limit (time, distance, bounds, numerical reset): the vehicle is frozen.
    public var truncated: Bool
    public var events: [SwarmEvent]

    public init(observation: Observation, reward: Double, terminated: Bool, truncated: Bool, events: [SwarmEvent]) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.events = events
    }

    /// Terminated or truncated.
    @inlinable public var done: Bool { terminated || truncated }
    /// Whether the step ended in a collision of any kind.
    public var collided: Bool { events.contains { $0.isCollision } }
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
