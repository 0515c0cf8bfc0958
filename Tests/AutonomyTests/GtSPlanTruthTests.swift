import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Runtime
import Testing
import World
@testable import Autonomy

@Suite struct GtSPlanTruthTests {
    @Test func aucOfKnownRankings() throws {
        let labels = [false, true, false, true, true, false]
        // a model that outputs the true labels ranks every positive above every negative
        #expect(GtSPlanTruth.auc(scores: labels.map { $0 ? 1 : 0 }, labels: labels) == 1)
        // the reverse: 0; a constant: 0.5 (all ties)
        #expect(GtSPlanTruth.auc(scores: labels.map { $0 ? 0 : 1 }, labels: labels) == 0)
        #expect(GtSPlanTruth.auc(scores: [Float](repeating: 0.3, count: 6), labels: labels) == 0.5)
        // positives score 0.2, 0.5, 0.9, negatives 0.1, 0.5, 0.6: each positive against the three
        // negatives wins (1 + 0 + 0) + (1 + 0.5 + 0) + (1 + 1 + 1) = 5.5 of 9 pairs
        let s: [Float] = [0.1, 0.2, 0.5, 0.5, 0.9, 0.6]
        let a = try #require(GtSPlanTruth.auc(scores: s, labels: labels))
        #expect(abs(a - 5.5 / 9) < 1e-12)
        // one class only: undefined
        #expect(GtSPlanTruth.auc(scores: [0.1, 0.2], labels: [true, true]) == nil)
        #expect(GtSPlanTruth.auc(scores: [0.1, 0.2], labels: [false, false]) == nil)
    }

    @Test func eliteNearestIsTheCandidateClosestToTheEliteMean() {
        // horizon 2; the two best (costs 0.1, 0.2) are (1, 1) and (-1, 1): mean (0, 1), nearest (0.1, 0.9)
        let actions: [Float] = [1, 1, -1, 1, 0.1, 0.9, 2, 2]
        #expect(GtSPlanTruth.eliteNearest(costs: [0.1, 0.2, 0.9, 0.5], actions: actions, horizon: 2, k: 2) == 2)
        #expect(GtSPlanTruth.eliteNearest(costs: [0.1, 0.2, 0.9, 0.5], actions: actions, horizon: 2, k: 1) == 0)
    }

    @Test func rolloutFromACopiedStateFliesAsTheEnv() throws {
        let c = tinyConfig()
        let robot = try URDFLoader.load(path: c.robot)
        let specs = WorldCatalog.heldOutSpecs(count: 1)
        // a longer route than the tiny config's so the prefix does not end the episode
        let evaluation = EvaluationSettings(worlds: specs, episodes: 1, routeLength: 6, seed: c.evaluationSeed)
        let model = try EnvModel(scene: try WorldSet.scenes(specs)[0], robot: robot, settings: evaluation.env(c.env), domain: .real)
        let m = Float(c.env.maxYawRate)
        // a prefix, then a candidate: a hard turn long enough to end in a collision or a limit
        let prefix: [Float] = [0.2, -0.4, 0.1]
        let candidate = (0..<60).map { i -> Float in i % 20 < 14 ? m : -0.5 * m }
        var env = Env(model: model)
        env.reset(seed: evaluation.episodeSeed(world: 0, episode: 0))
        for a in prefix { env.step(.yawRate(Double(a))) }
        let o = candidate.withUnsafeBufferPointer { GtSPlanTruth.rollout(model, from: env.state, actions: $0, recordPositions: true) }
        // the same actions stepped by a fresh env from the same seed (no copied state)
        var fresh = Env(model: model)
        fresh.reset(seed: evaluation.episodeSeed(world: 0, episode: 0))
        for a in prefix { fresh.step(.yawRate(Double(a))) }
        var positions: [Vec3] = []
        var collisionStep: Int?
        for a in candidate where !fresh.state.done {
            let r = fresh.step(.yawRate(Double(a)))
            positions.append(fresh.state.quadrotor.position)
            if r.terminated { collisionStep = positions.count }
        }
        #expect(o.steps == positions.count && o.steps > 1)
        #expect(o.positions == positions)                       // bit-identical, every step
        #expect(o.collisionStep == collisionStep)
        // the copied state was not touched: flying it again gives the same
        let again = candidate.withUnsafeBufferPointer { GtSPlanTruth.rollout(model, from: env.state, actions: $0, recordPositions: true) }
        #expect(again == o)
    }

    @Test func truthRunLabelsSampledTicksAndScoresEveryModel() throws {
        let (c, pilot, other, evaluation, envModels) = try planFixture()
        let r = try GtSPlanTruth.run(pilot: ("GtS", pilot), models: [("GtS", pilot), ("other", other), ("GtS again", pilot)],
                                     settings: c.policySettings, evaluation: evaluation, envModels: envModels, every: 3)
        // the pilot flies what the evaluator flies; ticks 0, 3, 6, ... are sampled
        let spec = LearnedPolicy.spec(predictor: pilot, settings: c.policySettings, name: "pilot")
        for (ei, e) in r.episodes.enumerated() {
            let o = Evaluator.runEpisode(envModels[0], policy: spec, world: 0, episode: e.episode, seed: e.seed, routeLength: c.routeLength)
            #expect(o.distance == e.distance && o.collided == e.collided && o.steps == e.ticks)
            #expect(r.perTick[ei].map(\.tick) == Array(stride(from: 0, to: e.ticks, by: 3)))
        }
        let all = r.perTick.flatMap { $0 }
        #expect(!all.isEmpty && all.allSatisfy { $0.candidates == 16 && $0.collided >= 0 && $0.collided <= 16 })
        #expect(r.rollouts == 16 * all.count && r.rolloutSteps > 0 && r.rolloutSteps <= r.rollouts * r.horizon)
        for t in all {
            // the same network gives the same picks; AUC exactly where both outcomes occur
            #expect(t.models[0] == t.models[2])
            let mixed = t.collided > 0 && t.collided < t.candidates
            for m in t.models {
                #expect((m.auc != nil) == mixed)
                if let a = m.auc { #expect(a >= 0 && a <= 1) }
                if t.collided == 0 { #expect(!m.bestCollided && !m.eliteCollided) }
                if t.collided == t.candidates { #expect(m.bestCollided && m.eliteCollided) }
            }
        }
        #expect(r.summaries.map(\.model) == ["GtS", "other", "GtS again"] && r.summaries[0] == {
            var s = r.summaries[2]; s.model = "GtS"; return s
        }())
        #expect(GtSPlanTruth.markdown(r, command: "test").contains("| other |"))
        // the files: one tick row per sampled tick and model, an empty AUC where it is undefined
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("gts-truth-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try GtSPlanTruth.write(r, to: out, command: "test")
        let rows = CSVWriter.parse(try String(contentsOfFile: out + "/plan-truth-ticks.csv", encoding: .utf8))
        #expect(rows.first?.count == 11 && rows.count == 1 + 3 * all.count)
        #expect(rows.dropFirst().filter { $0[6].isEmpty }.count == 3 * all.filter { $0.collided == 0 || $0.collided == $0.candidates }.count)
        let eps = CSVWriter.parse(try String(contentsOfFile: out + "/plan-truth-episodes.csv", encoding: .utf8))
        #expect(eps.first == ["world", "episode", "seed", "distance", "collided", "ticks"] && eps.count == 1 + r.episodes.count)
    }
}
