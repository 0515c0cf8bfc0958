import Diagnostics
import Geometry
import Models
import Neural

/// Trains a `CollisionPredictor` on `CollisionDataset`s (the `.swcd` collection format) for a
/// fixed number of passes or optimiser steps, without validation split or early stopping (the
/// GtS experiment gives every method the same compute); minibatches come from
/// `DatasetBatches.batch`, built from the stored bytes on the fly.
public enum GtSTraining {
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
                let r = trainer.step(DatasetBatches.batch(data, idx, config: trainer.predictor.config))
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
        train(trainer, data: data, updates: updates, rng: &rng, progress: progress, snapshots: [], snapshot: { _ in })
    }

    /// The same `updates` steps, calling `snapshot(n)` right after step n for every n in
    /// `snapshots` (a snapshot at 0 is taken before the first step). The steps are the ones the
    /// plain call takes: the pass shuffles are drawn when a pass starts, so the weights at n
    /// equal an n-step training's bit for bit (the real-phase learning curve, `GtSRealCurve`).
    @discardableResult
    public static func train(_ trainer: CollisionTrainer, data: CollisionDataset, updates: Int, rng: inout RNG,
                             progress: Diagnostics.Progress? = nil, snapshots: Set<Int>,
                             snapshot: (Int) throws -> Void) rethrows -> [Float] {
        var curve: [Float] = []
        var done = 0
        if snapshots.contains(0) { try snapshot(0) }
        while done < updates {
            let batches = Minibatches.shuffled(count: data.sampleCount, size: trainer.config.batchSize, rng: &rng)
            var total: Float = 0, n = 0
            for idx in batches.prefix(updates - done) {
                let r = trainer.step(DatasetBatches.batch(data, idx, config: trainer.predictor.config))
                total += r.loss; n += 1
                progress?.advance(by: idx.count, note: "loss \(Statistics.format(Double(r.loss), digits: 3))")
                if snapshots.contains(done + n) { try snapshot(done + n) }
            }
            done += n
            curve.append(total / Float(max(n, 1)))
        }
        return curve
    }
}
