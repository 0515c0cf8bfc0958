import Foundation
import Models

/// A trained model with what the report states about it.
public struct OCSModelSummary: Sendable {
    public var model: OCSModel
    /// The OCS of each output, from the training labels.
    public var ocs: [Double]
    public var trainLosses: [Double]
    public var validationLoss: Double
    public var validationReward: Double
    public var validationAbstainRate: Double
    /// The classifier's abstain threshold on P(safe) (nil for the regression model).
    public var threshold: Double?
}

/// Everything `OCSExperiment.run` measured.
public struct OCSResult: Sendable {
    public var settings: OCSSettings
    public var trainCollisionRates: [Double]
    public var validationCollisionRates: [Double]
    public var testCollisionRates: [Double]
    public var trainCount: Int
    public var validationCount: Int
    public var testCount: Int
    /// Reward regression first, then the safety classifier.
    public var models: [OCSModelSummary]
    /// Rung by rung, severities 0 ... 5.
    public var levels: [OCSLevel]
    /// Diagnostics beyond the ladder (not targets): the clean test labels with images that carry
    /// no information, `blank` (every pixel 128, i.e. an all-zero input) and `uniform noise`
    /// (every pixel uniform in 0...255). Same order as `OCSExperiment.extremeNames`.
    public var extremes: [OCSLevel]
    /// Closed-loop flights (empty unless `settings.closedLoop.episodesPerWorld` > 0).
    public var closedLoop: [OCSClosedLoopRow] = []
}
