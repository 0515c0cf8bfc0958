import Foundation

/// The risk-model half of the hedging experiment (METHODS.md 5, docs/hedging.md "Risk model"):
/// a safety classifier pre-trained and fine-tuned on the hedging data in two arms (standard
/// collision labels; unfamiliar examples relabelled to "every primitive collides"), then flown
/// by the OCS closed-loop planner in held-out worlds. Off unless `enabled`.
public struct HedgingRiskSettings: Codable, Sendable, Equatable {
    public var enabled = false
    /// Positive-class weight of the classifier's loss (as the OCS safety classifier).
    public var positiveWeight = 10.0
    /// Flights of both arms (paired episode seeds); `episodesPerWorld` 0 = open loop only.
    public var flights: OCSClosedLoopSettings = {
        var c = OCSClosedLoopSettings()
        c.severities = [0]
        return c
    }()
    /// The planner's threshold per arm (`shared` is the declared planner).
    public var planner = HedgingRiskPlanner.shared
    /// Paired bootstrap resamples (over episodes) of the flight figures' intervals.
    public var bootstrapResamples = 2000
    public init() {}
}
