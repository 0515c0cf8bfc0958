import Foundation
import Planning

/// A safety-filter constraint for `ConstrainedCost`: one constraint value per candidate action
/// sequence, computed for the *first* action at the current `state` (the action that will be
/// executed), batched over the planner's `[count][horizon][actionDim]` buffer.
///
/// Use it as `ConstrainedCost(objective: task, constraint: filter, threshold: filter.threshold)`
/// (or `filter.constraining(task)`); update `state` before every `plan`.
public protocol DensitySafetyFilter: SequenceCost {
    /// The current state s (`[S]`), set before each planning tick.
    var state: [Float] { get set }
    /// The admissible bound on the constraint value (nats): -log c.
    var threshold: Float { get }
}

extension DensitySafetyFilter {
    /// `objective` restricted by this filter, falling back to argmin of the constraint when no
    /// candidate is admissible.
    public func constraining<O: SequenceCost>(_ objective: O) -> ConstrainedCost<O, Self> {
        ConstrainedCost(objective: objective, constraint: self, threshold: threshold)
    }
}

/// Rows [state, first action] for every candidate of a planner batch.
@inline(__always)
func firstActionRows(state: [Float], actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                     into rows: inout [Float]) {
    let s = state.count, d = s + actionDim, stride = horizon * actionDim
    if rows.count < count * d { rows = [Float](repeating: 0, count: count * d) }
    rows.withUnsafeMutableBufferPointer { r in
        state.withUnsafeBufferPointer { st in
            for i in 0..<count {
                for k in 0..<s { r[i * d + k] = st[k] }
                for j in 0..<actionDim { r[i * d + s + j] = actions[i * stride + j] }
            }
        }
    }
}
