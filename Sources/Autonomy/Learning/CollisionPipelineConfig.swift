import Foundation
import Diagnostics
import Models
import Runtime

/// Every knob of `swiftlet train collision` (JSON; every key optional, defaults below; see
/// docs/learning.md for the table).
public struct CollisionPipelineConfig: Codable, Sendable, Equatable {
    /// Seed of collection, initialisation, shuffling and evaluation draws.
    public var seed: UInt64 = 0
    /// Domain profile of collection and evaluation (a `DomainProfile.named` name: "sim", "real", ...).
    public var domain = "sim"
    public var robot = "Robots/cf2x.urdf"

    // worlds and env
    /// Training world set (`train` = the catalogue's training worlds, or a list).
    public var trainWorlds = "train"
    public var trainWorldCount = 10
    /// Camera image size (pixels); the model's input size.
    public var imageWidth = 96
    public var imageHeight = 72
    /// Frames stacked as the model's channels.
    public var frames = 4
    /// Prediction and planning horizon (control steps).
    public var horizon = 12
    /// Forward speed (m/s) and altitude (m) of the GtS action model.
    public var forwardSpeed = 0.4
    public var altitude = 0.4
    /// Control (and camera) rate, Hz.
    public var controlRate = 4.0
    /// Episode time limit during collection, s.
    public var collectionEpisodeTime = 60.0

    // data
    /// Samples (control steps) of uniformly random 12-step yaw-rate sequences in round 0.
    public var initialSteps = 20_000
    /// On-policy rounds after the first training: each collects `roundSteps` around the current
    /// model (`roundExploration`: "epsilon" = epsilon-greedy 1.0 -> 0.1, "gaussian" = sigma
    /// 0.5 -> 0.1 of the yaw-rate limit) and trains `roundEpochs` more epochs on all data.
    public var rounds = 1
    public var roundSteps = 4_000
    public var roundExploration = "epsilon"
    /// Planner of the collection policy in the rounds (a smaller budget than flying: data is cheap).
    public var collectionPolicy = LearnedPolicySettings.budget(initial: 512)
    /// Independent collection lanes (the data depend on it, not the thread count).
    public var lanes = 8
    /// Swarm lanes in every collection round (`CollectionSwarm`): the last `lanes` of `lanes`
    /// fly swarms of `count` vehicles whose cameras see each other. Absent: single vehicles only.
    public var collectionSwarm: CollectionSwarm? = nil
    /// Fraction of episodes held out for validation (early stopping, curves).
    public var validationFraction = 0.1

    // training
    public var epochs = 8
    public var roundEpochs = 4
    /// Epochs without a better validation loss before stopping (the best weights are kept).
    public var patience = 3
    public var batchSize = 32
    public var learningRate: Float = 1e-4
    public var positiveWeight: Float = 10
    public var weightDecay: Float = 1e-5
    public var gradientClip: Float = 10
    /// Draw minibatches so samples with and without a collision in the horizon are equally likely.
    public var rebalance = false
    /// Model architecture overrides (`CollisionPredictorConfig` keys); image size, frames and
    /// horizon always come from the keys above.
    public var model: CollisionPredictorConfig? = nil
    /// Planner settings stored with the model (how it flies).
    public var policy = LearnedPolicySettings()

    // evaluation
    public var evalWorlds = "held-out"
    public var evalWorldCount = 5
    public var evalEpisodes = 4
    public var evalRoute = 30.0
    /// Add straight, random and privileged rows to the evaluation.
    public var evalBaselines = true

    public init() {}

    /// Env settings for collection and evaluation.
    public var env: EnvSettings {
        var e = EnvSettings()
        e.imageWidth = imageWidth
        e.imageHeight = imageHeight
        e.frameStack = frames
        e.forwardSpeed = forwardSpeed
        e.altitude = altitude
        e.controlRate = controlRate
        return e
    }

    /// The model configuration: METHODS.md's GtS network (or `model`) at this image size,
    /// frame count and horizon, with actions scaled by 1 / max yaw rate.
    public var modelConfig: CollisionPredictorConfig {
        var m = model ?? CollisionPredictorConfig()
        m.height = imageHeight
        m.width = imageWidth
        m.frames = frames
        m.horizon = horizon
        m.actionDim = 1
        m.actionScale = [Float(1 / EnvSettings().maxYawRate)]
        return m
    }

    public var training: CollisionTrainingConfig {
        CollisionTrainingConfig(positiveWeight: positiveWeight, learningRate: learningRate, gradientClip: gradientClip,
                                weightDecay: weightDecay, batchSize: batchSize)
    }

