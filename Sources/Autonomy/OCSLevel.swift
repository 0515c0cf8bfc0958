import Foundation
import Models

/// One model's measurements at one ladder level, one value per test sample.
public struct OCSModelLevel: Sendable, Equatable {
    /// Mean |output - OCS| over the model's outputs (rewards, or collision probabilities).
    public var distance: [Double] = []
    /// Euclidean norm of the penultimate features.
    public var featureNorm: [Double] = []
    public var abstained: [Bool] = []
    /// Reward of the decision (+1 right, -4 wrong, 0 abstain by default).
    public var reward: [Double] = []
    /// Mean of each output over the samples (rewards, or collision probabilities): where the
    /// predictions sit relative to the OCS.
    public var meanOutputs: [Double] = []
}

/// Measurements of both models at one (rung, severity).
public struct OCSLevel: Sendable, Equatable {
    public var rung: OCSRung
    public var severity: Int
    /// Indexed like `OCSResult.models` (reward regression, then the classifier).
    public var models: [OCSModelLevel]
    /// Fraction of (sample, primitive) pairs that collide at this level.
    public var collisionRate: Double
}
