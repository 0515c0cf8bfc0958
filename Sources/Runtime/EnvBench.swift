import Diagnostics
import Foundation
import Geometry
import Physics
import World

/// `swiftlet bench env`: control ticks per second (physics substeps + collision checks + one
/// 96x72 gray render each) for one environment and for a vector of 64 on two threads, and
/// vehicle steps per second of a 16-vehicle swarm (`SwarmBench`).
public enum EnvBench {
    public static let suite = BenchSuite(name: "env", summary: "environment control ticks/s (4 Hz GtS ticks with rendering), 1 env and 64 envs on 1 and 2 threads; a 16-vehicle swarm's vehicle steps/s") { options in
        let robot = try URDFLoader.load(path: options.root + "/Robots/cf2x.urdf")
        let scene = try WorldGenerators.make("forest:1")
        let seconds = 1.5 * options.timeScale
        var records: [BenchRecord] = []
        // the per-substep collision query on its own
        let probe = try EnvModel(scene: scene, robot: robot)
        var hits = 0, q = 0
        let queries = Stopwatch.rate(seconds: 0.5 * options.timeScale, batch: 1000) {
            for _ in 0..<1000 {
                q += 1
                let x = Double(q % 4000) * 0.01, y = Double(q % 3001) * 0.013 - 20
                if EnvDynamics.contact(probe, Pose(position: Vec3(x, y, 0.4), orientation: .identity)) != nil { hits += 1 }
            }
        }
        records.append(BenchRecord(suite: "env", metric: "collision_query_ns", value: 1e9 / queries, unit: "ns",
                                   extra: ["shape": "cf2x cylinder", "world": "forest:1", "hits": String(hits)]))
        options.log("env: collision query \(Int(1e9 / queries)) ns")
        for domain in [DomainProfile.sim, .real] {
            let model = try EnvModel(scene: scene, robot: robot, domain: domain)
            // one env: yaw back and forth, reset when done
            var env = Env(model: model)
            env.reset(seed: 1)
            var k = 0
            let single = Stopwatch.rate(seconds: seconds, batch: 1) {
                k += 1
                if env.step(.yawRate(k % 8 < 4 ? 0.5 : -0.5)).done { env.reset(seed: UInt64(k)) }
            }
            records.append(BenchRecord(suite: "env", metric: "ticks_per_s_1env_\(domain.name)", value: single, unit: "ticks/s",
                                       extra: ["substeps": String(model.substeps), "image": "96x72", "world": "forest:1"]))
            options.log("env \(domain.name): 1 env \(Int(single)) ticks/s (\(Int(single * Double(model.substeps))) physics steps/s)")

            // the same 64 environments on one and on two threads (the scaling on this host)
            let actions = (0..<64).map { EnvAction.yawRate($0 % 2 == 0 ? 0.4 : -0.4) }
            for threads in [1, 2] {
                var vec = VectorEnv(model: model, count: 64, threads: threads)
                vec.reset(seeds: (0..<64).map { UInt64($0) })
                var round = 0
                let vector = Stopwatch.rate(seconds: seconds, batch: 64) {
                    round += 1
                    _ = vec.step(actions)
                    for i in 0..<64 where vec.states[i].done { vec.reset(i, seed: UInt64(round * 64 + i)) }
                }
                records.append(BenchRecord(suite: "env", metric: "ticks_per_s_64env_\(threads)threads_\(domain.name)", value: vector,
                                           unit: "ticks/s", extra: ["envs": "64", "threads": String(threads)]))
                options.log("env \(domain.name): 64 envs on \(threads) thread(s) \(Int(vector)) ticks/s")
            }
        }
        records += try SwarmBench.records(options, robot: robot)
        return records
    }
}
