import Diagnostics
import Foundation
import Geometry
import Models
import Rendering
import Runtime
import World

/// `swiftlet experiment ocs`: data, both models, the familiarity ladder (METHODS.md 4,
/// docs/ocs.md). Single-threaded apart from the Neural engine's fixed two-half splits, so the
/// result is bit-identical for a seed.
public enum OCSExperiment {
    /// Progress units of a run (world data sets, epochs, ladder levels).
    public static func workUnits(_ s: OCSSettings) -> Int {
        s.trainWorlds + s.validationWorlds + s.testWorlds + 2 * s.training.epochs + s.rungs.count * ImageCorruption.maxSeverity
            + OCSClosedLoop.workUnits(s)
    }

    /// World specs of the three splits (training families, disjoint seed ranges).
    public static func specs(_ s: OCSSettings) -> (train: [String], validation: [String], test: [String]) {
        (WorldCatalog.trainingSpecs(count: s.trainWorlds),
         WorldCatalog.trainingSpecs(count: s.validationWorlds, firstSeed: s.validationFirstSeed),
         WorldCatalog.trainingSpecs(count: s.testWorlds, firstSeed: s.testFirstSeed))
    }

    /// The pose-sampling RNG of world `w` of a split: the shapes rung redraws test poses with it.
    static func poseRNG(_ s: OCSSettings, split: UInt64, world: Int) -> RNG {
        RNG(seed: RNG.mix(RNG.mix(s.seed, split), UInt64(world)), stream: 0x4f43_5350)
    }

    /// Samples `perWorld` labelled images in each scene.
    static func sample(_ sampler: OCSSampler, scenes: [Scene], perWorld: Int, settings s: OCSSettings, split: UInt64,
                       progress: Diagnostics.Progress?) throws -> OCSDataset {
        var data = OCSDataset(width: s.data.imageWidth, height: s.data.imageHeight, actions: s.data.yawRatesDegrees.count)
        for (w, scene) in scenes.enumerated() {
            var rng = poseRNG(s, split: split, world: w)
            data.append(try sampler.sample(scene: scene, world: w, count: perWorld, rng: &rng))
            progress?.advance(note: scene.name)
        }
        return data
    }

