import Foundation
import Geometry
import Physics
import Runtime
import Testing
import World

@Suite struct VectorEnvTests {
    @Test func vectorisedMatchesSequentialForOneAndTwoThreads() throws {
        let cf2x = try Fixtures.robot("cf2x")
        let models = try ["forest:1", "hallway:2", "forest:4", "office:1", "field:3"].enumerated().map { i, spec in
            try EnvModel(scene: try WorldGenerators.make(spec), robot: cf2x, settings: Fixtures.settings(),
                         domain: i % 2 == 0 ? .sim : .real)
        }
        let seeds: [UInt64] = [3, 1, 4, 1, 5]
        func action(_ i: Int, _ k: Int) -> EnvAction { .yawRate(0.8 * sin(Double(3 * i + k))) }

        // sequential reference
        var reference: [[Observation]] = []
        for i in models.indices {
            var env = Env(model: models[i])
            var obs = [env.reset(seed: seeds[i])]
            for k in 0..<10 {
                let r = env.step(action(i, k))
                obs.append(r.observation)
                if r.done { break }
            }
            reference.append(obs)
        }
        for threads in [1, 2] {
            var vec = VectorEnv(models: models, threads: threads)
            vec.reset(seeds: seeds)
            var got = vec.states.map { [$0.observation] }
            for k in 0..<10 {
                let results = vec.step(models.indices.map { action($0, k) })
                for (i, r) in results.enumerated() { if let r { got[i].append(r.observation) } }
            }
            #expect(got == reference, "threads = \(threads)")
        }
    }
}
