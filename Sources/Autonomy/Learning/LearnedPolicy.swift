import Geometry
import Models
import Planning
import Runtime

/// The learned GtS policy: model-predictive control with the action-conditioned collision
/// predictor (METHODS.md section 1).
///
/// Each control tick it takes the env's last `frames` gray images (oldest first), scales them
/// `(x - 128) / 128` into the model's NHWC input (nearest-neighbour resampled if the camera's
/// size differs from the model's), runs the convolutional trunk once, and lets the planner (CEM by
/// default, or MPPI) score every candidate yaw-rate sequence in batches through the LSTM
/// (`CollisionCost`: mean collision probability + a small yaw penalty). It executes the first yaw
/// rate of the plan and shifts the plan by one step for the next tick (warm start).
///
/// Deterministic: the planner's RNG is seeded by `reset(seed:)`, and the batched evaluation
/// works on fixed blocks, so the same seed gives the same actions for any thread count.
/// One instance per episode (the runners make a fresh one through `PolicySpec`); copies share
/// the model evaluator's scratch buffers.
public struct LearnedPolicy: Policy {
    public let predictor: CollisionPredictor
    public let settings: LearnedPolicySettings
    public let name: String
    var planner: (any Planner)?
    var cost: CollisionCost?
    var rng = RNG(seed: 0)
    var input: [Float]
    var maxYawRate: Float = 0

    public init(predictor: CollisionPredictor, settings: LearnedPolicySettings = LearnedPolicySettings(), name: String = "learned") {
        self.predictor = predictor
        self.settings = settings
        self.name = name
        input = [Float](repeating: 0, count: predictor.config.observationSize)
    }

    public var isPrivileged: Bool { false }

    public mutating func reset(seed: UInt64) {
        rng = RNG(seed: seed, stream: 0x4C45_524E)
        planner?.reset()
    }

    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let c = predictor.config
        precondition(c.actionDim == 1, "the learned yaw-rate policy needs a model with actionDim 1, got \(c.actionDim)")
        let m = Float(model.settings.maxYawRate)
        if planner == nil || maxYawRate != m {
            let space = ActionSpace(horizon: c.horizon, lower: [-m], upper: [m])
            switch settings.planner {
            case .cem: planner = CEMPlanner(space: space, settings: settings.cem)
            case .mppi: planner = MPPIPlanner(space: space, settings: settings.mppi)
            }
            maxYawRate = m
        }
        if cost == nil {
            cost = CollisionCost(predictor, maxBatch: settings.maxBatch, yawWeight: settings.yawWeight,
                                 workers: settings.workers, blockRows: settings.blockRows)
        }
        fillInput(observation, settings: model.settings)
        var p = planner.take()!
        var k = cost.take()!
        input.withUnsafeBufferPointer { k.setObservation($0) }
        p.plan(&k, rng: &rng)
        let a = p.nominal[0]
        if settings.warmStart { p.shift(by: 1) }
        planner = p
        cost = k
        return Double(a)
    }

    /// The candidates the last `act` scored (the last planner iteration's batch), nil before the
    /// first tick. `ranked` lists the best candidates first. For the viewer and recorder.
    public var lastBatch: CandidateBatch? { planner?.lastBatch }

    /// Predicted P(collided by step h) of every candidate in `lastBatch`, `[count][horizon]`,
    /// nil before the first tick.
    public var lastProbabilities: [Float]? {
        guard let cost, let batch = planner?.lastBatch else { return nil }
        return Array(cost.lastProbabilities.prefix(batch.count * batch.horizon))
    }

    /// Mean predicted collision probability over the horizon of each candidate in `lastBatch`.
    public var lastCollisionProbabilities: [Float]? {
        guard let p = lastProbabilities, let batch = planner?.lastBatch else { return nil }
        let h = batch.horizon
        return (0..<batch.count).map { i in p[i * h ..< (i + 1) * h].reduce(0, +) / Float(h) }
    }

    /// The plan after the last tick, `[horizon]` yaw rates (rad/s); shifted when warm-starting.
    public var plan: [Float]? { planner?.nominal }

    /// Observation frames `[stack][H][W]` (oldest first) -> NHWC `[h][w][frames]`, newest last.
    mutating func fillInput(_ observation: Observation, settings env: EnvSettings) {
        let c = predictor.config
        let ih = env.imageHeight, iw = env.imageWidth, stack = env.frameStack
        precondition(observation.frames.count == stack * ih * iw, "observation has \(observation.frames.count) pixels, expected \(stack) x \(ih) x \(iw)")
        let f = c.frames, h = c.height, w = c.width
        input.withUnsafeMutableBufferPointer { out in
            observation.frames.withUnsafeBufferPointer { src in
                for k in 0..<f {
                    // the model's channel k is the k-th of its last f frames (older frames repeat the oldest)
                    let s = max(0, stack - f + k)
                    let base = s * ih * iw
                    for y in 0..<h {
                        let sy = ih == h ? y : min(ih - 1, (y * ih + ih / 2) / h)
                        for x in 0..<w {
                            let sx = iw == w ? x : min(iw - 1, (x * iw + iw / 2) / w)
                            out[(y * w + x) * f + k] = CollisionPredictor.normalize(src[base + sy * iw + sx])
                        }
                    }
                }
            }
        }
    }
}
