import Geometry
import Neural

/// Minibatch training of a `CollisionPredictor`: weighted sigmoid cross-entropy over the
/// horizon (masked after episode ends), Adam, global gradient clipping, L2 weight decay, and
/// freezing by parameter-name prefix. Frozen parameters get no gradient and stay bit-identical.
///
/// ```swift
/// var rng = RNG(seed: 1)
/// let trainer = CollisionTrainer(CollisionPredictor(rng: &rng), config: .realPhase)
/// for batch in Minibatches.shuffled(count: data.count, size: 32, rng: &rng) {
///     let r = trainer.step(data.batch(batch))
/// }
/// let model = trainer.predictor
/// ```
///
/// Owns an autodiff graph (a reference type, single-threaded); deterministic for a given
/// sequence of batches.
public final class CollisionTrainer {
    /// The model with its current weights.
    public private(set) var predictor: CollisionPredictor
    /// The options.
    public let config: CollisionTrainingConfig
    /// Optimiser steps taken.
    public private(set) var steps = 0
    private var optimizer: Adam
    private let graph: Graph

    /// The result of one step.
    public struct StepResult: Sendable {
        /// Mean weighted cross-entropy of the batch before the update.
        public var loss: Float
        /// Global gradient norm before clipping.
        public var gradientNorm: Float
    }

    public init(_ predictor: CollisionPredictor, config: CollisionTrainingConfig = CollisionTrainingConfig()) {
        self.predictor = predictor
        self.config = config
        optimizer = Adam(learningRate: config.learningRate, weightDecay: config.weightDecay)
        let frozen = config.frozenPrefixes
        graph = Graph(parameters: predictor.parameters, recording: true,
                      trainable: { name in !frozen.contains { name.hasPrefix($0) } })
    }

    /// The loss node for a batch on `g` (used by `step` and `loss`).
    private func lossNode(_ g: Graph, _ b: CollisionBatch) -> Var {
        let logits = predictor.logits(images: g.input(b.images), actions: g.input(b.actions))
        let n = b.count, h = predictor.config.horizon
        precondition(b.labels.shape == [n, h], "labels \(b.labels.shape), expected [\(n), \(h)]")
        return g.sigmoidCrossEntropy(logits, targets: g.input(b.labels), positiveWeight: config.positiveWeight,
                                     mask: b.mask.map { g.input($0) })
    }

    /// One optimiser step on a minibatch; returns the loss before the update.
    @discardableResult
    public func step(_ batch: CollisionBatch) -> StepResult {
        graph.reset()
        graph.setParameters(predictor.parameters)
        let loss = lossNode(graph, batch)
        graph.backward(loss)
        var grads = graph.gradients()
        let norm = config.gradientClip > 0 ? Gradients.clip(&grads, maxNorm: config.gradientClip) : Gradients.globalNorm(grads)
        let value = graph.value(loss).scalar
        graph.reset()
        optimizer.step(&predictor.parameters, gradients: grads)
        steps += 1
        return StepResult(loss: value, gradientNorm: norm)
    }

    /// One step from separate tensors: images [N, height, width, frames], actions
    /// [N, horizon, actionDim], labels [N, horizon], mask [N, horizon] or nil.
    @discardableResult
    public func step(images: Tensor, actions: Tensor, labels: Tensor, mask: Tensor? = nil) -> StepResult {
        step(CollisionBatch(images: images, actions: actions, labels: labels, mask: mask))
    }

    /// One epoch over `data` in a seeded random order; returns the mean batch loss.
    @discardableResult
    public func epoch(_ data: CollisionBatch, rng: inout RNG) -> Float {
        let batches = Minibatches.shuffled(count: data.count, size: config.batchSize, rng: &rng)
        var total: Float = 0
        for b in batches { total += step(data.batch(b)).loss }
        return total / Float(max(batches.count, 1))
    }

    /// The weighted cross-entropy of the current model on `data` (no update), evaluated in
    /// chunks of `chunk` samples and averaged over unmasked steps.
    public func loss(_ data: CollisionBatch, chunk: Int = 256) -> Float {
        let g = Graph(parameters: predictor.parameters, recording: false)
        var total: Double = 0, weight: Double = 0
        var start = 0
        while start < data.count {
            let idx = Array(start..<min(start + chunk, data.count))
            let b = data.batch(idx)
            g.reset()
            let l = Double(g.value(lossNode(g, b)).scalar)
            let w = b.mask.map { Double($0.data.reduce(0, +)) } ?? Double(b.labels.count)
            total += l * w; weight += w
            start += chunk
        }
        return weight > 0 ? Float(total / weight) : 0
    }

    /// Replaces the weights (e.g. after loading a checkpoint); optimiser moments are kept.
    public func setParameters(_ p: Parameters) { predictor.parameters = p }
}
