import Diagnostics
import Foundation
import Geometry
import Models
import Neural

/// Training options of the HInt experiment's models.
public struct HIntTrainingSettings: Codable, Sendable, Equatable {
    /// Minibatch steps for the shared perception model P (poses in).
    public var perceptionSteps = 1200
    /// Minibatch steps for each action-conditioned baseline (single-source, pooled).
    public var actionModelSteps = 700
    /// Minibatch steps for each robot's dynamics model D_r.
    public var dynamicsSteps = 3000
    /// Minibatch size of the image models (METHODS.md: 32).
    public var batchSize = 32
    /// Adam learning rate of the image models (METHODS.md: 1e-4; higher here because the
    /// budget allows only a few thousand steps on 2 CPU cores).
    public var learningRate: Float = 3e-4
    /// Adam learning rate of D_r.
    public var dynamicsLearningRate: Float = 1e-3
    /// Fraction of the deploying robot's episodes the single-source baseline trains on.
    public var singleSourceFraction = 0.25
    /// Every `validationEvery`-th episode is held out for validation losses.
    public var validationEvery = 10

    public init() {}

    enum Keys: String, CodingKey {
        case perceptionSteps, actionModelSteps, dynamicsSteps, batchSize, learningRate, dynamicsLearningRate, singleSourceFraction, validationEvery
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let d = HIntTrainingSettings()
        perceptionSteps = try c.decodeIfPresent(Int.self, forKey: .perceptionSteps) ?? d.perceptionSteps
        actionModelSteps = try c.decodeIfPresent(Int.self, forKey: .actionModelSteps) ?? d.actionModelSteps
        dynamicsSteps = try c.decodeIfPresent(Int.self, forKey: .dynamicsSteps) ?? d.dynamicsSteps
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        dynamicsLearningRate = try c.decodeIfPresent(Float.self, forKey: .dynamicsLearningRate) ?? d.dynamicsLearningRate
        singleSourceFraction = try c.decodeIfPresent(Double.self, forKey: .singleSourceFraction) ?? d.singleSourceFraction
        validationEvery = max(2, try c.decodeIfPresent(Int.self, forKey: .validationEvery) ?? d.validationEvery)
    }
}

/// A sample of an `HIntDataset` list: data set, episode, time step; positive if any of its
/// H labels is a collision.
public struct HIntSampleRef: Sendable, Equatable {
    public var dataset: Int
    public var episode: Int
    public var t: Int
    public var positive: Bool
}

/// The trained models of one HInt experiment.
public struct HIntModels: Sendable {
    /// Shared perception P(image, relative poses) on the union of every source.
    public var perception: CollisionPredictor
    /// Per-robot dynamics D_r(state, yaw-rate commands) -> relative poses.
    public var dynamics: [HIntPlatform: PoseDynamics]
    /// Action-conditioned model on a fraction of the deploying robot's data only.
    public var singleSource: CollisionPredictor
    /// Action-conditioned model on all robots' data, platform ignored.
    public var pooled: CollisionPredictor
    /// One line per model: data, steps, losses.
    public var notes: [String]
}

/// Builds batches and trains P, D_r and the action-conditioned baselines.
public enum HIntTraining {
    public static let horizon = 8

    /// The action-conditioned baseline architecture: HInt's perception network reading the H
    /// yaw-rate commands instead of poses.
    public static func actionModelConfig(height: Int = 72, width: Int = 96) -> CollisionPredictorConfig {
        var c = CollisionPredictorConfig.hintPerception(height: height, width: width, horizon: horizon)
        c.actionDim = 1
        c.actionScale = [Float(1 / Double.pi)]
        return c
    }

    /// Every sample of `data` (episodes filtered by `include(dataset, episode)`).
    public static func samples(_ data: [HIntDataset], include: (Int, Int) -> Bool = { _, _ in true }) -> [HIntSampleRef] {
        var out: [HIntSampleRef] = []
        for (d, ds) in data.enumerated() {
            for (e, ep) in ds.episodes.enumerated() where include(d, e) {
                for t in 0..<ep.steps {
                    let positive = ep.collisionStep.map { $0 + 1 <= t + horizon } ?? false
                    out.append(HIntSampleRef(dataset: d, episode: e, t: t, positive: positive))
                }
            }
        }
        return out
    }

