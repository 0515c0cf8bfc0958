import Diagnostics
import Foundation
import Models

/// Settings of `swiftlet experiment ocs` (METHODS.md 4, docs/ocs.md). Every key is optional in
/// a config file, which overlays the chosen preset.
public struct OCSSettings: PresetExperimentSettings, Sendable, Equatable {
    public var seed: UInt64 = 1
    /// Image size, primitives, horizon and pose sampling.
    public var data = OCSDataSettings()
    /// Training data: the catalogue's training worlds (cycling the five training families) from
    /// seed 0, `trainSamplesPerWorld` samples each.
    public var trainWorlds = 10
    public var trainSamplesPerWorld = 300
    /// In-distribution validation (the baseline's threshold): training-family worlds from seed
    /// `validationFirstSeed`.
    public var validationWorlds = 5
    public var validationSamplesPerWorld = 100
    public var validationFirstSeed: UInt64 = 200
    /// The ladder's clean test set: training-family worlds from seed `testFirstSeed` (never
    /// trained on, same distribution).
    public var testWorlds = 5
    public var testSamplesPerWorld = 100
    public var testFirstSeed: UInt64 = 400
    public var network = OCSNetworkConfig()
    public var training = OCSTrainingSettings()
    public var rewards = OCSRewardScheme()
    /// Positive (collision) weight of the classifier's sigmoid loss (the collision predictor's 10).
    public var positiveWeight = 10.0
    /// Rungs measured, in report order.
    public var rungs: [OCSRung] = OCSRung.allCases
    /// Bootstrap resamples of the test samples for every Spearman interval.
    public var bootstrapResamples = 2000
    /// Optional closed-loop flights of both policies (off unless `episodesPerWorld` > 0).
    public var closedLoop = OCSClosedLoopSettings()

    public init() {}

    public static let standard = OCSSettings()

    /// Seconds: tiny network, few samples, two epochs (used by the tests).
    public static var smoke: OCSSettings {
        var s = OCSSettings()
        s.trainWorlds = 5
        s.trainSamplesPerWorld = 40
        s.validationWorlds = 5
        s.validationSamplesPerWorld = 12
        s.testWorlds = 5
        s.testSamplesPerWorld = 8
        s.network.filters = [8, 8, 8]
        s.network.features = 16
        s.training.epochs = 2
        s.bootstrapResamples = 100
        return s
    }

    /// Throws an `InputError` naming the first setting out of range.
    public func validate(source: String = "settings") throws {
        let need = SettingsRangeCheck(source: source)
        let c = closedLoop
        try need.counts(["trainWorlds": trainWorlds, "trainSamplesPerWorld": trainSamplesPerWorld, "validationWorlds": validationWorlds,
                         "validationSamplesPerWorld": validationSamplesPerWorld, "testWorlds": testWorlds,
                         "testSamplesPerWorld": testSamplesPerWorld, "training.epochs": training.epochs,
                         "training.batchSize": training.batchSize, "bootstrapResamples": bootstrapResamples,
                         "closedLoop.episodesPerWorld": c.episodesPerWorld, "closedLoop.worlds": c.worlds])
        try need(data.imageWidth >= 8 && data.imageHeight >= 8, "data.imageWidth/imageHeight", data.imageWidth)
        try need(data.imageWidth == network.width && data.imageHeight == network.height, "network.width/height",
                 "\(network.width)x\(network.height) must equal the data's \(data.imageWidth)x\(data.imageHeight)")
        try need(network.isValid, "network", network.filters)
        try need(data.fieldOfView > 0 && data.fieldOfView < 180 && data.maxRange > 0, "data.fieldOfView", data.fieldOfView)
        try need(!data.yawRatesDegrees.isEmpty && data.yawRatesDegrees.allSatisfy { $0.isFinite && abs($0) <= 360 },
                 "data.yawRatesDegrees", data.yawRatesDegrees)
        try need(data.horizon >= 1 && data.horizon <= 100, "data.horizon", data.horizon)
        try need(data.forwardSpeed > 0 && data.altitude > 0, "data.forwardSpeed", data.forwardSpeed)
        try need(data.minClearance >= 0 && data.maxClearance > data.minClearance, "data.maxClearance", data.maxClearance)
        try need(data.margin >= 0, "data.margin", data.margin)
        try need(trainWorlds >= 1 && trainSamplesPerWorld >= 1, "trainWorlds", trainWorlds)
        try need(validationWorlds >= 1 && validationSamplesPerWorld >= 1, "validationWorlds", validationWorlds)
        try need(testWorlds >= 1 && testSamplesPerWorld >= 1, "testWorlds", testWorlds)
        let pixels = [data.imageWidth, data.imageHeight]
        try need.size("trainSamplesPerWorld", [trainWorlds, trainSamplesPerWorld] + pixels, "training image bytes")
        try need.size("validationSamplesPerWorld", [validationWorlds, validationSamplesPerWorld] + pixels, "validation image bytes")
        try need.size("testSamplesPerWorld", [testWorlds, testSamplesPerWorld] + pixels, "test image bytes")
        try need.size("bootstrapResamples", [bootstrapResamples, testWorlds, testSamplesPerWorld], "bootstrap draws")
        let sep = UInt64((trainWorlds + 4) / 5)
        try need(validationFirstSeed >= sep, "validationFirstSeed", "\(validationFirstSeed) overlaps the training seeds 0..<\(sep)")
        try need(testFirstSeed >= validationFirstSeed && testFirstSeed - validationFirstSeed >= UInt64((validationWorlds + 4) / 5),
                 "testFirstSeed", testFirstSeed)
        try need(testFirstSeed <= 999_000 && 999_000 - testFirstSeed >= UInt64((testWorlds + 4) / 5), "testFirstSeed", testFirstSeed)
        try need(training.epochs >= 1 && training.batchSize >= 1 && training.learningRate > 0 && training.gradientClip >= 0,
                 "training", training.epochs)
        try need(positiveWeight > 0, "positiveWeight", positiveWeight)
        try need(rewards.wrong < 0 && rewards.right > rewards.abstain && rewards.abstain > rewards.wrong, "rewards",
                 "\(rewards.right)/\(rewards.wrong)/\(rewards.abstain)")
        try need(!rungs.isEmpty && Set(rungs).count == rungs.count, "rungs", rungs.map(\.rawValue))
        try need(bootstrapResamples >= 10, "bootstrapResamples", bootstrapResamples)
        try need(c.episodesPerWorld >= 0 && c.worlds >= 1 && c.episodeTime > 0, "closedLoop", c.episodesPerWorld)
        try need(c.rung.corruption != nil, "closedLoop.rung", "\(c.rung.rawValue) (a pixel rung: noise, blur, fog, brightness)")
        try need(!c.severities.isEmpty && c.severities.allSatisfy { (0...5).contains($0) }, "closedLoop.severities", c.severities)
    }
}
