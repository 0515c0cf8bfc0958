import Diagnostics
import Foundation
import Models

/// Settings of `swiftlet experiment hedging` (METHODS.md 5, docs/hedging.md). Every key is
/// optional in a config file, which overlays the chosen preset.
public struct HedgingSettings: PresetExperimentSettings, Sendable, Equatable {
    public var seed: UInt64 = 1
    /// Image size, primitives, horizon and pose sampling (as the OCS experiment).
    public var data = OCSDataSettings()
    public var network = OCSNetworkConfig()
    /// Pre-training: the catalogue's training worlds from seed 0.
    public var pretrainWorlds = 10
    public var pretrainSamplesPerWorld = 300
    public var pretraining = OCSTrainingSettings()
    /// Fine-tuning: further training-family worlds from seed `finetuneFirstSeed`.
    public var finetuneWorlds = 10
    public var finetuneSamplesPerWorld = 200
    public var finetuneFirstSeed: UInt64 = 200
    public var finetuning: OCSTrainingSettings = {
        var t = OCSTrainingSettings()
        t.epochs = 8
        return t
    }()
    /// Test: `testWorlds` training-family worlds from seed `testFirstSeed` plus the first
    /// `heldOutTestWorlds` of the catalogue's held-out worlds, `testSamplesPerWorld` each.
    public var testWorlds = 5
    public var heldOutTestWorlds = 6
    public var testSamplesPerWorld = 100
    public var testFirstSeed: UInt64 = 400
    /// A fine-tuning example is unfamiliar when the base model is right with probability <= this.
    public var unfamiliarThreshold = HedgingLabels.defaultThreshold
    /// The control arm's relabel action: a primitive index (4 = +40 deg/s, the hardest left turn).
    public var controlAction = 4
    /// Share of test scenes in the least / most familiar group.
    public var groupFraction = 0.2
    /// Pixel rungs of the OCS ladder measured on the in-distribution test scenes (severities 0..5).
    public var ladderRungs: [OCSRung] = [.noise, .blur, .fog, .brightness]
    /// The risk-model part (safety classifier, conservative relabelling, flights); off by default.
    public var risk = HedgingRiskSettings()

    public init() {}

    public static let standard = HedgingSettings()

    /// Seconds: tiny network, few samples, two epochs (used by the tests).
    public static var smoke: HedgingSettings {
        var s = HedgingSettings()
        s.pretrainWorlds = 5
        s.pretrainSamplesPerWorld = 30
        s.finetuneWorlds = 5
        s.finetuneSamplesPerWorld = 20
        s.testWorlds = 5
        s.heldOutTestWorlds = 2
        s.testSamplesPerWorld = 8
        s.network.filters = [8, 8, 8]
        s.network.features = 16
        s.pretraining.epochs = 2
        s.finetuning.epochs = 2
        s.ladderRungs = [.noise, .blur]
        return s
    }

