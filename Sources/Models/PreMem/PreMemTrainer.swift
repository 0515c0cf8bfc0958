import Foundation
import Geometry
import Neural

/// Behaviour cloning of the token policy: teacher-forced cross-entropy over all steps, Adam,
/// shuffled minibatches of whole sequences, a checkpoint callback every few epochs.
public struct PreMemTrainer: Sendable {
    public struct Settings: Codable, Sendable, Equatable {
        public var width = 64
        public var learningRate = 1e-3
        public var epochs = 60
        /// Sequences per minibatch.
        public var batchSize = 32
        /// Epochs between checkpoints (the last epoch is always a checkpoint).
        public var checkpointEvery = 5
        public init() {}
    }

    public let policy: PreMemSequencePolicy
    public let settings: Settings

    public init(policy: PreMemSequencePolicy, settings: Settings) {
        precondition(settings.epochs >= 1 && settings.batchSize >= 1 && settings.checkpointEvery >= 1 && settings.learningRate > 0,
                     "bad PreMemTrainer settings")
        self.policy = policy
        self.settings = settings
    }

    /// Epochs after which `onCheckpoint` runs (multiples of `checkpointEvery`, and the last).
    public var checkpointEpochs: [Int] {
        var e = Array(stride(from: settings.checkpointEvery, through: settings.epochs, by: settings.checkpointEvery))
        if e.last != settings.epochs { e.append(settings.epochs) }
        return e
    }

    /// Trains fresh parameters (initialised from `rng`) on (queries, targets); calls
    /// `onCheckpoint(epoch, parameters, features)` at every checkpoint epoch, where `features`
    /// are the teacher-forced rows of the training set. Returns the final parameters.
    @discardableResult
    public func train(queries: [[Float]], targets: [[Int]], rng: inout RNG,
                      onCheckpoint: (Int, Parameters, Tensor) -> Void) -> Parameters {
        precondition(!queries.isEmpty && queries.count == targets.count, "train needs data")
        var params = Parameters()
        policy.initialize(&params, rng: &rng)
        let features = policy.teacherForcedFeatures(queries: queries, targets: targets)
        let steps = policy.steps, d = policy.inputDim
        let labels = targets.flatMap { $0 }
        var adam = Adam(learningRate: Float(settings.learningRate))
        let g = Graph()
        let stops = Set(checkpointEpochs)
        var batchX = [Float]()
        var batchY = [Int]()
        for epoch in 1...settings.epochs {
            for batch in Minibatches.shuffled(count: queries.count, size: settings.batchSize, rng: &rng) {
                batchX.removeAll(keepingCapacity: true)
                batchY.removeAll(keepingCapacity: true)
                features.data.withUnsafeBufferPointer { f in
                    for j in batch {
                        batchX.append(contentsOf: f[(j * steps * d)..<((j + 1) * steps * d)])
                        batchY.append(contentsOf: labels[(j * steps)..<((j + 1) * steps)])
                    }
                }
                g.reset()
                g.setParameters(params)
                let loss = g.softmaxCrossEntropy(policy.logits(g.input(Tensor(shape: [batch.count * steps, d], data: batchX))),
                                                 labels: batchY)
                g.backward(loss)
                adam.step(&params, graph: g)
            }
            if stops.contains(epoch) { onCheckpoint(epoch, params, features) }
        }
        return params
    }
}
