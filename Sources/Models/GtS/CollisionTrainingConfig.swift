/// Training options of the collision predictor (METHODS.md section 1 defaults).
///
/// Every key is optional when decoding. `frozenPrefixes` lists parameter-name prefixes that get
/// no gradient (GtS real phase: `CollisionPredictor.realPhaseFrozen`, i.e. `["trunk."]`).
public struct CollisionTrainingConfig: Codable, Sendable, Equatable {
    /// Weight of positive (collision) labels in the sigmoid cross-entropy.
    public var positiveWeight: Float = 10
    /// Adam learning rate.
    public var learningRate: Float = 1e-4
    /// Global gradient-norm clip (0 = no clipping).
    public var gradientClip: Float = 10
    /// L2 weight decay added to the gradient (Adam, coupled), applied to trained weights only.
    public var weightDecay: Float = 1e-5
    /// Minibatch size.
    public var batchSize: Int = 32
    /// Parameter-name prefixes that are not trained.
    public var frozenPrefixes: [String] = []

    public init(positiveWeight: Float = 10, learningRate: Float = 1e-4, gradientClip: Float = 10,
                weightDecay: Float = 1e-5, batchSize: Int = 32, frozenPrefixes: [String] = []) {
        self.positiveWeight = positiveWeight; self.learningRate = learningRate; self.gradientClip = gradientClip
        self.weightDecay = weightDecay; self.batchSize = batchSize; self.frozenPrefixes = frozenPrefixes
    }

    /// GtS's real phase: the defaults with the trunk frozen.
    public static var realPhase: CollisionTrainingConfig {
        CollisionTrainingConfig(frozenPrefixes: CollisionPredictor.realPhaseFrozen)
    }

    private enum CodingKeys: String, CodingKey {
        case positiveWeight, learningRate, gradientClip, weightDecay, batchSize, frozenPrefixes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CollisionTrainingConfig()
        positiveWeight = try c.decodeIfPresent(Float.self, forKey: .positiveWeight) ?? d.positiveWeight
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        gradientClip = try c.decodeIfPresent(Float.self, forKey: .gradientClip) ?? d.gradientClip
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        frozenPrefixes = try c.decodeIfPresent([String].self, forKey: .frozenPrefixes) ?? d.frozenPrefixes
        if positiveWeight <= 0 || learningRate <= 0 || gradientClip < 0 || weightDecay < 0 || batchSize <= 0 {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                "positiveWeight \(positiveWeight) and learningRate \(learningRate) must be > 0, gradientClip "
                + "\(gradientClip) and weightDecay \(weightDecay) >= 0, batchSize \(batchSize) > 0"))
        }
    }

    /// Whether the parameter `name` is trained under this configuration.
    public func isTrained(_ name: String) -> Bool { !frozenPrefixes.contains { name.hasPrefix($0) } }

    /// The options as strings, for checkpoint metadata.
    public var summary: [String: String] {
        ["positiveWeight": "\(positiveWeight)", "learningRate": "\(learningRate)", "gradientClip": "\(gradientClip)",
         "weightDecay": "\(weightDecay)", "batchSize": "\(batchSize)", "frozenPrefixes": frozenPrefixes.joined(separator: ",")]
    }
}
