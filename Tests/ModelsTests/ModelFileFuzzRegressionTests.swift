import Diagnostics
import Foundation
import Geometry
import Neural
import Testing
import TestSupport
@testable import Models

/// Model files whose metadata sizes an allocation or an overflow before it is compared with the
/// file (docs/fuzzing.md, findings 16-19): the LDM density models, the learned LDM and the HInt
/// dynamics. Each input is a valid file of the product's writer with one metadata entry patched.
@Suite struct ModelFileFuzzRegressionTests {
    /// `path`'s checkpoint written again with `patch` applied to its metadata (tensors unchanged).
    static func patched(_ path: String, to out: String, _ patch: (inout CheckpointMetadata) -> Void) throws {
        let (p, meta) = try Checkpoint.load(path)
        var m = try #require(meta)
        patch(&m)
        try Checkpoint.save(p, metadata: m, to: out)
    }

    static func expectRefused(_ path: String, at location: String, _ message: String, _ load: (String) throws -> Void) {
        #expect { try load(path) } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.source == path && e.location == location && e.message.contains(message)
        }
    }

    /// Finding 16: a mixture file's dimension multiplied into the covariance count before the
    /// sizes were compared: D = 2^32 overflowed K x D x D (trap).
    @Test func mixtureDimensionsThatOverflowAreRefused() throws {
        let dir = TempDir("model-fuzz")
        defer { dir.remove() }
        let path = dir.file("density.json")
        for (d, covariance) in [(1 << 32, "full"), (1 << 62, "diagonal")] {
            let json = #"{"dimension":\#(d),"covarianceType":"\#(covariance)","weights":[1],"means":[0],"covariances":[1]}"#
            try json.write(toFile: path, atomically: true, encoding: .utf8)
            #expect { _ = try GaussianMixture.load(path) } throws: { e in
                guard let e = e as? InputError else { return false }
                return e.source == path && e.message.contains("sizes disagree")
            }
        }
        // a non-finite mean (a JSON number beyond Double) is refused, the valid file still loads
        let valid = try GaussianMixture(dimension: 2, covarianceType: .diagonal, weights: [1], means: [0, 1], covariances: [1, 2])
        try valid.save(to: path)
        #expect(try GaussianMixture.load(path) == valid)
        #expect(throws: (any Error).self) { _ = try GaussianMixture(dimension: 1, covarianceType: .diagonal, weights: [1], means: [.infinity], covariances: [1]) }
    }

    /// A small learned LDM on a 2 + 1-dimensional mixture, saved at `path`.
    static func learnedLDM(_ path: String) throws -> GaussianMixture {
        let density = try GaussianMixture(dimension: 3, covarianceType: .diagonal, weights: [1], means: [0, 0, 0], covariances: [1, 1, 1])
        var s = LearnedLDM.Settings()
        s.hidden = [3]
        s.steps = 2
        s.batchSize = 4
        s.candidateActions = 2
        var rng = RNG(seed: 2)
        let ldm = try LearnedLDM.train(density: density, dynamics: { st, _, n, out in for i in 0..<(2 * n) { out[i] = st[i] } },
                                       states: [0, 0, 1, 1, 0.5, -0.5], stateDim: 2, actionLower: [-1], actionUpper: [1], settings: s, rng: &rng)
        try ldm.save(to: path)
        return density
    }

    /// Finding 17: the learned LDM built both networks from the metadata's `hidden` before
    /// comparing them with the file (2^40 weights from a 600-byte file; a negative width trapped),
    /// and took sizes below 1 and non-finite scales and deviations.
    @Test func learnedLDMMetadataIsCheckedBeforeBuilding() throws {
        let dir = TempDir("model-fuzz")
        defer { dir.remove() }
        let good = dir.file("ldm.safetensors"), bad = dir.file("bad.safetensors")
        let density = try Self.learnedLDM(good)
        let loaded = try LearnedLDM.load(good, density: density)
        #expect(loaded.values([0.1, 0.2, 0.3]).count == 1)
        let cases: [(String, String, (inout CheckpointMetadata) -> Void)] = [
            ("__metadata__.settings.hidden", "weights", { $0.trainingConfig["settings"] = $0.trainingConfig["settings"]!.replacingOccurrences(of: #""hidden":[3]"#, with: #""hidden":[1099511627776]"#) }),
            ("__metadata__.settings.hidden", "too many", { $0.trainingConfig["settings"] = $0.trainingConfig["settings"]!.replacingOccurrences(of: #""hidden":[3]"#, with: #""hidden":[-4]"#) }),
            ("__metadata__.stateDim", "positive", { $0.extra["stateDim"] = "-1"; $0.extra["actionDim"] = "4" }),
            ("__metadata__.stateDim", "positive", { $0.extra["stateDim"] = "9223372036854775807" }),
            ("__metadata__.residualScale", "must be positive", { $0.extra["residualScale"] = "nan" }),
            ("__metadata__.residualScale", "finite", { $0.extra["energyCap"] = "inf" }),
        ]
        for (location, message, patch) in cases {
            try Self.patched(good, to: bad, patch)
            Self.expectRefused(bad, at: location, message) { _ = try LearnedLDM.load($0, density: density) }
        }
        // a zero deviation in the standardisation tensors
        var (p, meta) = try Checkpoint.load(good)
        p["norm.std"] = Tensor(shape: [3], data: [1, 0, 1])
        try Checkpoint.save(p, metadata: try #require(meta), to: bad)
        Self.expectRefused(bad, at: "norm.std[1]", "positive") { _ = try LearnedLDM.load($0, density: density) }
    }

    /// Finding 18: a flow checkpoint's coupling and layer counts and width built the flow before
    /// its tensors were compared (2^40 couplings: a list of 2^40 layers).
    @Test func flowMetadataIsCheckedBeforeBuilding() throws {
        let dir = TempDir("model-fuzz")
        defer { dir.remove() }
        let good = dir.file("flow.safetensors"), bad = dir.file("bad.safetensors")
        var s = RealNVPFlow.Settings()
        s.couplings = 2
        s.hidden = 3
        s.hiddenLayers = 1
        var rng = RNG(seed: 4)
        try RealNVPFlow(dimension: 3, settings: s, mean: [0, 1, 2], std: [1, 2, 3], rng: &rng).save(to: good)
        #expect(try DensityModels.load(good).dimension == 3)
        let cases: [(String, String, (inout CheckpointMetadata) -> Void)] = [
            ("__metadata__.couplings", "couplings", { $0.extra["couplings"] = "1099511627776" }),
            ("__metadata__.couplings", "couplings", { $0.extra["hiddenLayers"] = "1099511627776" }),
            ("__metadata__.hidden", "weights", { $0.extra["hidden"] = "1099511627776" }),
            ("__metadata__.scaleBound", "invalid", { $0.extra["scaleBound"] = "inf" }),
        ]
        for (location, message, patch) in cases {
            try Self.patched(good, to: bad, patch)
            Self.expectRefused(bad, at: location, message) { _ = try DensityModels.load($0) }
        }
    }

    /// Finding 19: the HInt dynamics config multiplied horizon x actionDim unchecked (trap at
    /// 2^62 x 4) and built the network of `hidden` before comparing it with the file.
    @Test func poseDynamicsConfigIsCheckedBeforeBuilding() throws {
        let dir = TempDir("model-fuzz")
        defer { dir.remove() }
        let good = dir.file("dynamics.safetensors"), bad = dir.file("bad.safetensors")
        var rng = RNG(seed: 5)
        let config = PoseDynamicsConfig(stateDim: 2, actionDim: 1, horizon: 8, hidden: [4], stateScale: [2, 1], actionScale: [0.5])
        try PoseDynamics(config: config, rng: &rng).save(to: good)
        #expect(try PoseDynamics.load(good).config == config)
        func json(_ c: PoseDynamicsConfig) -> String {
            let e = JSONEncoder()
            e.outputFormatting = [.sortedKeys]
            return String(decoding: try! e.encode(c), as: UTF8.self)
        }
        var overflow = config
        overflow.horizon = 1 << 62
        overflow.actionDim = 4
        overflow.actionScale = [1, 1, 1, 1]
        var wide = config
        wide.hidden = [1 << 30]
        var larger = config
        larger.hidden = [4096, 4096]
        for (c, message) in [(overflow, "invalid"), (wide, "weights"), (larger, "the checkpoint holds")] {
            try Self.patched(good, to: bad) { $0.extra["model_config"] = json(c) }
            Self.expectRefused(bad, at: "model_config", message) { _ = try PoseDynamics.load($0) }
        }
    }

    /// The weight counts computed without building a network are what building it holds.
    @Test func mlpWeightCountsMatchTheBuiltNetworks() {
        var p = Parameters()
        var rng = RNG(seed: 1)
        for l in LearnedLDM.layers("q", inputs: 5, hidden: [7, 3]) { l.initialize(&p, rng: &rng) }
        #expect(Checkpoint.mlpWeights(inputs: 5, hidden: [7, 3], outputs: 1) == p.scalarCount)
        #expect(Checkpoint.mlpWeights(inputs: 5, hidden: [7, 3], outputs: 1, copies: 2) == 2 * p.scalarCount)
        #expect(Checkpoint.mlpWeights(inputs: Int.max, hidden: [2], outputs: 1) == nil)
        #expect(Checkpoint.mlpWeights(inputs: 2, hidden: [Int.max], outputs: 1) == nil)
        #expect(Checkpoint.mlpWeights(inputs: 2, hidden: [0], outputs: 1) == nil)
        #expect(Checkpoint.mlpWeights(inputs: 2, hidden: [], outputs: 3, copies: Int.max) == nil)
    }
}