    public static func run(_ s: OCSSettings, progress: Diagnostics.Progress? = nil) throws -> OCSResult {
        try s.validate()
        let sampler = try OCSSampler(settings: s.data)
        let names = specs(s)
        let trainScenes = try names.train.map { try WorldGenerators.make($0) }
        let validationScenes = try names.validation.map { try WorldGenerators.make($0) }
        let testScenes = try names.test.map { try WorldGenerators.make($0) }
        let train = try sample(sampler, scenes: trainScenes, perWorld: s.trainSamplesPerWorld, settings: s, split: 0, progress: progress)
        let validation = try sample(sampler, scenes: validationScenes, perWorld: s.validationSamplesPerWorld, settings: s, split: 1, progress: progress)
        let test = try sample(sampler, scenes: testScenes, perWorld: s.testSamplesPerWorld, settings: s, split: 2, progress: progress)

        // both models: same trunk architecture, same data, own initialisation and shuffling
        var summaries: [OCSModelSummary] = []
        for (m, kind) in [OCSModelKind.rewardRegression, .safetyClassifier].enumerated() {
            var rng = RNG(seed: RNG.mix(s.seed, 0x6d6f_6465_6c00 + UInt64(m)))
            var model = OCSModel(kind: kind, actions: train.actions, config: s.network, positiveWeight: s.positiveWeight, rng: &rng)
            let losses = OCSTrainer.train(&model, images: train.images, collisions: train.collisions, rewards: s.rewards,
                                          settings: s.training, rng: &rng) { epoch, loss in
                progress?.advance(note: "\(kind.rawValue) epoch \(epoch) loss \(Statistics.format(loss, digits: 4))")
            }
            let p = model.predict(images: validation.images, count: validation.count)
            var threshold: Double?
            let decisions: [Int?]
            if kind == .safetyClassifier {
                let t = OCSDecisions.bestThreshold(p, data: validation, rewards: s.rewards)
                threshold = t.threshold
                decisions = (0..<validation.count).map { OCSDecisions.classifier(p, $0, threshold: t.threshold) }
            } else {
                decisions = (0..<validation.count).map { OCSDecisions.rewardRegression(p, $0) }
            }
            summaries.append(OCSModelSummary(
                model: model, ocs: model.optimalConstant(collisions: train.collisions, rewards: s.rewards), trainLosses: losses,
                validationLoss: OCSTrainer.loss(model, images: validation.images, collisions: validation.collisions, rewards: s.rewards),
                validationReward: OCSDecisions.meanReward(decisions, data: validation, rewards: s.rewards),
                validationAbstainRate: Double(decisions.filter { $0 == nil }.count) / Double(decisions.count), threshold: threshold))
        }

        // the ladder: severity 0 is the clean test set for every rung
        let clean = measure(test, summaries, s)
        var levels: [OCSLevel] = []
        for (r, rung) in s.rungs.enumerated() {
            levels.append(OCSLevel(rung: rung, severity: 0, models: clean, collisionRate: mean(test.collisions)))
            let textured = rung == .textures ? try texturedImages(test, scenes: testScenes, sampler: sampler) : []
            for severity in 1...ImageCorruption.maxSeverity {
                let data: OCSDataset
                switch rung {
                case .textures:
                    data = test.replacingImages(ImageCorruption.blend(test.images, textured, alpha: OCSLadder.textureBlend[severity]))
                case .shapes:
                    let scenes = testScenes.enumerated().map { w, scene in
                        OCSLadder.boulders(scene, fraction: OCSLadder.shapeFractions[severity], seed: RNG.mix(s.seed, UInt64(w)))
                    }
                    data = try sample(sampler, scenes: scenes, perWorld: s.testSamplesPerWorld, settings: s, split: 2, progress: nil)
                default:
                    let c = rung.corruption!
                    let base = RNG(seed: RNG.mix(RNG.mix(s.seed, 0x636f_7272 + UInt64(r)), UInt64(severity)))
                    var images = [UInt8]()
                    images.reserveCapacity(test.images.count)
                    let n = test.pixels
                    for i in 0..<test.count {
                        var rng = base.derived(UInt64(i))
                        images += c.apply(severity: severity, gray: Array(test.images[(i * n)..<((i + 1) * n)]),
                                          depth: Array(test.depth[(i * n)..<((i + 1) * n)]), width: test.width, height: test.height, rng: &rng)
                    }
                    data = test.replacingImages(images)
                }
                levels.append(OCSLevel(rung: rung, severity: severity, models: measure(data, summaries, s), collisionRate: mean(data.collisions)))
                progress?.advance(note: "\(rung.rawValue) severity \(severity)")
            }
        }
        // beyond the ladder: images without information, on the clean test labels
        var noiseRNG = RNG(seed: RNG.mix(s.seed, 0x6578_7472))
        let blank = test.replacingImages([UInt8](repeating: 128, count: test.images.count))
        let uniform = test.replacingImages((0..<test.images.count).map { _ in UInt8(noiseRNG.int(below: 256)) })
        let extremes = [blank, uniform].map { d in
            OCSLevel(rung: .noise, severity: ImageCorruption.maxSeverity + 1, models: measure(d, summaries, s), collisionRate: mean(d.collisions))
        }
        let closedLoop = try OCSClosedLoop.run(s, models: summaries, robot: sampler.robot, progress: progress)
        return OCSResult(settings: s, trainCollisionRates: train.collisionRates, validationCollisionRates: validation.collisionRates,
                         testCollisionRates: test.collisionRates, trainCount: train.count, validationCount: validation.count,
                         testCount: test.count, models: summaries, levels: levels, extremes: extremes, closedLoop: closedLoop)
    }

    /// The test poses rendered in worlds whose materials carry held-out textures, textures drawn.
    static func texturedImages(_ test: OCSDataset, scenes: [Scene], sampler: OCSSampler) throws -> [UInt8] {
        var images = [UInt8]()
        let swapped = scenes.map(OCSLadder.heldOutTextures)
        let models = try swapped.map { try EnvModel(scene: $0, robot: sampler.robot, settings: sampler.settings.envSettings) }
        let renderers = swapped.map { Renderer(scene: $0, profile: OCSLadder.texturedProfile) }
        for p in test.poses { images += sampler.render(p, renderer: renderers[p.world], model: models[p.world]).images }
        return images
    }

    /// Names of `OCSResult.extremes`.
    public static let extremeNames = ["blank", "uniform noise"]

    /// Both models' per-sample measurements on `data`.
    public static func measure(_ data: OCSDataset, _ models: [OCSModelSummary], _ s: OCSSettings) -> [OCSModelLevel] {
        models.map { m in
            let p = m.model.predict(images: data.images, count: data.count)
            var out = OCSModelLevel()
            for i in 0..<data.count {
                let a = m.model.kind == .rewardRegression ? OCSDecisions.rewardRegression(p, i)
                                                          : OCSDecisions.classifier(p, i, threshold: m.threshold ?? 0)
                out.distance.append(p.distance(i, to: m.ocs))
                out.featureNorm.append(Double(p.featureNorms[i]))
                out.abstained.append(a == nil)
                out.reward.append(s.rewards.reward(action: a) { data.isSafe(i, $0) })
            }
            out.meanOutputs = (0..<p.width).map { k in
                (0..<data.count).reduce(0.0) { $0 + Double(p.outputs[$1 * p.width + k]) } / Double(max(1, data.count))
            }
            return out
        }
    }

    static func mean(_ x: [Float]) -> Double { x.isEmpty ? 0 : x.reduce(0.0) { $0 + Double($1) } / Double(x.count) }
}
