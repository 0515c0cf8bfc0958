import Diagnostics
import Foundation

/// A density level c for the safety filters, chosen as a percentile of the training data's
/// log-densities: c = exp(q-th percentile of log p(s, a) over the training pairs), so q % of the
/// training pairs fall below c.
public struct DensityLevel: Sendable, Equatable, Codable {
    /// Percentile q in [0, 100] of the training log-densities.
    public var percentile: Double
    /// log c (nats).
    public var logLevel: Double
    /// c (may underflow to 0 for very negative log c; use `logLevel`).
    public var level: Double { exp(logLevel) }
    /// The filter threshold -log c on E (greedy) or G (LDM), nats.
    public var threshold: Float { Float(-logLevel) }

    public init(percentile: Double, logLevel: Double) {
        self.percentile = percentile
        self.logLevel = logLevel
    }
}

/// Maps log-density percentiles of training data to filter levels.
public enum DensityThresholds {
    /// The level at each percentile (0-100) of `trainingLogDensities` (type-7 quantiles).
    public static func levels(trainingLogDensities: [Double], percentiles: [Double]) -> [DensityLevel] {
        precondition(!trainingLogDensities.isEmpty, "DensityThresholds needs training log-densities")
        let finite = trainingLogDensities.filter { $0.isFinite }.sorted()
        return percentiles.map { q in
            precondition(q >= 0 && q <= 100, "percentile \(q) outside [0, 100]")
            return DensityLevel(percentile: q, logLevel: Statistics.quantile(sorted: finite, q / 100))
        }
    }

    /// The levels of `density` on training pairs `rows` (`[N, dimension]`).
    public static func levels(density: any DensityModel, trainingRows rows: [Double], percentiles: [Double]) -> [DensityLevel] {
        levels(trainingLogDensities: density.logDensities(rows), percentiles: percentiles)
    }
}
