import Autonomy
import Models

/// The policies `swiftlet fly --ocs` can fly (`--ocs-policy`): the OCS experiment's two models
/// (METHODS.md 4) and the hedging experiment's three fine-tuned arms (METHODS.md 5).
public enum OCSFlyPolicyName: String, CaseIterable, Sendable {
    /// OCS reward regression with an abstain output (hover when abstain has the highest reward).
    case regression
    /// OCS safety classifier with the validation-tuned P(safe) threshold.
    case threshold
    /// Hedging arms: labels unchanged / unfamiliar examples relabelled to hover / to primitive 4.
    case standard, hedge, control

    /// The OCS model kind, for the two OCS policies.
    public var ocsKind: OCSModelKind? {
        switch self {
        case .regression: .rewardRegression
        case .threshold: .safetyClassifier
        default: nil
        }
    }

    /// The hedging arm, for the three hedging policies.
    public var arm: HedgingArm? { HedgingArm(rawValue: rawValue) }

    /// The checkpoint file an experiment directory holds for this policy.
    public var fileName: String { ocsKind.map { "\($0.rawValue).safetensors" } ?? HedgingCheckpoint.fileName(arm!) }

    /// The experiment that writes it.
    public var experiment: String { ocsKind == nil ? "swiftlet experiment hedging" : "swiftlet experiment ocs" }
}
