/// The learned pieces of an LDM experiment, ready to build filters from.
public struct LDMExperimentModels: Sendable {
    public let stateDim: Int
    public let actionDim: Int
    public let density: any DensityModel
    public let ldm: LearnedLDM
    /// Filter levels, one per requested percentile.
    public let levels: [DensityLevel]
    /// The out-of-distribution reference level.
    public let oodLevel: DensityLevel
    /// Log-densities of the training pairs (for reports).
    public let trainingLogDensities: [Double]
    /// Seconds spent fitting the density and learning G.
    public let densitySeconds: Double
    public let ldmSeconds: Double

    /// `none`, then greedy and LDM at every level.
    public var filterSpecs: [LDMFilterSpec] {
        [LDMFilterSpec(kind: .none, level: nil)]
            + levels.map { LDMFilterSpec(kind: .greedy, level: $0) }
            + levels.map { LDMFilterSpec(kind: .ldm, level: $0) }
    }

    /// The constraint for one condition (use with `ConstrainedCost(objective:constraint:threshold:)`
    /// and `threshold: filter.threshold`, or `filter.constraining(objective)`).
    public func makeFilter(_ spec: LDMFilterSpec) -> SafetyFilter {
        switch spec.kind {
        case .none: return .unfiltered(stateDim: stateDim)
        case .greedy: return .greedy(density: density, stateDim: stateDim, level: spec.level!)
        case .ldm: return .ldm(ldm, level: spec.level!)
        }
    }

    /// Whether (s, a) is out of distribution: log p(s, a) < log c_ood.
    public func isOutOfDistribution(logDensity: Double) -> Bool { logDensity < oodLevel.logLevel }
}
