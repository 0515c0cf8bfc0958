import Diagnostics
import Foundation
import Geometry
import Models
import Neural
import Testing
import TestSupport
@testable import Autonomy

/// Checkpoints whose metadata describes a network far larger than the file (docs/fuzzing.md,
/// findings 13-14): the policy loaders built that network, allocating its weights, before
/// comparing it with the tensors. They must refuse the file first.
@Suite struct CheckpointFuzzRegressionTests {
    /// A checkpoint with one small tensor and `metadata`, saved in a temporary directory.
    static func checkpoint(_ metadata: CheckpointMetadata, in dir: TempDir) throws -> String {
        var p = Parameters()
        p["head.bias"] = Tensor(shape: [2], data: [0.5, -0.5])
        let path = dir.file("m.safetensors")
        try Checkpoint.save(p, metadata: metadata, to: path)
        return path
    }

    @Test func hedgingMetadataNetworksLargerThanTheFileAreRefused() throws {
        let dir = TempDir("checkpoint-fuzz")
        defer { dir.remove() }
        let rates = OCSDataSettings().yawRatesDegrees
        // 4096 x 4096 x 65536 feature weights (2^40): was built before the shapes were compared
        let huge = #"{"features":65536,"filters":[1],"height":4096,"kernels":[1],"strides":[1],"width":4096}"#
        // a valid network of 17 M weights against a file holding 2
        let large = #"{"features":4096,"filters":[1],"height":64,"kernels":[1],"strides":[1],"width":64}"#
        for (network, message) in [(huge, "invalid network config"), (large, "weights")] {
            let meta = CheckpointMetadata(architecture: HedgingCheckpoint.architecture,
                                          extra: ["network": network, "actions": "\(rates.count)"])
            let path = try Self.checkpoint(meta, in: dir)
            #expect { _ = try HedgingCheckpoint.load(path, yawRates: rates) } throws: { e in
                guard let e = e as? InputError else { return false }
                return e.source == path && e.location == "network" && e.message.contains(message)
            }
        }
    }

    @Test func policyModelConfigsLargerThanTheFileAreRefused() throws {
        let dir = TempDir("checkpoint-fuzz")
        defer { dir.remove() }
        let huge = #"{"height":4096,"width":4096,"frames":1,"convs":[],"dense":[65536,128]}"#
        let large = #"{"height":64,"width":64,"frames":1,"convs":[],"dense":[4096,128]}"#
        for (config, location) in [(huge, "model_config"), (large, "config")] {
            let meta = CheckpointMetadata(architecture: CollisionPredictor.architecture, extra: ["model_config": config])
            let path = try Self.checkpoint(meta, in: dir)
            #expect { _ = try LearnedPolicy.load(path) } throws: { e in
                guard let e = e as? InputError else { return false }
                return e.source == path && e.location == location
            }
        }
    }

    /// Finding 15: planner settings stored in a policy checkpoint were decoded without the
    /// planners' own requirements, so `fly --policy` loaded the file and then trapped on
    /// `CEMPlanner`'s precondition at the first step (elites 0, or more elites than samples).
    @Test func plannerSettingsTheFlightTrapsOnAreRefusedAtLoad() throws {
        let dir = TempDir("checkpoint-fuzz")
        defer { dir.remove() }
        var rng = RNG(seed: 2)
        let config = CollisionPredictorConfig(height: 8, width: 8, frames: 1, horizon: 2, convs: [.init(filters: 2, kernel: 4, stride: 4)],
                                              dense: [4], hidden: 4, actionEmbedding: 2, headHidden: 2)
        let predictor = CollisionPredictor(config: config, rng: &rng)
        let path = dir.file("p.safetensors")
        var settings = LearnedPolicySettings.budget(initial: 64)
        try LearnedPolicy.save(predictor, settings: settings, record: CollisionTrainingRecord(), to: path)
        #expect(try LearnedPolicy.load(path).settings == settings)
        for broken in [{ (s: inout LearnedPolicySettings) in s.cem.elites = 0 }, { $0.cem.elites = $0.cem.samples + 1 },
                       { $0.mppi.smoothing = 0 }, { $0.cem.initialSamples = 1 << 40 }] {
            settings = LearnedPolicySettings.budget(initial: 64)
            broken(&settings)
            try LearnedPolicy.save(predictor, settings: settings, record: CollisionTrainingRecord(), to: path)
            #expect { _ = try LearnedPolicy.load(path) } throws: { e in
                (e as? InputError)?.location == "training_record.notes.policy_settings"
            }
        }
    }
}
