/// The two fine-tuning arms of the risk model.
public enum HedgingRiskArm: String, Sendable, CaseIterable {
    /// Standard per-primitive collision labels.
    case standard
    /// Unfamiliar fine-tuning examples relabelled to "collides" for every primitive.
    case conservative
}
