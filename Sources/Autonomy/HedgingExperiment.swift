import Diagnostics
import Foundation
import Geometry
import Models
import Rendering
import World

/// `swiftlet experiment hedging` (METHODS.md 5, docs/hedging.md): pre-train a policy over the K
/// primitives + hover, split the fine-tuning set by the base model's familiarity, fine-tune three
/// arms from the same base weights (unfamiliar examples left, relabelled to hover, relabelled to a
/// fixed primitive) and measure their actions on test scenes ranked by the base model's
/// familiarity and along the OCS ladder's pixel rungs. Single-threaded apart from the Neural
/// engine's fixed splits, so the result is bit-identical for a seed.
public enum HedgingExperiment {
    /// Progress units of a run fine-tuning `arms` arms (world data sets, epochs, ladder levels).
    public static func workUnits(_ s: HedgingSettings, arms: Int = HedgingArm.allCases.count) -> Int {
        s.pretrainWorlds + s.finetuneWorlds + s.testWorlds + s.heldOutTestWorlds + s.pretraining.epochs
            + arms * s.finetuning.epochs + s.ladderRungs.count * ImageCorruption.maxSeverity
            + HedgingRisk.workUnits(s)
    }

    /// World specs: pre-training, fine-tuning, test (in-distribution worlds, then held-out worlds).
    public static func specs(_ s: HedgingSettings) -> (pretrain: [String], finetune: [String], test: [String]) {
        (WorldCatalog.trainingSpecs(count: s.pretrainWorlds),
         WorldCatalog.trainingSpecs(count: s.finetuneWorlds, firstSeed: s.finetuneFirstSeed),
         WorldCatalog.trainingSpecs(count: s.testWorlds, firstSeed: s.testFirstSeed) + WorldCatalog.heldOutSpecs(count: s.heldOutTestWorlds))
    }

    /// `perWorld` labelled samples in each world of `names`, pose RNG per (split, world).
    static func sample(_ sampler: OCSSampler, names: [String], perWorld: Int, seed: UInt64, split: UInt64,
                       progress: Diagnostics.Progress?) throws -> OCSDataset {
        var data = OCSDataset(width: sampler.settings.imageWidth, height: sampler.settings.imageHeight,
                              actions: sampler.settings.yawRatesDegrees.count)
        for (w, name) in names.enumerated() {
            var rng = RNG(seed: RNG.mix(RNG.mix(seed, split), UInt64(w)), stream: 0x4845_4447)
            data.append(try sampler.sample(scene: try WorldGenerators.make(name), world: w, count: perWorld, rng: &rng))
            progress?.advance(note: name)
        }
        return data
    }

    /// Fine-tunes a copy of `base` on `labels` with the fine-tuning shuffle seed shared by every
    /// arm (so arms with equal labels end bit-identical).
    public static func finetune(_ base: HedgingPolicy, images: [UInt8], labels: [Int], settings s: HedgingSettings,
                                onEpoch: ((Int, Double) -> Void)? = nil) -> (model: HedgingPolicy, losses: [Double]) {
        var model = base
        var rng = RNG(seed: RNG.mix(s.seed, 0x6669_6e65))
        let losses = model.train(images: images, labels: labels, settings: s.finetuning, rng: &rng, onEpoch: onEpoch)
        return (model, losses)
    }

