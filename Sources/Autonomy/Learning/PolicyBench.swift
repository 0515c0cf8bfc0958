import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Runtime
import World

/// `swiftlet bench policy`: one full learned-policy control tick as flown: env step (125 physics
/// substeps + render of the 96 x 72 camera) + frame-stack scaling + trunk encode + CEM over the
/// full-size GtS model, for the METHODS.md budget (4096 + 2 x 1024 candidates) and the shipped
/// default policy's budget (1024 + 2 x 256). Wall and process-CPU milliseconds per tick.
public enum PolicyBench {
    public static let suite = BenchSuite(name: "policy", summary: "learned GtS policy: one control tick (env step + render + encode + CEM)") { opts in
        try run(opts)
    }

    static func run(_ opts: BenchOptions) throws -> [BenchRecord] {
        let robot = try URDFLoader.load(path: opts.root + "/Robots/cf2x.urdf")
        let model = try EnvModel(scene: try SceneLoader.resolve("forest:1"), robot: robot, settings: EnvSettings(), domain: .sim)
        let config = CollisionPredictorConfig(actionScale: [Float(1 / EnvSettings().maxYawRate)])
        var rng = RNG(seed: 2019)
        let predictor = CollisionPredictor(config: config, rng: &rng)
        var small = LearnedPolicySettings()
        small.cem.initialSamples = 1024
        small.cem.samples = 256
        small.cem.elites = 32
        let variants: [(String, LearnedPolicySettings)] = [("methods", LearnedPolicySettings()), ("default_policy", small)]
        let repeats = max(5, Int(20 * opts.timeScale))
        var records: [BenchRecord] = []
        for (name, settings) in variants {
            opts.log("policy: \(name)")
            var env = Env(model: model)
            env.reset(seed: 3)
            var policy = LearnedPolicy(predictor: predictor, settings: settings)
            policy.reset(seed: 1)
            var times: [Double] = []
            let cpu0 = Stopwatch.processCPUSeconds()
            for k in 0..<(repeats + 2) {
                let t0 = Stopwatch.now()
                let a = policy.act(env.state.observation, model: model)
                let r = env.step(.yawRate(a))
                if k >= 2 { times.append(Stopwatch.now() - t0) }
                if r.done { env.reset(seed: UInt64(k)) }
            }
            let cpu = (Stopwatch.processCPUSeconds() - cpu0) / Double(repeats + 2)
            let candidates = settings.cem.initialSamples + (settings.cem.iterations - 1) * settings.cem.samples
            let extra = ["candidates": String(candidates), "workers": String(settings.workers), "world": "forest:1", "image": "96x72x4"]
            records.append(BenchRecord(suite: "policy", metric: "tick_ms_\(name)", value: Statistics.median(times) * 1e3, unit: "ms", extra: extra))
            records.append(BenchRecord(suite: "policy", metric: "tick_cpu_ms_\(name)", value: cpu * 1e3, unit: "ms", extra: extra))
        }
        return records
    }
}
