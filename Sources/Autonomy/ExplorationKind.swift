/// Which exploration policy `collect` runs.
public enum ExplorationKind: Sendable, Equatable {
    /// Uniformly random yaw-rate sequences of the label horizon.
    case uniformSequences
    /// Gaussian noise around a base policy, sigma (fraction of the yaw-rate limit) on a schedule.
    case gaussian(base: PolicySpecName, sigma: LinearSchedule)
    /// Epsilon-greedy around a base policy.
    case epsilonGreedy(base: PolicySpecName, epsilon: LinearSchedule)

    /// Default schedules (docs/runtime.md): sigma 0.5 -> 0.1 and epsilon 1.0 -> 0.1 over the shard.
    public static func gaussianDefault(base: PolicySpecName, steps: Int) -> ExplorationKind {
        .gaussian(base: base, sigma: LinearSchedule(start: 0.5, end: 0.1, steps: steps))
    }
    public static func epsilonDefault(base: PolicySpecName, steps: Int) -> ExplorationKind {
        .epsilonGreedy(base: base, epsilon: LinearSchedule(start: 1.0, end: 0.1, steps: steps))
    }
}

/// A policy name resolved through a `PolicyRegistry` when collection starts.
public typealias PolicySpecName = String
