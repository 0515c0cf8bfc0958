import Diagnostics

/// All episodes of one filter condition and their summaries with 95 % confidence intervals.
public struct LDMConditionResult: Sendable {
    public var spec: LDMFilterSpec
    public var episodes: [LDMEpisodeMetrics]

    public init(spec: LDMFilterSpec, episodes: [LDMEpisodeMetrics]) {
        self.spec = spec
        self.episodes = episodes
    }

    /// Crash rate (Wilson interval).
    public var crashRate: ConfidenceInterval {
        Statistics.wilsonInterval(successes: episodes.filter(\.crashed).count, trials: episodes.count)
    }

    /// Mean per-episode fraction of OOD steps (t interval).
    public var oodFraction: ConfidenceInterval { LDMConditionResult.interval(episodes.map(\.oodFraction)) }

    /// Fraction of all steps that were OOD (pooled, Wilson; steps within an episode are correlated,
    /// so prefer `oodFraction` for the interval).
    public var pooledOODFraction: ConfidenceInterval {
        Statistics.wilsonInterval(successes: episodes.reduce(0) { $0 + $1.oodSteps }, trials: max(1, episodes.reduce(0) { $0 + $1.steps }))
    }

    /// Mean task progress (t interval).
    public var progress: ConfidenceInterval { LDMConditionResult.interval(episodes.map(\.progress)) }

    /// Mean model error along the path (t interval).
    public var modelError: ConfidenceInterval { LDMConditionResult.interval(episodes.map(\.modelError)) }

    /// Fraction of steps that fell back (pooled).
    public var fallbackFraction: Double {
        Double(episodes.reduce(0) { $0 + $1.fallbackSteps }) / Double(max(1, episodes.reduce(0) { $0 + $1.steps }))
    }

    /// `meanInterval` that stays finite for constant values and single episodes.
    static func interval(_ x: [Double]) -> ConfidenceInterval {
        guard x.count > 1 else {
            let v = x.first ?? .nan
            return ConfidenceInterval(estimate: v, lower: v, upper: v, level: 0.95)
        }
        if Statistics.variance(x) == 0 { return ConfidenceInterval(estimate: x[0], lower: x[0], upper: x[0], level: 0.95) }
        return Statistics.meanInterval(x)
    }
}
