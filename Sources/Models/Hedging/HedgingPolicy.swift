import Foundation
import Geometry
import Neural

/// The hedging policy of METHODS.md 5 (docs/hedging.md): the OCS trunk (`OCSNetwork`) with a
/// softmax head over K + 1 classes, the K action primitives then hover (index K), trained by
/// softmax cross-entropy on one action label per image. Pre-trained once, then fine-tuned from
/// a copy of the same weights in every arm of the experiment.
public struct HedgingPolicy: Sendable, Equatable {
    /// K, the number of action primitives; the classes are 0..<K then hover (K).
    public let actions: Int
    public let network: OCSNetwork
    public var parameters: Parameters

    public init(actions: Int, config: OCSNetworkConfig = OCSNetworkConfig(), rng: inout RNG) {
        precondition(actions >= 1)
        self.actions = actions
        network = OCSNetwork(config: config, outputs: actions + 1)
        parameters = network.initialParameters(rng: &rng)
    }

    public static func == (a: HedgingPolicy, b: HedgingPolicy) -> Bool {
        a.actions == b.actions && a.network.config == b.network.config && a.parameters == b.parameters
    }

    /// K + 1.
    public var classes: Int { actions + 1 }
    /// The hover class.
    public var hover: Int { actions }

    /// Trains in place on images `[count][H][W]` bytes with class labels in 0...K: seeded
    /// shuffled minibatches (last partial batch kept), Adam, global-norm clip. Returns the mean
    /// loss of each epoch; `onEpoch` gets (epoch, loss) after each.
    @discardableResult
    public mutating func train(images: [UInt8], labels: [Int], settings: OCSTrainingSettings, rng: inout RNG,
                               onEpoch: ((Int, Double) -> Void)? = nil) -> [Double] {
        let count = labels.count
        precondition(count > 0 && images.count == count * network.config.height * network.config.width, "images must be [count][H][W]")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes }, "labels must be in 0...K")
        return network.train(&parameters, images: images, count: count, settings: settings, rng: &rng, onEpoch: onEpoch) { g, out, rows in
            g.softmaxCrossEntropy(out, labels: rows.map { labels[$0] })
        }
    }

    /// Class probabilities `[count][K + 1]` (softmax) and penultimate feature norms for images
    /// `[count][H][W]` bytes, in blocks of `block` on the inference path.
    public func probabilities(images: [UInt8], count: Int, block: Int = 256) -> OCSPredictions {
        network.predict(parameters, images: images, count: count, block: block) { g, y in g.softmax(y) }
    }
}
