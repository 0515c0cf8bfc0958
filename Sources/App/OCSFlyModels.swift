import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Neural

/// Loading (from an experiment's output directory) or training (at startup) the policy of
/// `swiftlet fly --ocs`.
public enum OCSFlyModels {
    /// Loads `policy` from `dir`, written by `swiftlet experiment ocs` (`rewardRegression` /
    /// `safetyClassifier.safetensors`, whose metadata carries the classifier's threshold) or
    /// `swiftlet experiment hedging` (`hedging-<arm>.safetensors`). Both record their network in
    /// the metadata (`network`, and K as `actions`); an OCS checkpoint written before session 9
    /// has neither and is built with `network` (the `--ocs-preset`'s / `--ocs-config`'s). Throws
    /// `InputError` naming the file and the mismatch when the architecture, K or any tensor shape
    /// differs from what the viewer builds.
    public static func load(_ dir: String, policy: OCSFlyPolicyName, network: OCSNetworkConfig, data: OCSDataSettings) throws -> OCSFlightPolicy {
        let path = (dir as NSString).appendingPathComponent(policy.fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(path, "not found: --ocs-policy \(policy.rawValue) needs a directory written by `\(policy.experiment) --out DIR`")
        }
        if let arm = policy.arm {
            return .hedging(try HedgingCheckpoint.load(path, yawRates: data.yawRatesDegrees), arm: arm)
        }
        let kind = policy.ocsKind!
        let (loaded, meta) = try Checkpoint.load(path)
        let expected = OCSReport.architecture(kind)
        guard let meta else { throw InputError(path, "no swiftlet metadata (expected a \(expected) checkpoint)") }
        guard meta.architecture == expected else {
            throw InputError(path, at: "architecture", "is \"\(meta.architecture)\", the viewer builds \"\(expected)\" for --ocs-policy \(policy.rawValue)")
        }
        var built = network
        if let text = meta.extra["network"] {
            guard let saved = OCSNetworkConfig(metadataValue: text) else { throw InputError(path, at: "network", "invalid network config in the metadata: \(text)") }
            built = saved
        }
        if let k = meta.extra["actions"], Int(k) != data.yawRatesDegrees.count {
            throw InputError(path, at: "actions", "\(k) primitives, the viewer flies \(data.yawRatesDegrees.count)")
        }
        // a network read from the metadata is sized against the file before it is built
        if meta.extra["network"] != nil {
            try built.requireWeights(outputs: OCSModel.outputCount(kind, actions: data.yawRatesDegrees.count), in: loaded, source: path)
        }
        var rng = RNG(seed: 0)
        // the weight is only the training loss's, but the model refuses (traps on) any but a positive one
        let weight = meta.trainingConfig["positive_weight"].map { Double($0) ?? .nan } ?? 10
        guard weight > 0, weight.isFinite else {
            throw InputError(path, at: "positive_weight", "must be a positive number, got \"\(meta.trainingConfig["positive_weight"] ?? "")\"")
        }
        var model = OCSModel(kind: kind, actions: data.yawRatesDegrees.count, config: built, positiveWeight: weight, rng: &rng)
        do {
            model.parameters = try Checkpoint.exactly(loaded, like: model.parameters, source: path)
        } catch var e as InputError where meta.extra["network"] == nil {
            e.message += " (this checkpoint records no network config: pass the --ocs-preset / --ocs-config the models were trained with)"
            throw e
        }
        switch kind {
        case .rewardRegression:
            return .rewardRegression(model)
        case .safetyClassifier:
            guard let t = meta.extra["threshold"].flatMap(Double.init), (0...1).contains(t) else {
                throw InputError(path, at: "threshold", "missing or not in 0...1: \"\(meta.extra["threshold"] ?? "")\"")
            }
            return .classifier(model, threshold: t)
        }
    }

    /// Trains `policy` as its experiment does (`OCSExperiment.run` on `ocs` with only the noise
    /// rung, or `HedgingExperiment.run` on `hedging` without ladder or risk part), returning the
    /// model the experiment would save. `log` gets a start and an end line, `sink` the progress.
    public static func train(_ policy: OCSFlyPolicyName, ocs: OCSSettings, hedging: HedgingSettings, progress sink: Diagnostics.Progress.Sink = .silent,
                             log: (String) -> Void = { _ in }) throws -> OCSFlightPolicy {
        let start = Stopwatch.now()
        let result: OCSFlightPolicy
        if let arm = policy.arm {
            var s = hedging
            s.ladderRungs = []
            s.risk.enabled = false
            log("training the hedging policy (\(s.pretrainWorlds * s.pretrainSamplesPerWorld) pre-training and \(s.finetuneWorlds * s.finetuneSamplesPerWorld) fine-tuning images, the \(arm.rawValue) arm) ...")
            let progress = Diagnostics.Progress(label: "hedging", total: HedgingExperiment.workUnits(s, arms: 1), unit: "step", sink: sink)
            let r = try HedgingExperiment.run(s, arms: [arm], progress: progress)
            progress.finish()
            result = .hedging(r.arms.first { $0.arm == arm }!.model, arm: arm)
        } else {
            var s = ocs
            s.rungs = [.noise]
            s.closedLoop.episodesPerWorld = 0
            log("training the OCS models (\(s.trainWorlds * s.trainSamplesPerWorld) images, \(s.training.epochs) epochs each) ...")
            let progress = Diagnostics.Progress(label: "ocs", total: OCSExperiment.workUnits(s), unit: "step", sink: sink)
            let r = try OCSExperiment.run(s, progress: progress)
            progress.finish()
            result = OCSFlightPolicy(r.models.first { $0.model.kind == policy.ocsKind }!)
        }
        log(String(format: "%@ ready in %.1f s", result.name, Stopwatch.now() - start))
        return result
    }
}
