import Foundation
import Geometry

/// Training targets of one HInt sample, computed from an episode's pose trace.
///
/// An episode has poses p_0..p_T (x, y, yaw in the world frame) around T control steps; step c
/// (action a_c, from p_c to p_{c+1}) ended in a collision, or c = nil. For a sample at time t
/// and offsets h = 1..H:
/// - `poses[h-1]` = p_{t+h} in the body frame of p_t: (dx forward, dy left, dyaw), metres and
///   radians, yaw unwrapped step by step (a 360-degree turn is 2 pi, not 0). Past the trace's
///   end or the collision the robot stopped; the target continues the last step's motion
///   (constant twist), i.e. where the robot was heading, so a stop never tells perception
///   that a collision happened.
/// - `labels[h-1]` = 1 iff a collision happened at or before step t + h (c + 1 <= t + h).
/// - `mask[h-1]` = 1 iff t + h <= T, or the episode ended in a collision (the outcome is known).
public enum HIntLabels {
    /// The pose `b` in the frame of `a` (dx, dy along a's forward/left axes, dyaw wrapped).
    @inlinable public static func relative(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        let dx = b.x - a.x, dy = b.y - a.y
        let c = cos(a.z), s = sin(a.z)
        return SIMD3(c * dx + s * dy, -s * dx + c * dy, wrapAngle(b.z - a.z))
    }

    /// Composes a relative motion `d` onto pose `p` (both (x, y, yaw)).
    @inlinable public static func compose(_ p: SIMD3<Double>, _ d: SIMD3<Double>) -> SIMD3<Double> {
        let c = cos(p.z), s = sin(p.z)
        return SIMD3(p.x + c * d.x - s * d.y, p.y + s * d.x + c * d.y, p.z + d.z)
    }

    /// Targets of sample `t` of a trace (`trace.count` = T + 1 poses), horizon `horizon`.
    public static func compute(trace: [SIMD3<Double>], collisionStep: Int?, t: Int, horizon: Int)
        -> (poses: [SIMD3<Double>], labels: [Float], mask: [Float]) {
        let T = trace.count - 1
        precondition(t >= 0 && t < max(T, 1) && horizon > 0, "sample \(t) outside a trace of \(T) steps")
        // the last real index usable before the stop (the contact pose is real, then it stops)
        let lastReal = collisionStep.map { min($0 + 1, T) } ?? T
        // unwrapped world poses up to lastReal, then constant-twist continuation
        var world: [SIMD3<Double>] = [trace[t]]
        var cur = trace[t]
        // the continuation repeats the last full step (the contact step itself is cut short)
        let fullEnd = collisionStep.map { min($0, T) } ?? T
        let twist = fullEnd >= 1 ? relative(trace[fullEnd - 1], trace[fullEnd]) : SIMD3<Double>(0, 0, 0)
        for k in (t + 1)...(t + horizon) {
            if k <= lastReal {
                let d = relative(trace[k - 1], trace[k])
                cur = SIMD3(trace[k].x, trace[k].y, cur.z + d.z)
            } else {
                cur = compose(cur, twist)
            }
            world.append(cur)
        }
        var poses: [SIMD3<Double>] = [], labels: [Float] = [], mask: [Float] = []
        let c0 = cos(trace[t].z), s0 = sin(trace[t].z)
        for h in 1...horizon {
            let p = world[h]
            let dx = p.x - trace[t].x, dy = p.y - trace[t].y
            poses.append(SIMD3(c0 * dx + s0 * dy, -s0 * dx + c0 * dy, p.z - trace[t].z))
            let hit = collisionStep.map { $0 + 1 <= t + h } ?? false
            labels.append(hit ? 1 : 0)
            mask.append(t + h <= T || collisionStep != nil ? 1 : 0)
        }
        return (poses, labels, mask)
    }
}
