import Neural

/// Training samples for the collision predictor as tensors (a minibatch, or a whole in-memory
/// training set), sample on the outermost axis of every tensor.
///
/// - `images` [M, height, width, frames], pixels already scaled (x - 128) / 128;
/// - `actions` [M, horizon, actionDim], the executed sequence (physical units; the model applies
///   `actionScale`);
/// - `labels` [M, horizon], 1 if a collision happened at or before step h + 1, else 0;
/// - `mask` [M, horizon] (optional), 0 for steps after the episode ended without a collision
///   (unknown outcome), 1 elsewhere.
public struct CollisionBatch: Sendable {
    public var images: Tensor
    public var actions: Tensor
    public var labels: Tensor
    public var mask: Tensor?

    public init(images: Tensor, actions: Tensor, labels: Tensor, mask: Tensor? = nil) {
        let m = images.shape.first ?? 0
        precondition(actions.shape.first == m && labels.shape.first == m && (mask?.shape.first ?? m) == m,
                     "images \(images.shape), actions \(actions.shape), labels \(labels.shape) differ in sample count")
        precondition(mask == nil || mask!.shape == labels.shape, "mask \(mask!.shape) must have the labels' shape \(labels.shape)")
        self.images = images; self.actions = actions; self.labels = labels; self.mask = mask
    }

    /// Number of samples.
    public var count: Int { images.shape.first ?? 0 }

    /// The samples at `indices` as one minibatch.
    public func batch(_ indices: [Int]) -> CollisionBatch {
        CollisionBatch(images: images.gather(rows: indices), actions: actions.gather(rows: indices),
                         labels: labels.gather(rows: indices), mask: mask?.gather(rows: indices))
    }

    /// Fraction of positive labels among the unmasked steps.
    public var positiveRate: Double {
        var pos = 0.0, total = 0.0
        for i in labels.data.indices {
            let w = Double(mask?.data[i] ?? 1)
            pos += w * Double(labels.data[i]); total += w
        }
        return total > 0 ? pos / total : 0
    }
}
