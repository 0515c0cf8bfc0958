/// Settings of an LDM experiment's learned parts (density, LDM, levels).
public struct LDMExperimentSettings: Sendable, Equatable, Codable {
    /// Which density model to fit.
    public enum DensityKind: String, Sendable, Equatable, Codable { case gmm, flow }

    public var density: DensityKind = .gmm
    public var gmm = GaussianMixture.Settings(components: 8, covariance: .full)
    public var flow = RealNVPFlow.Settings()
    public var ldm = LearnedLDM.Settings()
    /// Percentiles of the training log-densities that set the filter levels c.
    public var percentiles: [Double] = [1, 5, 10, 25]
    /// A step is out of distribution when p(s, a) is below this percentile's level.
    public var oodPercentile: Double = 1
    /// When set, the LDM's energy cap is -log c_ood plus this margin (nats) instead of
    /// `ldm.energyCap`: a tighter cap gives the residual networks a smaller output scale
    /// (thresholds above the cap are not meaningful then).
    public var capAboveOODLevel: Float?

    public init() {}
}
