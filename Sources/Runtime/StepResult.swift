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
