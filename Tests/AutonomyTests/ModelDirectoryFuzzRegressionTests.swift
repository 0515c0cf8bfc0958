import Diagnostics
import Foundation
import Geometry
import Models
import Neural
import Runtime
import Testing
import TestSupport
@testable import Autonomy

/// Model directories that loaded but were not usable, or sized an allocation from their metadata
/// (docs/fuzzing.md, findings 20-21): the LDM flight models (`fly --ldm-models`, `experiment ldm
/// --models`) and the HInt models (`experiment hint --models`, `fly --hint`).
@Suite struct ModelDirectoryFuzzRegressionTests {
    /// A copy of the bundled momentum models in `dir`.
    static func momentumCopy(_ dir: TempDir) throws -> String {
        let out = dir.file("models")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for name in ["settings.json", "dynamics.safetensors", "density.json", "ldm.safetensors", "levels.json"] {
            try FileManager.default.copyItem(atPath: BundledResource.resolve("Assets/ldm/momentum") + "/" + name, toPath: out + "/" + name)
        }
        return out
    }

    /// The momentum preset at the viewer's default level, which the bundled models serve.
    static var momentumSettings: LDMFlightSettings {
        var settings = LDMFlightSettings.momentum
        settings.learning.percentiles = [25]
        return settings
    }

