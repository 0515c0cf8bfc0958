import Foundation
import Geometry
import Neural

/// One OCS model: network, weights and the loss it is trained with.
public struct OCSModel: Sendable {
    public let kind: OCSModelKind
    /// K, the number of action primitives.
    public let actions: Int
    /// Positive-class weight of the classifier's loss (unused by the regression model).
    public let positiveWeight: Double
    public let network: OCSNetwork
    public var parameters: Parameters

    public init(kind: OCSModelKind, actions: Int, config: OCSNetworkConfig = OCSNetworkConfig(), positiveWeight: Double = 10,
                rng: inout RNG) {
        precondition(actions >= 1 && positiveWeight > 0)
        self.kind = kind
        self.actions = actions
        self.positiveWeight = positiveWeight
        network = OCSNetwork(config: config, outputs: Self.outputCount(kind, actions: actions))
        parameters = network.initialParameters(rng: &rng)
    }

    /// Outputs per image: K + 1 predicted rewards, or K collision probabilities.
    public var outputs: Int { network.outputs }

    /// Outputs of a `kind` model over `actions` primitives: K + 1 rewards, or K probabilities.
    public static func outputCount(_ kind: OCSModelKind, actions: Int) -> Int {
        kind == .rewardRegression ? actions + 1 : actions
    }

    /// The training loss of the outputs `out` against `targets` (rewards `[N, K+1]`, or collision
    /// labels `[N, K]`).
    func loss(_ g: Graph, outputs out: Var, targets: Var) -> Var {
        switch kind {
        case .rewardRegression: return g.mse(out, targets)
        case .safetyClassifier: return g.sigmoidCrossEntropy(out, targets: targets, positiveWeight: Float(positiveWeight))
        }
    }

    /// Predictions for images stored as bytes `[count][H][W]`, in blocks of `block` images on
    /// the inference path: `outputs` `[count][outputs]` (rewards, or probabilities after the
    /// sigmoid) and the Euclidean norm of each image's penultimate features.
    public func predict(images: [UInt8], count: Int, block: Int = 256) -> OCSPredictions {
        let classifier = kind == .safetyClassifier
        return network.predict(parameters, images: images, count: count, block: block) { g, y in classifier ? g.sigmoid(y) : y }
    }

    /// The OCS of this model's outputs given its training collision labels `[count][K]`: mean
    /// reward targets for the regression model, `w y / (w y + 1 - y)` per primitive for the
    /// classifier (in probability space, like `predict`).
    public func optimalConstant(collisions: [Float], rewards: OCSRewardScheme) -> [Double] {
        switch kind {
        case .rewardRegression:
            return OptimalConstantSolution.mse(targets: rewards.targets(collisions: collisions, actions: actions), outputs: outputs)
        case .safetyClassifier:
            return OptimalConstantSolution.weightedSigmoid(labels: collisions, outputs: actions, positiveWeight: positiveWeight)
        }
    }
}
