import Foundation
import Models
import Planning

/// Shared pieces of the HInt baselines' planning costs: an ideal unicycle for candidate yaw-rate
/// sequences and the goal-heading term of `HIntCost`.
enum HIntKinematics {
    /// Cost weights and kinematics of one tick.
    struct Weights {
        var speed: Float, dt: Float, scale: Float, limit: Float, goal: SIMD2<Float>
        var collision: Float, goalWeight: Float, magnitude: Float, smoothness: Float
    }

    /// Poses (dx, dy, dyaw) of a unicycle at `speed` m/s following yaw rates `a[0..<horizon]`
    /// (rad/s, clamped to +-`limit`, held `dt` s each, midpoint heading; the turn rate changes
    /// instantly), written to `out[0..<3 * horizon]`.
    @inline(__always)
    static func rollout(_ a: UnsafePointer<Float>, horizon: Int, speed: Float, dt: Float, limit: Float = .infinity,
                        into out: UnsafeMutablePointer<Float>) {
        var x: Float = 0, y: Float = 0, yaw: Float = 0
        for h in 0..<horizon {
            let w = min(max(a[h], -limit), limit)
            let mid = yaw + 0.5 * w * dt
            x += speed * dt * cosf(mid); y += speed * dt * sinf(mid); yaw += w * dt
            out[3 * h] = x; out[3 * h + 1] = y; out[3 * h + 2] = yaw
        }
    }

    /// `(1 - cos(yaw_h - bearing(p_h -> goal))) / 2` averaged over the horizon.
    @inline(__always)
    static func heading(_ poses: UnsafePointer<Float>, horizon: Int, goal: SIMD2<Float>) -> Float {
        var s: Float = 0
        for h in 0..<horizon {
            let bearing = atan2f(goal.y - poses[3 * h + 1], goal.x - poses[3 * h])
            s += (1 - cosf(poses[3 * h + 2] - bearing)) / 2
        }
        return s / Float(horizon)
    }

    /// Magnitude and smoothness penalties of one 1-D sequence (scaled by `scale`).
    @inline(__always)
    static func effort(_ a: UnsafePointer<Float>, horizon: Int, scale: Float) -> (Float, Float) {
        var mag: Float = 0, smooth: Float = 0
        for h in 0..<horizon {
            let v = a[h] * scale
            mag += v * v
            if h > 0 { let d = v - a[h - 1] * scale; smooth += d * d }
        }
        return (mag / Float(horizon), smooth / Float(max(horizon - 1, 1)))
    }
}

/// The baselines' cost. Baseline (b), the conventional hierarchy (`input: .unicyclePoses`):
/// candidate yaw-rate sequences become pose sequences through an ideal unicycle (no dynamics: any
/// listed turn is assumed possible) and the shared perception model scores those poses.
/// The "HInt, unicycle" ablation is the same pose input with `limit` set to the robot's yaw-rate
/// limit. Baselines (c) and (d) (`input: .actions`): an action-conditioned collision model scores the
/// yaw-rate commands directly. Both add the same goal term (through the ideal unicycle) and
/// effort terms as `HIntCost`.
struct HIntBaselineCost: SequenceCost {
    /// What the collision model reads.
    enum Input { case unicyclePoses, actions }

    let evaluator: CollisionBatchEvaluator
    let input: Input
    var poseBuffer: [Float]
    var speed: Float, dt: Float, scale: Float
    /// Turn-rate clamp of the unicycle rollout, rad/s (infinite: none).
    var limit: Float = .infinity
    var goal: SIMD2<Float> = [1, 0]
    var collisionWeight: Float = 1, goalWeight: Float = 0.5, magnitudeWeight: Float = 0.01, smoothnessWeight: Float = 0.01

    init(model: CollisionPredictor, input: Input, maxBatch: Int, speed: Float, dt: Float, scale: Float, limit: Float = .infinity) {
        evaluator = CollisionBatchEvaluator(model, maxBatch: maxBatch)
        self.input = input
        poseBuffer = [Float](repeating: 0, count: maxBatch * model.config.horizon * 3)
        self.speed = speed; self.dt = dt; self.scale = scale; self.limit = limit
    }

    mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                       into costs: UnsafeMutableBufferPointer<Float>) {
        let a = actions.baseAddress!
        let w = HIntKinematics.Weights(speed: speed, dt: dt, scale: scale, limit: limit, goal: goal, collision: collisionWeight, goalWeight: goalWeight,
                        magnitude: magnitudeWeight, smoothness: smoothnessWeight)
        let (ev, input) = (evaluator, input)
        poseBuffer.withUnsafeMutableBufferPointer { buf in
            Self.score(ev, input, w, a, count: count, horizon: horizon, poses: buf.baseAddress!, costs: costs)
        }
    }

    static func score(_ evaluator: CollisionBatchEvaluator, _ input: Input, _ w: HIntKinematics.Weights, _ a: UnsafePointer<Float>,
                      count: Int, horizon: Int, poses: UnsafeMutablePointer<Float>, costs: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<count { HIntKinematics.rollout(a + i * horizon, horizon: horizon, speed: w.speed, dt: w.dt, limit: w.limit, into: poses + 3 * horizon * i) }
        let p = switch input {
        case .unicyclePoses: evaluator.evaluate(UnsafeBufferPointer(start: poses, count: count * horizon * 3), count: count)
        case .actions: evaluator.evaluate(UnsafeBufferPointer(start: a, count: count * horizon), count: count)
        }
        for i in 0..<count {
            var coll: Float = 0
            for h in 0..<horizon { coll += p[i * horizon + h] }
            let (mag, smooth) = HIntKinematics.effort(a + i * horizon, horizon: horizon, scale: w.scale)
            costs[i] = w.collision * coll / Float(horizon) + w.goalWeight * HIntKinematics.heading(poses + 3 * horizon * i, horizon: horizon, goal: w.goal)
                + w.magnitude * mag + w.smoothness * smooth
        }
    }
}
