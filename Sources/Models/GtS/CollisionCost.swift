import Planning

/// The GtS planning objective as a `SequenceCost`: for candidate i,
/// cost_i = mean_h P(collided by step h) + yawWeight * mean_{h,d} |a_ihd * actionScale_d|,
/// scored for the whole batch by a `CollisionBatchEvaluator` (one trunk pass per observation).
///
/// ```swift
/// var cost = CollisionCost(model, maxBatch: planner.maxBatch)
/// cost.setObservation(frames)              // every control tick, before plan
/// planner.plan(&cost, rng: &rng)
/// ```
///
/// Copies share the evaluator (a reference type): use one cost per planner.
public struct CollisionCost: SequenceCost {
    /// The batched model.
    public let evaluator: CollisionBatchEvaluator
    /// Weight of the action-magnitude penalty (in the network's scaled action units, so with
    /// actionScale = 1 / max yaw rate, a full-rate turn for the whole horizon costs `yawWeight`).
    public var yawWeight: Float
    /// Per-component scale of the penalty (defaults to the model's `actionScale`).
    public var penaltyScale: [Float]

    /// A cost over `predictor` for batches of up to `maxBatch` (the planner's `maxBatch`).
    public init(_ predictor: CollisionPredictor, maxBatch: Int, yawWeight: Float = 0.01,
                parallelism: CollisionBatchEvaluator.Parallelism = .splitBatch, workers: Int = 2, blockRows: Int = 256) {
        evaluator = CollisionBatchEvaluator(predictor, maxBatch: maxBatch, parallelism: parallelism,
                                            workers: workers, blockRows: blockRows)
        self.yawWeight = yawWeight
        penaltyScale = predictor.config.actionScale
    }

    /// A cost on an existing evaluator.
    public init(evaluator: CollisionBatchEvaluator, yawWeight: Float = 0.01) {
        self.evaluator = evaluator
        self.yawWeight = yawWeight
        penaltyScale = evaluator.config.actionScale
    }

    /// Sets the current observation (NHWC `height * width * frames`, scaled (x - 128) / 128):
    /// runs the trunk once for the coming `plan`.
    public mutating func setObservation(_ frames: [Float]) { evaluator.encode(frames) }

    /// `setObservation` from a buffer.
    public mutating func setObservation(_ frames: UnsafeBufferPointer<Float>) { evaluator.encode(frames) }

    /// Per-candidate, per-step collision probabilities of the last batch, `[count][horizon]`.
    public var lastProbabilities: UnsafeBufferPointer<Float> { evaluator.lastProbabilities }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        let c = evaluator.config
        precondition(horizon == c.horizon && actionDim == c.actionDim,
                     "planner horizon \(horizon) x \(actionDim) does not match the model's \(c.horizon) x \(c.actionDim)")
        let p = evaluator.evaluate(actions, count: count)
        let n = horizon * actionDim
        let invH = 1 / Float(horizon), invN = 1 / Float(n)
        penaltyScale.withUnsafeBufferPointer { scale in
            for i in 0..<count {
                var coll: Float = 0, mag: Float = 0
                for h in 0..<horizon { coll += p[i * horizon + h] }
                for j in 0..<n { mag += Swift.abs(actions[i * n + j] * scale[j % actionDim]) }
                costs[i] = coll * invH + yawWeight * mag * invN
            }
        }
    }
}