    /// Throws an `InputError` naming the first setting out of range.
    public func validate(source: String = "settings") throws {
        let need = SettingsRangeCheck(source: source)
        let f = risk.flights
        try need.counts(["pretrainWorlds": pretrainWorlds, "pretrainSamplesPerWorld": pretrainSamplesPerWorld,
                         "finetuneWorlds": finetuneWorlds, "finetuneSamplesPerWorld": finetuneSamplesPerWorld, "testWorlds": testWorlds,
                         "heldOutTestWorlds": heldOutTestWorlds, "testSamplesPerWorld": testSamplesPerWorld,
                         "pretraining.epochs": pretraining.epochs, "pretraining.batchSize": pretraining.batchSize,
                         "finetuning.epochs": finetuning.epochs, "finetuning.batchSize": finetuning.batchSize,
                         "risk.bootstrapResamples": risk.bootstrapResamples, "risk.flights.episodesPerWorld": f.episodesPerWorld,
                         "risk.flights.worlds": f.worlds])
        try need(data.imageWidth == network.width && data.imageHeight == network.height, "network.width/height",
                 "\(network.width)x\(network.height) must equal the data's \(data.imageWidth)x\(data.imageHeight)")
        try need(network.isValid, "network", network.filters)
        try need(!data.yawRatesDegrees.isEmpty && data.yawRatesDegrees.allSatisfy { $0.isFinite && abs($0) <= 360 },
                 "data.yawRatesDegrees", data.yawRatesDegrees)
        try need(data.horizon >= 1 && data.horizon <= 100, "data.horizon", data.horizon)
        try need(data.minClearance >= 0 && data.maxClearance > data.minClearance, "data.maxClearance", data.maxClearance)
        try need(pretrainWorlds >= 1 && pretrainSamplesPerWorld >= 1, "pretrainWorlds", pretrainWorlds)
        try need(finetuneWorlds >= 1 && finetuneSamplesPerWorld >= 1, "finetuneWorlds", finetuneWorlds)
        try need(testWorlds >= 1 && heldOutTestWorlds >= 0 && testSamplesPerWorld >= 1, "testWorlds", testWorlds)
        let pixels = [data.imageWidth, data.imageHeight]
        try need.size("pretrainSamplesPerWorld", [pretrainWorlds, pretrainSamplesPerWorld] + pixels, "pre-training image bytes")
        try need.size("finetuneSamplesPerWorld", [finetuneWorlds, finetuneSamplesPerWorld] + pixels, "fine-tuning image bytes")
        try need.size("testSamplesPerWorld", [testWorlds + heldOutTestWorlds, testSamplesPerWorld] + pixels, "test image bytes")
        let sep = UInt64((pretrainWorlds + 4) / 5)
        try need(finetuneFirstSeed >= sep, "finetuneFirstSeed", "\(finetuneFirstSeed) overlaps the pre-training seeds 0..<\(sep)")
        try need(testFirstSeed >= finetuneFirstSeed && testFirstSeed - finetuneFirstSeed >= UInt64((finetuneWorlds + 4) / 5),
                 "testFirstSeed", testFirstSeed)
        try need(testFirstSeed <= 999_000 && 999_000 - testFirstSeed >= UInt64((testWorlds + 4) / 5), "testFirstSeed", testFirstSeed)
        for (key, t) in [("pretraining", pretraining), ("finetuning", finetuning)] {
            try need(t.epochs >= 0 && t.batchSize >= 1 && t.learningRate > 0 && t.gradientClip >= 0, key, t.epochs)
        }
        try need(unfamiliarThreshold >= 0 && unfamiliarThreshold <= 1, "unfamiliarThreshold", unfamiliarThreshold)
        try need(controlAction >= 0 && controlAction < data.yawRatesDegrees.count, "controlAction", controlAction)
        try need(groupFraction > 0 && groupFraction <= 0.5, "groupFraction", groupFraction)
        try need(ladderRungs.allSatisfy { $0.corruption != nil } && Set(ladderRungs).count == ladderRungs.count, "ladderRungs",
                 ladderRungs.map(\.rawValue))
        try need(risk.positiveWeight > 0 && risk.positiveWeight.isFinite, "risk.positiveWeight", risk.positiveWeight)
        try need(!risk.enabled || heldOutTestWorlds >= 1, "heldOutTestWorlds", "\(heldOutTestWorlds) (the risk part needs held-out test scenes)")
        try need(risk.bootstrapResamples >= 1, "risk.bootstrapResamples", risk.bootstrapResamples)
        try need(f.episodesPerWorld >= 0 && f.worlds >= 1 && f.episodeTime > 0, "risk.flights", f.episodesPerWorld)
        try need(f.rung.corruption != nil, "risk.flights.rung", "\(f.rung.rawValue) (a pixel rung: noise, blur, fog, brightness)")
        try need(!f.severities.isEmpty && f.severities.allSatisfy { (0...5).contains($0) }, "risk.flights.severities", f.severities)
    }
}
