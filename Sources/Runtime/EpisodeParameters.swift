import Physics
import Rendering

/// One episode's draw from a `DomainProfile`.
public struct EpisodeParameters: Sendable, Equatable {
    /// Simulated-vehicle perturbation (the controller keeps nominal values).
    public var scales: DynamicsScales
    /// Multiplier on commanded yaw rates.
    public var yawRateGain: Double
    /// Mean wind and gust parameters.
    public var wind: WindParameters
    /// This episode's appearance.
    public var appearance: AppearanceProfile

    public init(scales: DynamicsScales, yawRateGain: Double, wind: WindParameters, appearance: AppearanceProfile) {
        self.scales = scales
        self.yawRateGain = yawRateGain
        self.wind = wind
        self.appearance = appearance
    }
}
