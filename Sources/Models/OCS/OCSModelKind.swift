import Foundation

/// Which of the two OCS policies a model is (METHODS.md 4, docs/ocs.md).
public enum OCSModelKind: String, Codable, Sendable, CaseIterable {
    /// K + 1 outputs, each trained by MSE to the reward of taking that action (primitives 0..<K,
    /// then abstain); act = argmax. *(authors' code)*
    case rewardRegression
    /// K sigmoid outputs = P(primitive k collides), weighted sigmoid cross-entropy (positive
    /// weight as the collision predictor); act = the safest primitive, abstain when its
    /// P(safe) is below a threshold fixed on validation data.
    case safetyClassifier
}