    /// What an image model reads besides the image.
    public enum SequenceInput: Sendable { case poses, actions }

    /// A minibatch: images [B, H, W, 1], poses [B, 8, 3] or actions [B, 8, 1], labels, mask.
    public static func batch(_ data: [HIntDataset], _ refs: [HIntSampleRef], _ idx: [Int], input: SequenceInput) -> CollisionBatch {
        let h0 = data[0].height, w0 = data[0].width, plane = h0 * w0, n = idx.count
        let adim = input == .poses ? 3 : 1
        var images = [Float](repeating: 0, count: n * plane)
        var seq = [Float](repeating: 0, count: n * horizon * adim)
        var labels = [Float](repeating: 0, count: n * horizon), mask = [Float](repeating: 0, count: n * horizon)
        for (b, i) in idx.enumerated() {
            let r = refs[i], ds = data[r.dataset], ep = ds.episodes[r.episode]
            let rec = ep.start + r.t
            for p in 0..<plane { images[b * plane + p] = CollisionPredictor.normalize(ds.frames[rec * plane + p]) }
            let lab = HIntLabels.compute(trace: ds.trace(r.episode), collisionStep: ep.collisionStep, t: r.t, horizon: horizon)
            for h in 0..<horizon {
                labels[b * horizon + h] = lab.labels[h]
                mask[b * horizon + h] = lab.mask[h]
                if input == .poses {
                    let q = lab.poses[h]
                    seq[(b * horizon + h) * 3] = Float(q.x); seq[(b * horizon + h) * 3 + 1] = Float(q.y); seq[(b * horizon + h) * 3 + 2] = Float(q.z)
                } else {
                    seq[b * horizon + h] = r.t + h < ep.steps ? ds.actions[rec + h] : 0
                }
            }
        }
        return CollisionBatch(images: Tensor(shape: [n, h0, w0, 1], data: images), actions: Tensor(shape: [n, horizon, adim], data: seq),
                              labels: Tensor(shape: [n, horizon], data: labels), mask: Tensor(shape: [n, horizon], data: mask))
    }

    /// Trains an image model with class-rebalanced batches (half the samples see a collision
    /// within the horizon, METHODS.md section 2); returns the model and a summary line.
    public static func trainImageModel(name: String, config: CollisionPredictorConfig, data: [HIntDataset], train: [HIntSampleRef],
                                       validation: [HIntSampleRef], input: SequenceInput, settings: HIntTrainingSettings,
                                       steps: Int, seed: UInt64, progress: Diagnostics.Progress?) -> (CollisionPredictor, String) {
        var rng = RNG(seed: seed, stream: 0x5472_6E49)
        let model = CollisionPredictor(config: config, rng: &rng)
        let trainer = CollisionTrainer(model, config: CollisionTrainingConfig(positiveWeight: 1, learningRate: settings.learningRate,
                                                                              gradientClip: 10, weightDecay: 1e-5,
                                                                              batchSize: settings.batchSize))
        let pos = train.indices.filter { train[$0].positive }, neg = train.indices.filter { !train[$0].positive }
        let valIdx = Array(validation.indices.prefix(512))
        let valBatch = valIdx.isEmpty ? nil : batch(data, validation, valIdx, input: input)
        let before = valBatch.map { trainer.loss($0) }
        var recent: [Float] = []
        for s in 0..<steps {
            var idx: [Int] = []
            for k in 0..<settings.batchSize {
                let usePos = !pos.isEmpty && (neg.isEmpty || k % 2 == 0)
                let pool = usePos ? pos : neg
                idx.append(pool[rng.int(below: pool.count)])
            }
            let r = trainer.step(batch(data, train, idx, input: input))
            recent.append(r.loss)
            if recent.count > 50 { recent.removeFirst() }
            if s % 10 == 9 { progress?.advance(by: 10, note: "\(name) loss \(Statistics.format(Double(recent.reduce(0, +) / Float(recent.count))))") }
        }
        if steps % 10 != 0 { progress?.advance(by: steps % 10) }
        let after = valBatch.map { trainer.loss($0) }
        let positives = Double(pos.count) / Double(max(train.count, 1))
        var line = "\(name): \(train.count) samples (\(Statistics.format(100 * positives))% with a collision within H), \(steps) steps"
        if let b = before, let a = after {
            line += ", validation loss \(Statistics.format(Double(b))) -> \(Statistics.format(Double(a))) on \(valIdx.count) held-out samples"
        }
        return (trainer.predictor, line)
    }

