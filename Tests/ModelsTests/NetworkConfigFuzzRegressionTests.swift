import Diagnostics
import Foundation
import Geometry
import Neural
import Testing
@testable import Models

/// Network configs read from checkpoint metadata and config files (docs/fuzzing.md, findings
/// 13-14): sizes whose arithmetic overflowed, and sizes that made the loaders allocate a network
/// far larger than the file before comparing it with the file's tensors.
@Suite struct NetworkConfigFuzzRegressionTests {
    /// Finding 13: a metadata network side near 2^63 overflowed `trunkOutput` inside `isValid`
    /// (`OCSNetworkConfig(metadataValue:)`, what `fly --ocs` and the hedging loader call).
    @Test func ocsMetadataSizesThatOverflowAreRefused() {
        let big = #"{"features":64,"filters":[16],"height":9223372036854775807,"kernels":[5],"strides":[2],"width":64}"#
        #expect(OCSNetworkConfig(metadataValue: big) == nil)
        // within every limit one by one, but 4096 x 4096 x 65536 weights in the feature layer
        let huge = #"{"features":65536,"filters":[1],"height":4096,"kernels":[1],"strides":[1],"width":4096}"#
        #expect(OCSNetworkConfig(metadataValue: huge) == nil)
        // the default network still reads back
        #expect(OCSNetworkConfig(metadataValue: OCSNetworkConfig().metadataValue) == OCSNetworkConfig())
    }

    /// The weight counts computed without building a network are exactly what building it holds.
    @Test func parameterCountsMatchTheBuiltNetworks() throws {
        var rng = RNG(seed: 3)
        var small = OCSNetworkConfig()
        small.filters = [8, 4]
        small.kernels = [3, 5]
        small.strides = [1, 3]
        small.features = 12
        for (config, outputs) in [(OCSNetworkConfig(), 6), (small, 1), (small, 9)] {
            let built = OCSNetwork(config: config, outputs: outputs).initialParameters(rng: &rng).scalarCount
            #expect(config.parameterCount(outputs: outputs) == built)
        }
        var split = CollisionPredictorConfig(height: 20, width: 24, frames: 2, horizon: 3, actionDim: 2,
                                             convs: [.init(filters: 4, kernel: 5, stride: 2), .init(filters: 3, kernel: 3, stride: 1, padding: 0)],
                                             dense: [10, 16], hidden: 8, actionEmbedding: 5, headHidden: 7)
        split.initialState = .split
        for config in [CollisionPredictorConfig(), split] {
            try #require(config.validationProblem == nil)
            #expect(config.parameterCount == CollisionPredictor(config: config, rng: &rng).parameterCount)
        }
    }

    /// Finding 14: a collision predictor config from a checkpoint's metadata sized the fresh
    /// network it builds before comparing the file's tensors with it: a 200-byte checkpoint could
    /// ask for 2^40 weights. Configs beyond the weight limit are invalid; configs within it are
    /// built only when the given tensors hold at least as many weights.
    @Test func collisionPredictorSizesAreCheckedBeforeBuilding() throws {
        let huge = CollisionPredictorConfig(height: 4096, width: 4096, frames: 1, convs: [], dense: [65536, 128])
        #expect(huge.validationProblem?.contains("weights") == true)
        let overflow = CollisionPredictorConfig(height: 72, width: 96, frames: 4, dense: [256, 128], hidden: 1 << 62)
        #expect(overflow.validationProblem != nil)
        let large = CollisionPredictorConfig(height: 64, width: 64, frames: 1, convs: [], dense: [4096, 128])
        let needed = try #require(large.parameterCount)
        var p = Parameters()
        p["trunk.fc0.bias"] = Tensor(shape: [4096])
        #expect { _ = try CollisionPredictor(config: large, parameters: p, source: "small.safetensors") } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.source == "small.safetensors" && e.message.contains("\(needed) weights")
        }
    }
}
