import Diagnostics
import Foundation
import Geometry
import Models
import Neural
import Testing
import TestSupport
@testable import App
@testable import Autonomy

/// `fly --ocs --ocs-models DIR` (docs/fuzzing.md, finding 22).
@Suite struct OCSFlyFuzzRegressionTests {
    /// Finding 22: a checkpoint's `positive_weight` (a training setting the viewer does not use)
    /// was passed to `OCSModel`, whose precondition traps on anything but a positive weight:
    /// "nan", "0" or "-1" loaded to a trap. It is refused; a missing one still loads.
    @Test func positiveWeightsTheModelTrapsOnAreRefused() throws {
        let dir = TempDir("ocsfly-fuzz")
        defer { dir.remove() }
        let network = OCSSettings.smoke.network, data = OCSSettings.smoke.data
        var rng = RNG(seed: 5)
        let model = OCSModel(kind: .rewardRegression, actions: data.yawRatesDegrees.count, config: network, positiveWeight: 10, rng: &rng)
        let path = dir.file(OCSFlyPolicyName.regression.fileName)
        func save(_ weight: String?) throws {
            var config = ["epochs": "2"]
            config["positive_weight"] = weight
            try Checkpoint.save(model.parameters, metadata: CheckpointMetadata(
                architecture: OCSReport.architecture(.rewardRegression), trainingConfig: config,
                extra: ["network": network.metadataValue, "actions": "\(model.actions)"]), to: path)
        }
        for weight in ["nan", "0", "-1", "inf", "ten"] {
            try save(weight)
            #expect { _ = try OCSFlyModels.load(dir.path, policy: .regression, network: network, data: data) } throws: { e in
                guard let e = e as? InputError else { return false }
                return e.source == path && e.location == "positive_weight" && e.message.contains("\"\(weight)\"")
            }
        }
        for weight in ["10.0", nil] {
            try save(weight)
            let policy = try OCSFlyModels.load(dir.path, policy: .regression, network: network, data: data)
            // usable: one prediction on a frame of the network's size
            let p = policy.predict(images: [UInt8](repeating: 120, count: network.height * network.width), count: 1)
            #expect(policy.risk(p, 0).count == data.yawRatesDegrees.count)
        }
    }
}
