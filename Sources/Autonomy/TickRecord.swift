import Runtime

/// What one tick of a runner looked like, for recorders and viewers (`TickObserver`).
public struct TickRecord: Sendable {
    /// Parallel lane (collection) or work item (evaluation) that produced it.
    public var lane: Int
    /// Episode counter within the lane, the world's index, and the episode's reset seed.
    public var episode: Int
    public var world: Int
    public var seed: UInt64
    /// Observation the action was chosen from, the action (yaw rate, rad/s) and the result.
    public var observation: Observation
    public var action: Double
    public var result: StepResult
}

/// Called once per control tick from worker threads (lanes run concurrently): a recorder must
/// synchronise itself (or keep one writer per lane).
public typealias TickObserver = @Sendable (TickRecord) -> Void
