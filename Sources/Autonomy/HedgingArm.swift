/// The three fine-tuning arms of the hedging experiment (docs/hedging.md), all from the same
/// pre-trained weights, differing only in the labels of the unfamiliar fine-tuning examples.
public enum HedgingArm: String, Codable, Sendable, CaseIterable {
    /// Labels unchanged.
    case standard
    /// Unfamiliar examples relabelled to hover (the safe action).
    case hedge
    /// Unfamiliar examples relabelled to the settings' control action (a fixed primitive).
    case control

    /// The class the arm relabels unfamiliar examples to (nil = none), with K primitives.
    public func relabelAction(actions: Int, controlAction: Int) -> Int? {
        switch self {
        case .standard: nil
        case .hedge: actions
        case .control: controlAction
        }
    }
}
