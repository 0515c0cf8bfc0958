import Runtime
import Testing
@testable import Autonomy

@Suite struct LabelTests {
    @Test func collisionEpisodeLabelsAndMasks() {
        // 3 steps, the third (index 2) collides; horizon 4
        let (y, m) = CollisionLabels.compute(length: 3, collisionStep: 2, horizon: 4)
        #expect(y == [0, 0, 1, 1,
                      0, 1, 1, 1,
                      1, 1, 1, 1])
        #expect(m == [UInt8](repeating: 1, count: 12))
    }

    @Test func episodeWithoutCollisionMasksPastTheEnd() {
        let (y, m) = CollisionLabels.compute(length: 3, collisionStep: nil, horizon: 4)
        #expect(y == [UInt8](repeating: 0, count: 12))
        #expect(m == [1, 1, 1, 0,
                      1, 1, 0, 0,
                      1, 0, 0, 0])
    }

    @Test func immediateCollisionAndLongEpisode() {
        let (y, m) = CollisionLabels.compute(length: 1, collisionStep: 0, horizon: 3)
        #expect(y == [1, 1, 1] && m == [1, 1, 1])
        // a long episode ending in a collision at step 19: sample t is positive from h = 19 - t
        let (y2, m2) = CollisionLabels.compute(length: 20, collisionStep: 19, horizon: 12)
        for t in 0..<20 {
            for h in 0..<12 { #expect(y2[t * 12 + h] == (t + h >= 19 ? 1 : 0)) }
        }
        #expect(m2.allSatisfy { $0 == 1 })
    }

    @Test func schedulesAreLinearThenFlat() {
        let s = LinearSchedule(start: 1, end: 0.1, steps: 100)
        #expect(s.value(at: 0) == 1)
        #expect(abs(s.value(at: 50) - 0.55) < 1e-12)
        #expect(s.value(at: 100) == 0.1 && s.value(at: 10_000) == 0.1)
        #expect(LinearSchedule(start: 1, end: 0, steps: 0).value(at: 0) == 0)
    }

    @Test func explorationAroundABasePolicy() throws {
        let model = try EnvModel(scene: Fixtures.wall(at: 5), robot: Fixtures.cf2x(), settings: Fixtures.settings())
        var env = Env(model: model)
        let obs = env.reset(seed: 0)
        let limit = model.settings.maxYawRate
        // epsilon 0 is the base policy, epsilon 1 is uniform within the limits
        var greedy = EpsilonGreedyExploration(base: StraightPolicy(), epsilon: LinearSchedule(start: 0, end: 0, steps: 0))
        greedy.reset(seed: 1)
        #expect((0..<50).allSatisfy { _ in greedy.act(obs, model: model) == 0 })
        var random = EpsilonGreedyExploration(base: StraightPolicy(), epsilon: LinearSchedule(start: 1, end: 1, steps: 0))
        random.reset(seed: 1)
        let r = (0..<400).map { _ in random.act(obs, model: model) }
        #expect(r.allSatisfy { abs($0) <= limit } && r.contains { $0 > 0.8 * limit } && r.contains { $0 < -0.8 * limit })
        // gaussian noise shrinks with its schedule
        var g = GaussianExploration(base: StraightPolicy(), sigma: LinearSchedule(start: 0.5, end: 0.01, steps: 1000))
        g.reset(seed: 2)
        let early = (0..<200).map { _ in abs(g.act(obs, model: model)) }.reduce(0, +) / 200
        g.globalStep = 5000
        let late = (0..<200).map { _ in abs(g.act(obs, model: model)) }.reduce(0, +) / 200
        #expect(early > 10 * late && late > 0)
        // uniform sequences: 12 draws then a new sequence, same seed same actions
        var u1 = UniformSequencePolicy(horizon: 12), u2 = UniformSequencePolicy(horizon: 12)
        u1.reset(seed: 3); u2.reset(seed: 3)
        let a1 = (0..<24).map { _ in u1.act(obs, model: model) }, a2 = (0..<24).map { _ in u2.act(obs, model: model) }
        #expect(a1 == a2 && Set(a1).count == 24 && a1.allSatisfy { abs($0) <= limit })
    }
}
