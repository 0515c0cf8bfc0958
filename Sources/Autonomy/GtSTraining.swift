import Diagnostics
import Geometry
import Models
import Neural

/// Trains a `CollisionPredictor` on `CollisionDataset`s (the `.swcd` collection format) without
/// expanding the whole set to Float32 tensors: each minibatch is assembled from the stored
/// frames on the fly (a full-size sample is 110 KB as floats, 7 KB as stored).
public enum GtSTraining {
    /// The samples at `indices` as a minibatch for a model with `config` (image size, stack and
    /// horizon must match the dataset).
    public static func batch(_ d: CollisionDataset, indices: [Int], config c: CollisionPredictorConfig) -> CollisionBatch {
        precondition(d.height == c.height && d.width == c.width && d.frameStack == c.frames && d.horizon == c.horizon
                     && d.actionDim == c.actionDim, "dataset \(d.frameStack)x\(d.height)x\(d.width) h\(d.horizon) does not fit the model")
        let m = indices.count, obs = c.observationSize, seq = d.horizon * d.actionDim
        var images = [Float](repeating: 0, count: m * obs)
        var actions = [Float](repeating: 0, count: m * seq)
        var labels = [Float](repeating: 0, count: m * d.horizon)
        var mask = [Float](repeating: 0, count: m * d.horizon)
        images.withUnsafeMutableBufferPointer { out in
            for (k, i) in indices.enumerated() {
                let stack = d.stack(i)
                stack.withUnsafeBufferPointer { s in
                    CollisionPredictor.observation(fromStack: s, config: c, into: UnsafeMutableBufferPointer(rebasing: out[(k * obs)..<((k + 1) * obs)]))
                }
            }
        }
        for (k, i) in indices.enumerated() {
            for j in 0..<seq { actions[k * seq + j] = d.actions[i * seq + j] }
            for h in 0..<d.horizon {
                labels[k * d.horizon + h] = Float(d.labels[i * d.horizon + h])
                mask[k * d.horizon + h] = Float(d.masks[i * d.horizon + h])
            }
        }
        return CollisionBatch(images: Tensor(shape: [m, c.height, c.width, c.frames], data: images),
                              actions: Tensor(shape: [m, d.horizon, d.actionDim], data: actions),
                              labels: Tensor(shape: [m, d.horizon], data: labels), mask: Tensor(shape: [m, d.horizon], data: mask))
    }

    /// Runs `epochs` passes over `data` in seeded random order; returns the mean batch loss of
    /// each epoch. `progress` advances by the samples of each batch.
    @discardableResult
    public static func train(_ trainer: CollisionTrainer, data: CollisionDataset, epochs: Int, rng: inout RNG,
                             progress: Diagnostics.Progress? = nil) -> [Float] {
        var curve: [Float] = []
        for _ in 0..<epochs {
            let batches = Minibatches.shuffled(count: data.sampleCount, size: trainer.config.batchSize, rng: &rng)
            var total: Float = 0
            for idx in batches {
                let r = trainer.step(batch(data, indices: idx, config: trainer.predictor.config))
                total += r.loss
                progress?.advance(by: idx.count, note: "loss \(Statistics.format(Double(r.loss), digits: 3))")
            }
            curve.append(total / Float(max(batches.count, 1)))
        }
        return curve
    }

    /// Runs exactly `updates` optimiser steps, cycling through seeded shuffled passes over
    /// `data` (the last pass may stop part-way); returns the mean batch loss of each pass.
    @discardableResult
    public static func train(_ trainer: CollisionTrainer, data: CollisionDataset, updates: Int, rng: inout RNG,
                             progress: Diagnostics.Progress? = nil) -> [Float] {
        var curve: [Float] = []
        var done = 0
        while done < updates {
            let batches = Minibatches.shuffled(count: data.sampleCount, size: trainer.config.batchSize, rng: &rng)
            var total: Float = 0, n = 0
            for idx in batches.prefix(updates - done) {
                let r = trainer.step(batch(data, indices: idx, config: trainer.predictor.config))
                total += r.loss; n += 1
                progress?.advance(by: idx.count, note: "loss \(Statistics.format(Double(r.loss), digits: 3))")
            }
            done += n
            curve.append(total / Float(max(n, 1)))
        }
        return curve
    }
}
