import Models

/// What a policy saw and decided at one closed-loop control step.
public struct OCSClosedLoopDecision: Sendable, Equatable {
    /// The corrupted camera image the policy was given, `[H][W]` bytes.
    public var image: [UInt8]
    /// Its outputs on that image (one row).
    public var predictions: OCSPredictions
    /// The primitive flown, or nil = abstained (hovered).
    public var action: Int?

    public init(image: [UInt8], predictions: OCSPredictions, action: Int?) {
        self.image = image
        self.predictions = predictions
        self.action = action
    }
}