    /// Reads a config file; errors name the file and the key.
    public static func load(_ path: String) throws -> CollisionPipelineConfig {
        try ConfigFile.decode(CollisionPipelineConfig.self, from: ConfigFile.read(path), source: path,
                              defaults: CollisionPipelineConfig(),
                              optionalShapes: ["model": CollisionPredictorConfig(), "collectionSwarm": CollectionSwarm()])
    }

    /// The first problem with the values, if any.
    public var validationProblem: String? {
        if let (key, value) = SettingsRangeCheck.excessCount(["initialSteps": initialSteps, "rounds": rounds, "roundSteps": roundSteps,
                                                              "epochs": epochs, "roundEpochs": roundEpochs, "patience": patience,
                                                              "batchSize": batchSize, "lanes": lanes, "trainWorldCount": trainWorldCount,
                                                              "evalWorldCount": evalWorldCount, "evalEpisodes": evalEpisodes]) {
            return "\(key) \(value) is more than \(SettingsRangeCheck.maxCount)"
        }
        if initialSteps <= 0 { return "initialSteps must be positive, got \(initialSteps)" }
        if rounds < 0 || (rounds > 0 && roundSteps <= 0) { return "rounds must be >= 0 and roundSteps positive" }
        if !["epsilon", "gaussian"].contains(roundExploration) { return "roundExploration must be epsilon or gaussian, got \(roundExploration)" }
        if epochs <= 0 || roundEpochs < 0 || patience <= 0 { return "epochs and patience must be positive, roundEpochs >= 0" }
        if batchSize <= 0 || !(learningRate > 0) || !(positiveWeight > 0) { return "batchSize, learningRate, positiveWeight must be positive" }
        if !(validationFraction > 0 && validationFraction < 0.5) { return "validationFraction must be in (0, 0.5), got \(validationFraction)" }
        if imageWidth < 8 || imageHeight < 8 || frames < 1 || horizon < 1 { return "image at least 8x8, frames and horizon >= 1" }
        if lanes < 1 || trainWorldCount < 1 || evalWorldCount < 1 || evalEpisodes < 0 || !(evalRoute > 0) {
            return "lanes, trainWorldCount, evalWorldCount must be >= 1, evalEpisodes >= 0, evalRoute > 0"
        }
        if let p = modelConfig.validationProblem { return "model: \(p)" }
        if let p = collectionSwarm?.problem(totalLanes: lanes) { return p }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case seed, domain, robot, trainWorlds, trainWorldCount, imageWidth, imageHeight, frames, horizon, forwardSpeed, altitude
        case controlRate, collectionEpisodeTime, initialSteps, rounds, roundSteps, roundExploration, collectionPolicy, lanes
        case collectionSwarm
        case validationFraction, epochs, roundEpochs, patience, batchSize, learningRate, positiveWeight, weightDecay
        case gradientClip, rebalance, model, policy, evalWorlds, evalWorldCount, evalEpisodes, evalRoute, evalBaselines
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        func get<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try get(.seed, &seed); try get(.domain, &domain); try get(.robot, &robot)
        try get(.trainWorlds, &trainWorlds); try get(.trainWorldCount, &trainWorldCount)
        try get(.imageWidth, &imageWidth); try get(.imageHeight, &imageHeight); try get(.frames, &frames)
        try get(.horizon, &horizon); try get(.forwardSpeed, &forwardSpeed); try get(.altitude, &altitude)
        try get(.controlRate, &controlRate); try get(.collectionEpisodeTime, &collectionEpisodeTime)
        try get(.initialSteps, &initialSteps); try get(.rounds, &rounds); try get(.roundSteps, &roundSteps)
        try get(.roundExploration, &roundExploration); try get(.collectionPolicy, &collectionPolicy); try get(.lanes, &lanes)
        collectionSwarm = try c.decodeIfPresent(CollectionSwarm.self, forKey: .collectionSwarm)
        try get(.validationFraction, &validationFraction); try get(.epochs, &epochs); try get(.roundEpochs, &roundEpochs)
        try get(.patience, &patience); try get(.batchSize, &batchSize); try get(.learningRate, &learningRate)
        try get(.positiveWeight, &positiveWeight); try get(.weightDecay, &weightDecay); try get(.gradientClip, &gradientClip)
        try get(.rebalance, &rebalance)
        model = try c.decodeIfPresent(CollisionPredictorConfig.self, forKey: .model)
        try get(.policy, &policy)
        try get(.evalWorlds, &evalWorlds); try get(.evalWorldCount, &evalWorldCount); try get(.evalEpisodes, &evalEpisodes)
        try get(.evalRoute, &evalRoute); try get(.evalBaselines, &evalBaselines)
        if let p = validationProblem {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: p))
        }
    }
}
