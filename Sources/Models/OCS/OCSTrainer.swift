import Foundation
import Geometry
import Neural

/// Training options shared by both OCS models.
public struct OCSTrainingSettings: Codable, Sendable, Equatable {
    public var epochs = 12
    public var batchSize = 32
    public var learningRate = 1e-3
    /// Global-norm gradient clip (0 = off).
    public var gradientClip = 10.0
    public init() {}
}

/// Trains an `OCSModel` on images with per-primitive collision labels.
public enum OCSTrainer {
    /// Trains `model` in place on images `[count][H][W]` bytes with collision labels
    /// `[count][K]` (1 = primitive k collides): the regression model against the rewards of
    /// `rewards`, the classifier against the labels. Minibatches in a seeded shuffled order, the
    /// last partial batch kept. Returns the mean training loss of each epoch; `onEpoch` is
    /// called after each with (epoch, loss).
    @discardableResult
    public static func train(_ model: inout OCSModel, images: [UInt8], collisions: [Float], rewards: OCSRewardScheme = OCSRewardScheme(),
                             settings: OCSTrainingSettings, rng: inout RNG,
                             onEpoch: ((Int, Double) -> Void)? = nil) -> [Double] {
        let k = model.actions
        precondition(k > 0 && collisions.count % k == 0, "labels must be [count][K]")
        let count = collisions.count / k
        precondition(count > 0 && images.count == count * model.network.config.height * model.network.config.width)
        let targets = model.kind == .rewardRegression ? rewards.targets(collisions: collisions, actions: k) : collisions
        let m = model.outputs
        let lossModel = model   // kind and positive weight for the loss (the parameters are trained below)
        return model.network.train(&model.parameters, images: images, count: count, settings: settings, rng: &rng, onEpoch: onEpoch) { g, out, rows in
            let t = g.input(shape: [rows.count, m]) { dst in
                for (r, i) in rows.enumerated() { for j in 0..<m { dst[r * m + j] = targets[i * m + j] } }
            }
            return lossModel.loss(g, outputs: out, targets: t)
        }
    }

    /// Mean loss of `model` on a data set (no update), in blocks of 256.
    public static func loss(_ model: OCSModel, images: [UInt8], collisions: [Float], rewards: OCSRewardScheme = OCSRewardScheme()) -> Double {
        let k = model.actions
        let count = collisions.count / k
        let targets = model.kind == .rewardRegression ? rewards.targets(collisions: collisions, actions: k) : collisions
        let m = model.outputs
        let g = Graph(parameters: model.parameters, recording: false)
        var sum = 0.0
        var start = 0
        while start < count {
            let rows = Array(start..<min(count, start + 256))
            g.reset()
            let (_, out) = model.network(model.network.input(g, images: images, rows: rows))
            let t = g.input(shape: [rows.count, m]) { dst in
                for (r, i) in rows.enumerated() { for j in 0..<m { dst[r * m + j] = targets[i * m + j] } }
            }
            sum += Double(g.value(model.loss(g, outputs: out, targets: t)).scalar) * Double(rows.count)
            start += rows.count
        }
        return sum / Double(count)
    }
}
