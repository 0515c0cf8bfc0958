import Geometry
import Models
import Neural

/// Minibatches of a `CollisionDataset` as `CollisionBatch` tensors, built on demand (frames are
/// stored once as bytes; a float tensor of the whole set would be ~16x larger).
public enum DatasetBatches {
    /// Samples `indices` of `data` in the model's layout: images `[M, H, W, F]` scaled
    /// `(x - 128) / 128` (channel k = k-th frame of the stack, newest last), actions
    /// `[M, horizon, 1]`, labels and mask `[M, horizon]`. The dataset's image size, stack and
    /// horizon must match the model's.
    public static func batch(_ data: CollisionDataset, _ indices: [Int], config c: CollisionPredictorConfig) -> CollisionBatch {
        precondition(data.height == c.height && data.width == c.width && data.frameStack == c.frames && data.horizon == c.horizon
                     && data.actionDim == c.actionDim,
                     "dataset \(data.frameStack)x\(data.height)x\(data.width), horizon \(data.horizon) does not match the model")
        let m = indices.count, n = c.height * c.width, f = c.frames, hz = c.horizon
        var images = [Float](repeating: 0, count: m * n * f)
        var actions = [Float](repeating: 0, count: m * hz * c.actionDim)
        var labels = [Float](repeating: 0, count: m * hz)
        var mask = [Float](repeating: 0, count: m * hz)
        images.withUnsafeMutableBufferPointer { out in
            data.frames.withUnsafeBufferPointer { frames in
                for (r, i) in indices.enumerated() {
                    for k in 0..<f {
                        let src = Int(data.stacks[i * f + k]) * n
                        let dst = r * n * f + k
                        for p in 0..<n { out[dst + p * f] = CollisionPredictor.normalize(frames[src + p]) }
                    }
                }
            }
        }
        let a = hz * c.actionDim
        for (r, i) in indices.enumerated() {
            for j in 0..<a { actions[r * a + j] = data.actions[i * a + j] }
            for h in 0..<hz {
                labels[r * hz + h] = Float(data.labels[i * hz + h])
                mask[r * hz + h] = Float(data.masks[i * hz + h])
            }
        }
        return CollisionBatch(images: Tensor(shape: [m, c.height, c.width, f], data: images),
                              actions: Tensor(shape: [m, hz, c.actionDim], data: actions),
                              labels: Tensor(shape: [m, hz], data: labels), mask: Tensor(shape: [m, hz], data: mask))
    }

    /// Splits sample indices by episode: episode e is a validation episode when a hash of
    /// (seed, e) falls below `validationFraction`, so no episode's frames are in both sets, and
    /// an episode keeps its side when more data is appended (episode ids only grow).
    public static func splitByEpisode(_ data: CollisionDataset, validationFraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
        let cut = UInt64(validationFraction * 1_000_000)
        var train: [Int] = [], validation: [Int] = []
        for i in 0..<data.sampleCount {
            if RNG.mix(seed, UInt64(data.episodes[i])) % 1_000_000 < cut { validation.append(i) } else { train.append(i) }
        }
        return (train, validation)
    }

    /// Whether sample i has a known collision within the horizon (class 1 for rebalancing).
    public static func hasPositive(_ data: CollisionDataset, _ i: Int) -> Bool {
        let hz = data.horizon
        for h in 0..<hz where data.labels[i * hz + h] == 1 && data.masks[i * hz + h] == 1 { return true }
        return false
    }
}