    /// The experiment. `arms` picks the fine-tuning arms to train (all by default; the viewer
    /// trains only the one it flies): each starts from the same base weights with the same
    /// shuffle seed, so an arm's model does not depend on which other arms are trained.
    public static func run(_ s: HedgingSettings, arms armSet: [HedgingArm] = HedgingArm.allCases,
                           progress: Diagnostics.Progress? = nil) throws -> HedgingResult {
        try s.validate()
        let sampler = try OCSSampler(settings: s.data)
        let names = specs(s)
        let yaw = s.data.yawRatesDegrees
        let pretrain = try sample(sampler, names: names.pretrain, perWorld: s.pretrainSamplesPerWorld, seed: s.seed, split: 0, progress: progress)
        let finetune = try sample(sampler, names: names.finetune, perWorld: s.finetuneSamplesPerWorld, seed: s.seed, split: 1, progress: progress)
        let test = try sample(sampler, names: names.test, perWorld: s.testSamplesPerWorld, seed: s.seed, split: 2, progress: progress)

        // the base model: pre-trained on the standard labels of the pre-training worlds
        var initRNG = RNG(seed: RNG.mix(s.seed, 0x6261_7365))
        var base = HedgingPolicy(actions: pretrain.actions, config: s.network, rng: &initRNG)
        let pretrainLosses = base.train(images: pretrain.images, labels: HedgingLabels.standard(pretrain, yawRates: yaw),
                                        settings: s.pretraining, rng: &initRNG) { e, l in
            progress?.advance(note: "pre-training epoch \(e) loss \(Statistics.format(l, digits: 4))")
        }

        // the familiarity split of the fine-tuning set
        let labels = HedgingLabels.standard(finetune, yawRates: yaw)
        let p = HedgingLabels.probabilityCorrect(base.probabilities(images: finetune.images, count: finetune.count), finetune)
        let unfamiliar = HedgingLabels.unfamiliar(p, threshold: s.unfamiliarThreshold)

        // test familiarity: the base model's largest class probability (no labels needed)
        let testFamiliarity = HedgingLabels.maxProbability(base.probabilities(images: test.images, count: test.count))
        let inDistribution = s.testWorlds * s.testSamplesPerWorld
        let clean = subset(test, 0..<inDistribution)

        var arms: [HedgingArmResult] = []
        for arm in HedgingArm.allCases where armSet.contains(arm) {
            let action = arm.relabelAction(actions: finetune.actions, controlAction: s.controlAction)
            let armLabels = HedgingLabels.relabel(labels, unfamiliar: unfamiliar, to: action)
            let start = base.parameters
            let (model, losses) = HedgingExperiment.finetune(base, images: finetune.images, labels: armLabels, settings: s) { e, l in
                progress?.advance(note: "\(arm.rawValue) epoch \(e) loss \(Statistics.format(l, digits: 4))")
            }
            let acts = actions(model, test)
            arms.append(HedgingArmResult(arm: arm, relabelAction: action, startParameters: start, model: model, losses: losses,
                                         changedLabels: zip(armLabels, labels).filter { $0 != $1 }.count, actions: acts,
                                         correct: acts.indices.map { HedgingLabels.isCorrect(acts[$0], test, $0) }))
        }

        // the OCS ladder's pixel rungs on the in-distribution test scenes
        var ladder: [HedgingLadderRow] = []
        for (r, rung) in s.ladderRungs.enumerated() {
            let c = rung.corruption!
            for severity in 0...ImageCorruption.maxSeverity {
                var data = clean
                if severity > 0 {
                    let baseRNG = RNG(seed: RNG.mix(RNG.mix(s.seed, 0x636f_7272 + UInt64(r)), UInt64(severity)))
                    var images = [UInt8]()
                    images.reserveCapacity(clean.images.count)
                    let n = clean.pixels
                    for i in 0..<clean.count {
                        var rng = baseRNG.derived(UInt64(i))
                        images += c.apply(severity: severity, gray: Array(clean.images[(i * n)..<((i + 1) * n)]),
                                          depth: Array(clean.depth[(i * n)..<((i + 1) * n)]), width: clean.width, height: clean.height, rng: &rng)
                    }
                    data = clean.replacingImages(images)
                }
                for a in arms {
                    let acts = actions(a.model, data)
                    ladder.append(HedgingLadderRow(rung: rung, severity: severity, arm: a.arm, samples: data.count,
                                                   hover: acts.filter { $0 == data.actions }.count,
                                                   controlAction: acts.filter { $0 == s.controlAction }.count,
                                                   correct: acts.indices.filter { HedgingLabels.isCorrect(acts[$0], data, $0) }.count))
                }
                if severity > 0 { progress?.advance(note: "\(rung.rawValue) severity \(severity)") }
            }
        }
        // the risk-model part: a safety classifier in two arms, flown in held-out worlds
        let risk = s.risk.enabled
            ? try HedgingRisk.run(s, pretrain: pretrain, finetune: finetune, validation: clean, heldOut: subset(test, inDistribution..<test.count),
                                  robot: sampler.robot, progress: progress)
            : nil
        return HedgingResult(settings: s, pretrainCount: pretrain.count, base: base, pretrainLosses: pretrainLosses, finetuneLabels: labels,
                             finetuneP: p, unfamiliar: unfamiliar, testFamiliarity: testFamiliarity,
                             testHeldOut: (0..<test.count).map { $0 >= inDistribution }, testStandardLabels: HedgingLabels.standard(test, yawRates: yaw),
                             arms: arms, ladder: ladder, risk: risk)
    }

    /// Arg-max class of `model` on every sample of `data`.
    static func actions(_ model: HedgingPolicy, _ data: OCSDataset) -> [Int] {
        let p = model.probabilities(images: data.images, count: data.count)
        return (0..<data.count).map { HedgingLabels.argmax(p, $0) }
    }

    /// Samples `range` of `data`.
    static func subset(_ data: OCSDataset, _ range: Range<Int>) -> OCSDataset {
        var d = OCSDataset(width: data.width, height: data.height, actions: data.actions)
        let n = data.pixels, k = data.actions
        d.images = Array(data.images[(range.lowerBound * n)..<(range.upperBound * n)])
        d.depth = Array(data.depth[(range.lowerBound * n)..<(range.upperBound * n)])
        d.collisions = Array(data.collisions[(range.lowerBound * k)..<(range.upperBound * k)])
        d.poses = Array(data.poses[range])
        return d
    }
}
