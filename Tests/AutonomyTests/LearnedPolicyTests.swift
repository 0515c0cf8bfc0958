import Diagnostics
import Foundation
import Geometry
import Models
import Planning
import Runtime
import Testing
import TestSupport
import World
@testable import Autonomy

@Suite struct LearnedPolicyTests {
    @Test func checkpointLoadsThroughTheRegistryAndFlies() throws {
        let env = Fixtures.settings()  // 24 x 18 images, 4 frames
        var rng = RNG(seed: 4)
        let config = CollisionPredictorConfig(height: env.imageHeight, width: env.imageWidth, frames: 4, horizon: 12,
                                              actionScale: [Float(1 / env.maxYawRate)], dense: [32, 16], hidden: 16)
        let predictor = CollisionPredictor(config: config, rng: &rng)
        let dir = TempDir("gts-policy")
        defer { dir.remove() }
        let path = dir.file("tiny.safetensors")
        try predictor.save(to: path)

        let spec = try PolicyRegistry.standard.resolve(path)
        #expect(spec.name == "tiny" && !spec.isPrivileged)
        #expect(spec.validate(env) == nil)
        #expect(spec.validate(EnvSettings()) != nil)  // 96 x 72 images do not fit this model
        var eval = EvalJob()
        eval.policies = [path]
        eval.baselines = false
        eval.worlds = "forest:1"
        eval.robot = Fixtures.root + "/Robots/cf2x.urdf"
        #expect(throws: InputError.self) { try eval.run(progress: .silent) }

        // fly a few ticks with a small planner budget: actions inside the limits, deterministic
        var settings = LearnedPolicySettings()
        settings.cem.initialSamples = 64
        settings.cem.samples = 32
        settings.cem.elites = 8
        let model = try EnvModel(scene: try WorldGenerators.make("forest:1"), robot: try Fixtures.cf2x(), settings: env)
        func fly() -> [Double] {
            var e = Env(model: model)
            e.reset(seed: 3)
            var p = LearnedPolicy(predictor: predictor, settings: settings, name: "tiny")
            p.reset(seed: 1)
            var actions: [Double] = []
            for _ in 0..<4 {
                let a = p.act(e.state.observation, model: model)
                actions.append(a)
                if e.step(.yawRate(a)).done { break }
            }
            return actions
        }
        let a = fly(), b = fly()
        #expect(a == b && a.count == 4)
        #expect(a.allSatisfy { abs($0) <= model.settings.maxYawRate + 1e-6 })
    }
}
