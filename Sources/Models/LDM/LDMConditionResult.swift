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

    /// Mean per-episode fraction of OOD steps (t interval, clipped to [0, 1]: a fraction).
    public var oodFraction: ConfidenceInterval { LDMConditionResult.interval(episodes.map(\.oodFraction), within: 0...1) }

    /// Fraction of all steps that were OOD (pooled, Wilson; steps within an episode are correlated,
    /// so prefer `oodFraction` for the interval).
    public var pooledOODFraction: ConfidenceInterval {
        Statistics.wilsonInterval(successes: episodes.reduce(0) { $0 + $1.oodSteps }, trials: max(1, episodes.reduce(0) { $0 + $1.steps }))
    }

    /// Mean task progress (t interval).
    public var progress: ConfidenceInterval { LDMConditionResult.interval(episodes.map(\.progress)) }

    /// Mean model error along the path (t interval, lower bound clipped at 0: an error norm).
    public var modelError: ConfidenceInterval { LDMConditionResult.interval(episodes.map(\.modelError), within: 0...Double.infinity) }

    /// Fraction of steps that fell back (pooled).
    public var fallbackFraction: Double {
        Double(episodes.reduce(0) { $0 + $1.fallbackSteps }) / Double(max(1, episodes.reduce(0) { $0 + $1.steps }))
    }

    /// `meanInterval` that stays finite for constant values and single episodes; with `within`,
    /// the bounds are clipped to the quantity's possible range (a t interval can reach past it).
    static func interval(_ x: [Double], within range: ClosedRange<Double>? = nil) -> ConfidenceInterval {
        guard x.count > 1 else {
            let v = x.first ?? .nan
            return ConfidenceInterval(estimate: v, lower: v, upper: v, level: 0.95)
        }
        if Statistics.variance(x) == 0 { return ConfidenceInterval(estimate: x[0], lower: x[0], upper: x[0], level: 0.95) }
        var ci = Statistics.meanInterval(x)
        if let range {
            ci.lower = min(max(ci.lower, range.lowerBound), range.upperBound)
            ci.upper = min(max(ci.upper, range.lowerBound), range.upperBound)
        }
        return ci
    }
}
