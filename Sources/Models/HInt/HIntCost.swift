import Foundation
import Planning

/// The HInt planning objective (METHODS.md section 2) as a `SequenceCost`: candidate actions go
/// through the deploying robot's dynamics D_r to relative poses, the poses through the shared
/// perception model P (a `CollisionPredictor` whose sequence input is the [H, 3] poses), and
///
/// cost_i = collisionWeight * mean_h P(coll_h)
///        + goalWeight * mean_h (1 - cos(yaw_h - bearing from p_h to the goal)) / 2
///        + magnitudeWeight * mean_{h,d} (a_hd * actionScale_d)^2
///        + smoothnessWeight * mean_{h>=1,d} ((a_hd - a_{h-1,d}) * actionScale_d)^2.
///
/// Per tick: `setObservation(image:state:goal:)` (image as the perception model expects it, the
/// robot state for D_r, the goal position in the current body frame, metres). The composition
/// means P is only asked about pose sequences this robot can produce.
public struct HIntCost: SequenceCost {
    public let dynamics: PoseDynamicsEvaluator
    public let perception: CollisionBatchEvaluator
    public var collisionWeight: Float = 1
    public var goalWeight: Float = 0.5
    public var magnitudeWeight: Float = 0.01
    public var smoothnessWeight: Float = 0.01
    /// Normalises actions in the penalties (defaults to the dynamics model's actionScale).
    public var actionScale: [Float]
    /// Goal position (x forward, y left) in the current body frame, metres.
    public var goal: SIMD2<Float> = [1, 0]

    public init(dynamics: PoseDynamics, perception: CollisionPredictor, maxBatch: Int, workers: Int = 2, blockRows: Int = 256) {
        let pc = perception.config, dc = dynamics.config
        precondition(pc.horizon == dc.horizon && pc.actionDim == 3,
                     "perception must read [\(dc.horizon), 3] poses, has [\(pc.horizon), \(pc.actionDim)]")
        self.dynamics = PoseDynamicsEvaluator(dynamics, maxBatch: maxBatch, workers: workers, blockRows: blockRows)
        self.perception = CollisionBatchEvaluator(perception, maxBatch: maxBatch, parallelism: .splitBatch,
                                                  workers: workers, blockRows: blockRows)
        actionScale = dc.actionScale
    }

    /// Sets this tick's observation: perception image (NHWC, scaled), robot state, goal.
    public mutating func setObservation(image: [Float], state: [Float], goal: SIMD2<Float>) {
        perception.encode(image)
        dynamics.setState(state)
        self.goal = goal
    }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        precondition(horizon == dynamics.config.horizon && actionDim == dynamics.config.actionDim,
                     "planner \(horizon) x \(actionDim) does not match the dynamics model")
        let poses = dynamics.evaluate(actions, count: count)
        let p = perception.evaluate(poses, count: count)
        let invH = 1 / Float(horizon)
        let a = actionDim
        for i in 0..<count {
            var coll: Float = 0, head: Float = 0, mag: Float = 0, smooth: Float = 0
            for h in 0..<horizon {
                coll += p[i * horizon + h]
                let q = (i * horizon + h) * 3
                let bearing = atan2f(goal.y - poses[q + 1], goal.x - poses[q])
                head += (1 - cosf(poses[q + 2] - bearing)) / 2
                for d in 0..<a {
                    let v = actions[(i * horizon + h) * a + d] * actionScale[d]
                    mag += v * v
                    if h > 0 {
                        let dv = v - actions[(i * horizon + h - 1) * a + d] * actionScale[d]
                        smooth += dv * dv
                    }
                }
            }
            costs[i] = collisionWeight * coll * invH + goalWeight * head * invH
                + magnitudeWeight * mag / Float(horizon * a) + smoothnessWeight * smooth / Float(max(horizon - 1, 1) * a)
        }
    }
}

extension CollisionPredictorConfig {
    /// The HInt/BADGR perception model: one gray frame, conv 32 (5x5, s2) / 64 (3x3, s2) /
    /// 64 (3x3, s2), dense 256 and 128 split into the initial h and c of an LSTM with 64 units that
    /// reads the H = 8 future relative poses (dx, dy, dyaw), per-step collision logits.
    public static func hintPerception(height: Int = 72, width: Int = 96, frames: Int = 1, horizon: Int = 8) -> CollisionPredictorConfig {
        CollisionPredictorConfig(height: height, width: width, frames: frames, horizon: horizon, actionDim: 3,
                                 actionScale: [1, 1, 1],
                                 convs: [.init(filters: 32, kernel: 5, stride: 2), .init(filters: 64, kernel: 3, stride: 2),
                                         .init(filters: 64, kernel: 3, stride: 2)],
                                 dense: [256, 128], hidden: 64, actionEmbedding: 16, headHidden: 16, initialState: .split)
    }
}
