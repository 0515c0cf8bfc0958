import Foundation
import Planning

/// The LDM filter of METHODS.md section 3: a candidate is admissible when G(s, a_0) <= -log c;
/// with `ConstrainedCost`, when none is, the planner falls back to argmin G(s, a_0). Keeping
/// G <= -log c at every step keeps p(s_t, a_t) >= c forever (up to the learned G's error).
public struct LDMFilter: DensitySafetyFilter {
    public let ldm: LearnedLDM
    public var state: [Float]
    public let level: DensityLevel
    public var threshold: Float { level.threshold }
    let workspace = DensityWorkspace()
    var rows: [Float] = []

    public init(ldm: LearnedLDM, level: DensityLevel, state: [Float]? = nil) {
        self.ldm = ldm
        self.level = level
        self.state = state ?? [Float](repeating: 0, count: ldm.stateDim)
    }

    /// Writes G(state, first action) per candidate.
    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        precondition(actionDim == ldm.actionDim && state.count == ldm.stateDim, "LDMFilter sizes disagree with the LDM")
        firstActionRows(state: state, actions: actions, count: count, horizon: horizon, actionDim: actionDim, into: &rows)
        rows.withUnsafeBufferPointer { r in
            ldm.values(UnsafeBufferPointer(rebasing: r[0..<(count * (state.count + actionDim))]), count: count,
                       into: costs, workspace: workspace)
        }
    }
}
