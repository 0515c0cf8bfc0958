/// Collision-by-step-h labels (METHODS.md section 1, H = 12).
///
/// An episode of `length` T control steps executes actions a_0 ... a_{T-1}; `collisionStep` c is
/// the step whose transition ended in a collision (then c = T - 1), or nil if the episode ended
/// without one (time, distance, bounds, budget). For the sample at step t and offset h
/// (0 <= h < H):
/// - label y[t][h] = 1 if a collision happened at or before step t + h (c != nil and c <= t + h);
/// - mask m[t][h] = 1 if the label is known: t + h < T, or the episode ended in a collision (after
///   a collision the robot stays crashed, so y = 1 is known beyond the end). Steps past the end
///   of an episode without a collision are masked out (m = 0, y = 0).
public enum CollisionLabels {
    /// Labels and masks `[length][horizon]` (row-major, 0/1 bytes).
    public static func compute(length: Int, collisionStep: Int?, horizon: Int) -> (labels: [UInt8], masks: [UInt8]) {
        precondition(length >= 0 && horizon > 0)
        precondition(collisionStep == nil || (0..<length).contains(collisionStep!), "collision step outside the episode")
        var labels = [UInt8](repeating: 0, count: length * horizon)
        var masks = [UInt8](repeating: 0, count: length * horizon)
        for t in 0..<length {
            for h in 0..<horizon {
                let s = t + h
                if let c = collisionStep {
                    labels[t * horizon + h] = c <= s ? 1 : 0
                    masks[t * horizon + h] = 1
                } else {
                    masks[t * horizon + h] = s < length ? 1 : 0
                }
            }
        }
        return (labels, masks)
    }
}
