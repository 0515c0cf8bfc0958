import Foundation
import Geometry
@testable import Autonomy
import Models
import Neural
import Planning

/// The `policy` target: a safetensors checkpoint given to the loaders that rebuild a network
/// from its metadata and then read its tensors: `fly --policy` / `eval --policy`
/// (`LearnedPolicy.load`, model config and planner settings in the metadata), `experiment gts
/// --models DIR` (`GtSCheckpoints`, which also checks the training record against the config),
/// the hedging arms (`HedgingCheckpoint.load`) and the OCS network config every OCS checkpoint
/// carries (`OCSNetworkConfig(metadataValue:)`). A checkpoint that loads must be one the
/// network can run on (its tensors have the shapes the metadata's network needs).
enum FuzzPolicies {
    static let scratch = FuzzScratch.path("policy.safetensors")

    /// The GtS config the seeds were trained as (a small network, so inputs stay small).
    static let gts: GtSExperimentConfig = {
        var c = GtSExperimentConfig()
        c.imageWidth = 16
        c.imageHeight = 12
        c.model.convs = [CollisionPredictorConfig.Conv(filters: 2, kernel: 4, stride: 4)]
        c.model.dense = [4]
        c.model.hidden = 4
        c.model.actionEmbedding = 2
        c.model.headHidden = 2
        c.model.horizon = 2
        return c
    }()

    static let yawRates = OCSDataSettings().yawRatesDegrees

    static func run(_ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: scratch, contents: Data(bytes)) else { fatalError("cannot write \(scratch)") }
        if let (predictor, settings, _) = try? LearnedPolicy.load(scratch) {
            // what flying it builds first: the parameters of every layer, the planner's sizes
            let c = predictor.config
            _ = LearnedPolicy(predictor: predictor, settings: settings)
            // the planners `act` builds at the first step (their preconditions trap on bad
            // settings); only when small, as a flight would allocate them too
            if c.actionDim == 1, c.sequenceSize * settings.maxBatch <= 1 << 22 {
                let space = ActionSpace(horizon: c.horizon, lower: [-1], upper: [1])
                _ = CEMPlanner(space: space, settings: settings.cem)
                _ = MPPIPlanner(space: space, settings: settings.mppi)
            }
        }
        _ = try? GtSCheckpoints.checked(gts, file: scratch, method: GtSExperiment.simOnly, hours: 0)
        _ = try? HedgingCheckpoint.load(scratch, yawRates: yawRates)
        if let (_, meta) = try? Checkpoint.decode(Data(bytes), source: "fuzz.safetensors"),
           let text = meta?.extra["network"], let config = OCSNetworkConfig(metadataValue: text) {
            _ = OCSNetwork(config: config, outputs: yawRates.count)
        }
    }

    /// A GtS sim-only model as `experiment gts` saves it, and a hedging arm as `experiment hedging` does.
    static func seeds() throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        var rng = RNG(seed: 1)
        let predictor = CollisionPredictor(config: gts.modelConfig, rng: &rng)
        var record = CollisionTrainingRecord(training: gts.training, simTransitions: gts.simSteps, steps: 10)
        record.notes = ["method": GtSExperiment.simOnly, "epochs": String(gts.simEpochs)]
        try LearnedPolicy.save(predictor, settings: gts.policySettings, record: record, to: scratch)
        out.append(("gts-sim-only.safetensors", [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch)))))
        var s = HedgingSettings.smoke
        s.network.filters = [2, 2, 2]
        s.network.features = 4
        s.network.height = 16
        s.network.width = 16
        s.data.imageWidth = 16
        s.data.imageHeight = 16
        let policy = HedgingPolicy(actions: yawRates.count, config: s.network, rng: &rng)
        try HedgingCheckpoint.save(policy, arm: .hedge, settings: s, command: "fuzz seed", to: scratch)
        out.append(("hedging.safetensors", [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch)))))
        return out
    }
}
