import Foundation
import Planning

/// The greedy baseline: a candidate is admissible when p(s, a_0) >= c now (energy
/// E = -log p <= -log c); fallback argmin E = argmax p. It looks one step ahead only, so dense
/// actions that lead inevitably to sparse states are allowed.
public struct GreedyDensityFilter: DensitySafetyFilter {
    public let density: any DensityModel
    public let stateDim: Int
    public var state: [Float]
    public let level: DensityLevel
    public var threshold: Float { level.threshold }
    let workspace = DensityWorkspace()
    var rows: [Float] = []

    public init(density: any DensityModel, stateDim: Int, level: DensityLevel, state: [Float]? = nil) {
        precondition(stateDim > 0 && stateDim < density.dimension, "GreedyDensityFilter needs 0 < S < density dimension")
        self.density = density
        self.stateDim = stateDim
        self.level = level
        self.state = state ?? [Float](repeating: 0, count: stateDim)
    }

    /// Writes E(state, first action) = -log p per candidate.
    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        precondition(stateDim + actionDim == density.dimension && state.count == stateDim, "GreedyDensityFilter sizes disagree with the density")
        firstActionRows(state: state, actions: actions, count: count, horizon: horizon, actionDim: actionDim, into: &rows)
        rows.withUnsafeBufferPointer { r in
            density.logDensity(UnsafeBufferPointer(rebasing: r[0..<(count * density.dimension)]), count: count,
                               into: costs, workspace: workspace)
        }
        for i in 0..<count { costs[i] = -costs[i] }
    }
}
