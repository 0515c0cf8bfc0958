import Diagnostics
import Foundation
import Models
import Neural

/// One arm of the risk model.
public struct HedgingRiskArmResult: Sendable {
    public var arm: HedgingRiskArm
    /// The weights fine-tuning started from (the base classifier's, copied).
    public var startParameters: Parameters
    public var model: OCSModel
    public var losses: [Double]
    /// Fine-tuning examples whose collision labels differ from the standard ones.
    public var changedRows: Int
    /// The planner's abstain threshold on P(safe), the same for both arms: the OCS rule
    /// (`OCSDecisions.bestThreshold`) on the standard arm's outputs on the in-distribution test
    /// scenes. This arm's mean reward and abstain rate there with it.
    public var threshold: Double
    /// The threshold the OCS rule would give this arm's own outputs (reported, not flown).
    public var ownThreshold: Double
    public var validationReward: Double
    public var validationAbstainRate: Double
    /// Open loop on the held-out test scenes: decisions that abstain, and flown primitives that collide.
    public var heldOutScenes: Int
    public var heldOutAbstain: Int
    public var heldOutFlownCollide: Int
    /// Flights per severity (empty when no flights were made).
    public var flights: [OCSClosedLoopRow]
}

/// Flight figures of both arms, pooled over episodes (optionally one severity), with paired
/// bootstrap intervals (resampling episodes, the same draws for both arms).
public struct HedgingRiskComparison: Sendable {
    /// `nil` = pooled over every flown severity.
    public var severity: Int?
    public var episodes: Int
    public var collisions: [Int]
    public var kilometres: [Double]
    /// Collisions per km, per arm (standard, conservative).
    public var collisionsPerKm: [ConfidenceInterval]
    /// Mean path length per episode, m, per arm.
    public var pathLength: [ConfidenceInterval]
    /// 1 - conservative / standard collisions per km (NaN when the standard arm never collided;
    /// bootstrap draws where it did not are dropped, counted in `undefinedDraws`).
    public var collisionReduction: ConfidenceInterval
    public var undefinedDraws: Int
    /// 1 - conservative / standard total path length.
    public var progressLoss: ConfidenceInterval

    /// The declared target: collisions per km cut by >= 30 % at <= 10 % loss of progress (point estimates).
    public var targetMet: Bool { collisionReduction.estimate >= 0.3 && progressLoss.estimate <= 0.1 }
}

/// Everything the risk-model part measured.
public struct HedgingRiskResult: Sendable {
    public var settings: HedgingRiskSettings
    public var basePretrainLosses: [Double]
    /// The fine-tuning set's p under the base classifier and the split (p <= threshold).
    public var finetuneP: [Double]
    public var unfamiliar: [Bool]
    public var baseParameters: Parameters
    public var arms: [HedgingRiskArmResult]
    /// Pooled over severities first, then one per severity (empty without flights).
    public var comparisons: [HedgingRiskComparison]

    public func arm(_ a: HedgingRiskArm) -> HedgingRiskArmResult { arms.first { $0.arm == a }! }
}
