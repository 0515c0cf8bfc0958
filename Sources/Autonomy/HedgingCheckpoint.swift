import Diagnostics
import Foundation
import Geometry
import Models
import Neural

/// The fine-tuned hedging arms' weights as `swiftlet experiment hedging` saves them
/// (`hedging-<arm>.safetensors` + `.json`) and `swiftlet fly --ocs` loads them. The metadata
/// carries what is needed to rebuild the network: the trunk config (`network`, JSON), K
/// (`actions`) and the primitives' yaw rates (`yaw_rates`, deg/s).
public enum HedgingCheckpoint {
    public static let architecture = "hedging-policy-v1"

    /// File name of an arm's checkpoint in an experiment's output directory.
    public static func fileName(_ arm: HedgingArm) -> String { "hedging-\(arm.rawValue).safetensors" }

    /// Saves `policy` (arm `arm`, trained with `settings`) to `path` (+ `path.json`).
    public static func save(_ policy: HedgingPolicy, arm: HedgingArm, settings s: HedgingSettings, command: String, to path: String) throws {
        let meta = CheckpointMetadata(architecture: architecture,
                                      trainingConfig: ["pretrain_epochs": "\(s.pretraining.epochs)", "finetune_epochs": "\(s.finetuning.epochs)",
                                                       "batch": "\(s.finetuning.batchSize)", "lr": "\(s.finetuning.learningRate)"],
                                      extra: ["arm": arm.rawValue, "network": policy.network.config.metadataValue, "actions": "\(policy.actions)",
                                              "yaw_rates": s.data.yawRatesDegrees.map { "\($0)" }.joined(separator: ","),
                                              "unfamiliar_threshold": "\(s.unfamiliarThreshold)", "command": command])
        try Checkpoint.save(policy.parameters, metadata: meta, to: path)
    }

    /// Loads an arm saved by `save`, checking the architecture, that K matches `yawRates` and
    /// that every tensor has the shape of the network the metadata describes. Throws
    /// `InputError` naming the file and the mismatch.
    public static func load(_ path: String, yawRates: [Double]) throws -> HedgingPolicy {
        let (loaded, meta) = try Checkpoint.load(path)
        guard let meta else { throw InputError(path, "no swiftlet metadata (expected a \(architecture) checkpoint)") }
        guard meta.architecture == architecture else {
            throw InputError(path, at: "architecture", "is \"\(meta.architecture)\", the viewer builds \"\(architecture)\"")
        }
        guard let config = meta.extra["network"].flatMap(OCSNetworkConfig.init(metadataValue:)) else {
            throw InputError(path, at: "network", "missing or invalid network config in the metadata")
        }
        guard let k = meta.extra["actions"].flatMap(Int.init), k == yawRates.count else {
            throw InputError(path, at: "actions", "\(meta.extra["actions"] ?? "missing") primitives, the viewer flies \(yawRates.count)")
        }
        if let saved = meta.extra["yaw_rates"], saved != yawRates.map({ "\($0)" }).joined(separator: ",") {
            throw InputError(path, at: "yaw_rates", "\(saved) deg/s, the viewer flies \(yawRates.map { "\($0)" }.joined(separator: ","))")
        }
        try config.requireWeights(outputs: k + 1, in: loaded, source: path)
        var rng = RNG(seed: 0)
        var policy = HedgingPolicy(actions: k, config: config, rng: &rng)
        policy.parameters = try Checkpoint.exactly(loaded, like: policy.parameters, source: path)
        return policy
    }
}