    /// Expects `LDMFlightModelFiles.load` to refuse `models` with an `InputError` naming `file`,
    /// `location` and a message containing `message`.
    static func expectRefused(_ models: String, _ file: String, at location: String, _ message: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) { _ = try LDMFlightModelFiles.load(from: models, settings: momentumSettings) } throws: { e in
            guard let e = e as? InputError else { return false }
            return e.source == models + "/" + file && e.location == location && e.message.contains(message)
        }
    }

    /// Finding 20: the flight dynamics checkpoint built the network of its metadata's `hidden`
    /// before comparing it with the file, and took zero or non-finite deviations; levels that are
    /// not finite were taken as filter thresholds.
    @Test func ldmFlightModelFilesAreCheckedBeforeBuilding() throws {
        let dir = TempDir("ldm-fuzz")
        defer { dir.remove() }
        let models = try Self.momentumCopy(dir)
        let settings = Self.momentumSettings
        let dynamicsPath = models + "/dynamics.safetensors"
        let (p, meta) = try Checkpoint.load(dynamicsPath)
        let m = try #require(meta)
        let loaded = try LDMFlightModelFiles.load(from: models, settings: settings)
        // the loaded models are usable: one dynamics step of the stored shape
        #expect(loaded.dynamics.predict(states: [Float](repeating: 0, count: 8), actions: [0, 0]).count == 8)

        // 2^20 x 2^20 hidden weights from a 23 kB file
        var huge = m
        huge.trainingConfig["settings"] = m.trainingConfig["settings"]!.replacingOccurrences(of: #""hidden":[64,64]"#, with: #""hidden":[1048576,1048576]"#)
        #expect(huge != m)
        try Checkpoint.save(p, metadata: huge, to: dynamicsPath)
        Self.expectRefused(models, "dynamics.safetensors", at: "__metadata__.settings.hidden", "weights")
        // a zero output deviation
        var zero = p
        zero["norm.output_std"] = Tensor(shape: [8], data: [1, 1, 0, 1, 1, 1, 1, 1])
        try Checkpoint.save(zero, metadata: m, to: dynamicsPath)
        Self.expectRefused(models, "dynamics.safetensors", at: "norm.output_std[2]", "positive")
        try Checkpoint.save(p, metadata: m, to: dynamicsPath)
        // a level beyond Double
        let levelsPath = models + "/levels.json"
        let levels = try String(contentsOfFile: levelsPath, encoding: .utf8)
        let range = try #require(levels.range(of: #""logLevel" : "#))
        try levels.replacingCharacters(in: range, with: #""logLevel" : -1e999, "x" : "#).write(toFile: levelsPath, atomically: true, encoding: .utf8)
        #expect(throws: InputError.self) { _ = try LDMFlightModelFiles.load(from: models, settings: settings) }
    }

    /// Finding 23: the density and G were each checked against each other, not against the
    /// flight dynamics: a G over 6 state and 4 action coordinates (the same 10 as the density),
    /// or a density and G over 12, loaded and trapped on `LDMFilter`'s size precondition at the
    /// flight's first tick (`fly --ldm --ldm-models DIR`, exit 132 before the fix).
    @Test func ldmDensityAndGThatDisagreeWithTheDynamicsAreRefused() throws {
        let dir = TempDir("ldm-fuzz")
        defer { dir.remove() }
        let models = try Self.momentumCopy(dir)
        let ldmPath = models + "/ldm.safetensors", densityPath = models + "/density.json"
        let (p, meta) = try Checkpoint.load(ldmPath)
        let m = try #require(meta)
        let density = try GaussianMixture.load(densityPath)
        #expect(density.dimension == 10)
        // G over S 6 + A 4: valid against the density alone
        var split = m
        (split.extra["stateDim"], split.extra["actionDim"]) = ("6", "4")
        var wider = p
        for name in ["action.lower", "action.upper"] { wider[name] = Tensor(shape: [4], data: p[name]!.data + p[name]!.data) }
        try Checkpoint.save(wider, metadata: split, to: ldmPath)
        #expect(try LearnedLDM.load(ldmPath, density: density).stateDim == 6)
        Self.expectRefused(models, "ldm.safetensors", at: "__metadata__.stateDim", "S 6 and A 4, the flight dynamics has S 8 and A 2")
        try Checkpoint.save(p, metadata: m, to: ldmPath)
        // a density over 12 coordinates (each component's covariance padded with the identity)
        let d = 12, k = density.weights.count
        var means: [Double] = [], covariances = [Double](repeating: 0, count: k * d * d)
        for c in 0..<k {
            means += density.means[(c * 10)..<(c * 10 + 10)] + [0, 0]
            for i in 0..<d {
                for j in 0..<d {
                    covariances[c * d * d + i * d + j] = i < 10 && j < 10 ? density.covariances[c * 100 + i * 10 + j] : (i == j ? 1 : 0)
                }
            }
        }
        try GaussianMixture(dimension: d, covarianceType: .full, weights: density.weights, means: means, covariances: covariances).save(to: densityPath)
        Self.expectRefused(models, "density.json", at: "dimension", "12, the flight dynamics' state-action pairs have 10")
    }

    /// A small HInt models directory (the experiment's shapes, tiny networks) in `dir`.
    static func hintModels(_ dir: TempDir, dynamics: PoseDynamicsConfig, perception: CollisionPredictorConfig,
                           action: CollisionPredictorConfig) throws -> String {
        var rng = RNG(seed: 9)
        for p in HIntPlatform.allCases where p.hasActions {
            try PoseDynamics(config: dynamics, rng: &rng).save(to: dir.file("dynamics-\(p.rawValue).safetensors"))
        }
        for (name, config) in [("perception", perception), ("single-source", action), ("pooled", action)] {
            try CollisionPredictor(config: config, rng: &rng).save(to: dir.file("\(name).safetensors"))
        }
        return dir.path
    }

    /// Finding 21: every HInt checkpoint was checked on its own, not against the driver that
    /// composes them: a dynamics model of another horizon or state size, or image models of
    /// other sequence inputs or sizes, loaded and then trapped on `HIntCost`'s or the image
    /// conversion's preconditions at the first planning tick.
    @Test func hintModelsOfShapesTheDriverCannotPlanWithAreRefused() throws {
        let h = HIntTraining.horizon
        let dynamics = PoseDynamicsConfig(stateDim: 2, actionDim: 1, horizon: h, hidden: [3], stateScale: [2, 1], actionScale: [0.5])
        // the experiment's networks on 8 x 12 images
        let perception = CollisionPredictorConfig.hintPerception(height: 8, width: 12, horizon: h)
        let action = HIntTraining.actionModelConfig(height: 8, width: 12)
        do {
            let dir = TempDir("hint-fuzz")
            defer { dir.remove() }
            let models = try HIntExperiment.load(try Self.hintModels(dir, dynamics: dynamics, perception: perception, action: action))
            // usable: every method's driver plans one tick
            for method in HIntMethod.allCases {
                let driver = HIntDriver(method: method, models: models, deploying: HIntExperiment.deploying, yawRateLimit: 1,
                                        assumedYawRate: 1, speed: 0.5, dt: 0.25, samples: 4)
                var rng = RNG(seed: 1)
                let frame = [UInt8](repeating: 90, count: 8 * 12)
                let robot = RobotObservation(time: 0, position: Vec3(0, 0, 0.1), attitude: .identity, velocity: .zero, bodyRate: .zero)
                let command = frame.withUnsafeBufferPointer { driver.act(frame: $0, robot: robot, goal: SIMD2(3, 1), rng: &rng) }
                #expect(command.isFinite && abs(command) <= 1)
            }
        }
        var shortDynamics = dynamics
        shortDynamics.horizon = 4
        var threeStates = dynamics
        threeStates.stateDim = 3
        threeStates.stateScale = [1, 1, 1]
        var twoFrames = perception
        twoFrames.frames = 2
        let otherSize = HIntTraining.actionModelConfig(height: 8, width: 16)
        let cases: [(PoseDynamicsConfig, CollisionPredictorConfig, CollisionPredictorConfig, String)] = [
            (shortDynamics, perception, action, "dynamics-"),
            (threeStates, perception, action, "dynamics-"),
            (dynamics, twoFrames, action, "perception.safetensors"),
            (dynamics, action, action, "perception.safetensors"),
            (dynamics, perception, perception, "single-source.safetensors"),
            (dynamics, perception, otherSize, "single-source.safetensors"),
        ]
        for (d, p, a, file) in cases {
            let dir = TempDir("hint-fuzz")
            defer { dir.remove() }
            let path = try Self.hintModels(dir, dynamics: d, perception: p, action: a)
            #expect { _ = try HIntExperiment.load(path) } throws: { e in
                guard let e = e as? InputError else { return false }
                return e.source.hasPrefix(path + "/" + file) && e.location == "model_config" && e.message.contains("the planner needs")
            }
        }
    }
}
