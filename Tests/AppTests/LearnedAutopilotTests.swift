import Autonomy
import Foundation
import Geometry
import Models
import Recording
import Runtime
import Testing
import TestSupport
@testable import App

/// A learned MPC policy (tiny random network, small CEM budget) as the fly autopilot.
@Suite struct LearnedAutopilotTests {
    @Test func learnedPolicyFliesWithItsPredictedCandidatesAndReplays() throws {
        let env = EnvSettings()
        var rng = RNG(seed: 5)
        let config = CollisionPredictorConfig(height: env.imageHeight, width: env.imageWidth, frames: env.frameStack, horizon: 12,
                                              actionScale: [Float(1 / env.maxYawRate)], dense: [16, 8], hidden: 8)
        let predictor = CollisionPredictor(config: config, rng: &rng)
        var settings = LearnedPolicySettings()
        settings.cem.initialSamples = 64
        settings.cem.samples = 32
        settings.cem.elites = 8
        let small = settings
        var registry = PolicyRegistry()
        registry.register(PolicySpec(name: "tiny", isPrivileged: false) {
            LearnedPolicy(predictor: predictor, settings: small, name: "tiny")
        })
        let dir = TempDir("app-learned")
        defer { dir.remove() }
        var fly = FlyConfig()
        fly.worlds = ["Worlds/forest-7.json"]
        fly.policy = "tiny"
        fly.record = dir.file("l.mcap")
        var sim = try FlySimulation(config: fly, registry: registry, viewSize: nil)
        #expect(sim.autopilotLabel == "learned MPC tiny")
        for _ in 0..<3 { try sim.tick(nil) }
        try sim.finish()
        // candidates: the planner's batch with the model's predicted probabilities (0...1), best first
        #expect(!sim.candidates.isEmpty)
        #expect(sim.candidates.allSatisfy { (0...1).contains($0.collisionProbability) && $0.points.count == 13 })
        #expect(sim.candidates.filter(\.isChosen).count == 1)
        let log = try EpisodeLog.load(path: dir.file("l.mcap"), includeImages: false)
        #expect(log.planner.first?.diagnostics.planner == "learned-cem")
        // the commands the network chose replay exactly without it
        #expect(try ReplayVerifier.verify(log, source: "l.mcap").steps == 3)
    }
}
