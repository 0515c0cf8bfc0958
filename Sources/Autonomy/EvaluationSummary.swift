import Diagnostics
import Geometry

/// Summary statistics of a set of episodes, with 95% confidence intervals.
public struct EvaluationSummary: Sendable, Equatable {
    public var episodes: Int
    /// Mean distance flown before a collision (or the end of the episode), m: bootstrap
    /// percentile interval over episodes (2000 resamples, seeded; distances are skewed and
    /// bounded below by 0, where a Student-t interval would reach below zero).
    public var distance: ConfidenceInterval
    /// Collisions per km flown: total collisions / total km, bootstrap percentile interval over
    /// episodes (2000 resamples, seeded).
    public var collisionsPerKm: ConfidenceInterval
    /// Fraction of episodes that flew the route: Wilson interval.
    public var success: ConfidenceInterval

    /// Summarises `outcomes` (non-empty); `rng` drives the bootstrap.
    public init(_ outcomes: [EpisodeOutcome], rng: inout RNG) {
        precondition(!outcomes.isEmpty)
        let d = outcomes.map(\.distance)
        let c = outcomes.map { $0.collided ? 1.0 : 0.0 }
        episodes = outcomes.count
        distance = Statistics.bootstrapInterval(d, rng: &rng)
        func rate(_ idx: [Double]) -> Double {
            var cs = 0.0, ds = 0.0
            for i in idx { cs += c[Int(i)]; ds += d[Int(i)] }
            return ds > 0 ? 1000 * cs / ds : (cs > 0 ? .infinity : 0)
        }
        collisionsPerKm = Statistics.bootstrapInterval(d.indices.map(Double.init), rng: &rng, statistic: rate)
        let wins = outcomes.filter(\.success).count
        success = Statistics.wilsonInterval(successes: wins, trials: outcomes.count)
    }
}
