import Foundation
import Models

/// A camera policy over the OCS primitives that may abstain (hover) instead of acting, as the
/// closed loop (`OCSClosedLoop`) and `swiftlet fly --ocs` fly it: the OCS experiment's reward
/// regression or threshold classifier (METHODS.md 4, docs/ocs.md), or one arm of the hedging
/// experiment's softmax policy (METHODS.md 5, docs/hedging.md). Decisions are those of
/// `OCSDecisions` and `HedgingLabels.argmax`; `nil` = abstain (hover for the step).
public enum OCSFlightPolicy: Sendable {
    /// K + 1 predicted rewards; act = argmax, abstain when it is the last output.
    case rewardRegression(OCSModel)
    /// K collision probabilities; fly the safest primitive unless its P(safe) < `threshold`.
    case classifier(OCSModel, threshold: Double)
    /// K + 1 softmax probabilities (primitives, then hover); act = argmax, hover = class K.
    case hedging(HedgingPolicy, arm: HedgingArm)

    /// The policy of an OCS experiment's trained model (the classifier's threshold, 0 if unset).
    public init(_ summary: OCSModelSummary) {
        switch summary.model.kind {
        case .rewardRegression: self = .rewardRegression(summary.model)
        case .safetyClassifier: self = .classifier(summary.model, threshold: summary.threshold ?? 0)
        }
    }

    /// K, the number of action primitives.
    public var actions: Int {
        switch self {
        case let .rewardRegression(m), let .classifier(m, _): m.actions
        case let .hedging(p, _): p.actions
        }
    }

    /// The network's input size (height, width).
    public var imageSize: (height: Int, width: Int) {
        let c: OCSNetworkConfig
        switch self {
        case let .rewardRegression(m), let .classifier(m, _): c = m.network.config
        case let .hedging(p, _): c = p.network.config
        }
        return (c.height, c.width)
    }

    /// Short name for the HUD and messages.
    public var name: String {
        switch self {
        case .rewardRegression: "OCS reward regression"
        case let .classifier(_, t): String(format: "OCS threshold classifier (P(safe) >= %.2f)", t)
        case let .hedging(_, arm): "hedging arm \(arm.rawValue)"
        }
    }

    /// Outputs for `count` images `[count][H][W]` bytes: rewards, P(collide) or class probabilities.
    public func predict(images: [UInt8], count: Int) -> OCSPredictions {
        switch self {
        case let .rewardRegression(m), let .classifier(m, _): m.predict(images: images, count: count)
        case let .hedging(p, _): p.probabilities(images: images, count: count)
        }
    }

    /// The decision for image `i` of `p`: a primitive index, or nil = abstain (hover).
    public func decide(_ p: OCSPredictions, _ i: Int) -> Int? {
        switch self {
        case .rewardRegression: return OCSDecisions.rewardRegression(p, i)
        case let .classifier(_, t): return OCSDecisions.classifier(p, i, threshold: t)
        case let .hedging(policy, _):
            let a = HedgingLabels.argmax(p, i)
            return a == policy.hover ? nil : a
        }
    }

    /// How unattractive each primitive is to the policy for image `i`, 0 (its best) ... 1, for
    /// drawing: the classifier's P(collide); the regression model's predicted reward mapped
    /// linearly from +1 (right, 0) to -4 (wrong, 1) of the reward scheme; the hedging policy's
    /// probability relative to its most probable class, `1 - p_k / max_j p_j`.
    public func risk(_ p: OCSPredictions, _ i: Int, rewards: OCSRewardScheme = OCSRewardScheme()) -> [Double] {
        let row = p.row(i).map(Double.init)
        let k = actions
        switch self {
        case .classifier:
            return Array(row.prefix(k))
        case .rewardRegression:
            return row.prefix(k).map { max(0, min(1, (rewards.right - $0) / (rewards.right - rewards.wrong))) }
        case .hedging:
            let top = row.max() ?? 1
            return row.prefix(k).map { top > 0 ? max(0, min(1, 1 - $0 / top)) : 1 }
        }
    }
}