    /// Dynamics windows of one robot: state s_t, a_t..a_{t+H-1}, poses p_{t+1..t+H} relative to
    /// p_t, only windows that end before any collision.
    public static func dynamicsWindows(_ ds: HIntDataset, include: (Int) -> Bool) -> (states: [Float], actions: [Float], poses: [Float]) {
        var s: [Float] = [], a: [Float] = [], p: [Float] = []
        for (e, ep) in ds.episodes.enumerated() where include(e) {
            let end = ep.collisionStep ?? ep.steps
            guard end >= horizon else { continue }
            let trace = ds.trace(e)
            for t in 0...(end - horizon) {
                let rec = ep.start + t
                s.append(ds.states[2 * rec]); s.append(ds.states[2 * rec + 1])
                for h in 0..<horizon { a.append(ds.actions[rec + h]) }
                for q in HIntLabels.compute(trace: trace, collisionStep: ep.collisionStep, t: t, horizon: horizon).poses {
                    p.append(Float(q.x)); p.append(Float(q.y)); p.append(Float(q.z))
                }
            }
        }
        return (s, a, p)
    }

    /// Trains D_r on one robot's logs (no images): MSE on the relative poses.
    public static func trainDynamics(_ ds: HIntDataset, settings: HIntTrainingSettings, seed: UInt64, progress: Diagnostics.Progress?) -> (PoseDynamics, String) {
        let ve = settings.validationEvery
        let tr = dynamicsWindows(ds) { $0 % ve != ve - 1 }, va = dynamicsWindows(ds) { $0 % ve == ve - 1 }
        let n = tr.states.count / 2
        var rng = RNG(seed: seed, stream: 0x4479_6E52)
        let config = PoseDynamicsConfig(stateDim: 2, actionDim: 1, horizon: horizon, hidden: [128, 128], stateScale: [2, 1],
                                        actionScale: [Float(1 / Double.pi)])
        let trainer = PoseDynamicsTrainer(PoseDynamics(config: config, rng: &rng), learningRate: settings.dynamicsLearningRate)
        let bs = 64
        guard n > 0 else { return (trainer.model, "D_\(ds.platform.rawValue): no collision-free windows") }
        for s in 0..<settings.dynamicsSteps {
            var st: [Float] = [], ac: [Float] = [], po: [Float] = []
            for _ in 0..<bs {
                let i = rng.int(below: n)
                st += tr.states[(2 * i)..<(2 * i + 2)]
                ac += tr.actions[(horizon * i)..<(horizon * i + horizon)]
                po += tr.poses[(3 * horizon * i)..<(3 * horizon * i + 3 * horizon)]
            }
            trainer.step(states: Tensor(shape: [bs, 2], data: st), actions: Tensor(shape: [bs, horizon, 1], data: ac),
                         poses: Tensor(shape: [bs, horizon, 3], data: po))
            if s % 100 == 99 { progress?.advance(by: 100) }
        }
        if settings.dynamicsSteps % 100 != 0 { progress?.advance(by: settings.dynamicsSteps % 100) }
        var line = "D_\(ds.platform.rawValue): \(n) windows, \(settings.dynamicsSteps) steps"
        let m = va.states.count / 2
        if m > 0 {
            let pred = trainer.model.predict(states: Tensor(shape: [m, 2], data: va.states), actions: Tensor(shape: [m, horizon, 1], data: va.actions))
            var se = 0.0, varSum = 0.0
            let mean = va.poses.reduce(0.0) { $0 + Double($1) } / Double(va.poses.count)
            for i in va.poses.indices {
                let d = Double(pred.data[i] - va.poses[i]); se += d * d
                varSum += (Double(va.poses[i]) - mean) * (Double(va.poses[i]) - mean)
            }
            line += ", held-out MSE \(Statistics.format(se / Double(va.poses.count))) (pose variance \(Statistics.format(varSum / Double(va.poses.count))), \(m) windows)"
        }
        return (trainer.model, line)
    }
}
