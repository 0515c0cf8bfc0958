import Diagnostics
import Foundation
import Geometry
import Neural
import Planning

/// `swiftlet bench planner`: one full GtS CEM tick (CEMPlanner defaults: 4096 uniform + 2 x 1024
/// Gaussian candidates, 128 elites, horizon 12) scoring every candidate through the full-size
/// collision predictor, on two cores, for each way of using them; plus the trunk time and the
/// per-candidate throughput. Target (issue 7): <= 100 ms per tick.
public enum CollisionPlannerBench {
    public static let suite = BenchSuite(name: "planner", summary: "GtS CEM tick with the collision predictor (target <= 100 ms)") { opts in
        run(opts)
    }

    /// The evaluated ways of using the two cores.
    static let variants: [(name: String, mode: CollisionBatchEvaluator.Parallelism, blockRows: Int)] = [
        ("split_b256", .splitBatch, 256), ("split_b512", .splitBatch, 512),
        ("blas2_b512", .blasThreads, 512), ("blas2_b4096", .blasThreads, 4096),
    ]

    /// FLOPs of one tick's candidate scoring (multiply-adds counted as 2), for the record.
    static func flopsPerCandidate(_ c: CollisionPredictorConfig) -> Double {
        let k = Double(c.actionEmbedding + c.hidden), g = Double(4 * c.hidden)
        let perStep = 2 * k * g + 2 * Double(c.hidden * c.headHidden) + 2 * Double(c.actionDim * c.actionEmbedding)
        return perStep * Double(c.horizon)
    }

    static func run(_ opts: BenchOptions) -> [BenchRecord] {
        let config = CollisionPredictorConfig(actionScale: [Float(1 / radians(120))])
        var rng = RNG(seed: 2019)
        let model = CollisionPredictor(config: config, rng: &rng)
        var obs = [Float](repeating: 0, count: config.observationSize)
        for i in obs.indices { obs[i] = rng.uniformFloat() * 2 - 1 }
        let limit = Float(radians(120))
        let space = ActionSpace(horizon: config.horizon, lower: [-limit], upper: [limit])
        let perTick = Double(CEMPlanner.Settings().initialSamples + (CEMPlanner.Settings().iterations - 1) * CEMPlanner.Settings().samples)
        let gflop = perTick * flopsPerCandidate(config) / 1e9
        let repeats = max(5, Int(20 * opts.timeScale))
        var records: [BenchRecord] = []
        var best = (name: "", ms: Double.infinity)
        for v in variants {
            var planner = CEMPlanner(space: space)
            var cost = CollisionCost(model, maxBatch: planner.maxBatch, parallelism: v.mode, workers: 2, blockRows: v.blockRows)
            var tickRng = RNG(seed: 1)
            opts.log("planner: \(v.name)")
            for _ in 0..<2 { cost.setObservation(obs); planner.plan(&cost, rng: &tickRng); planner.shift() }
            var times: [Double] = []
            let cpu0 = Stopwatch.processCPUSeconds()
            for _ in 0..<repeats {
                let t0 = Stopwatch.now()
                cost.setObservation(obs)
                planner.plan(&cost, rng: &tickRng)
                planner.shift()
                times.append(Stopwatch.now() - t0)
            }
            let cpuMs = (Stopwatch.processCPUSeconds() - cpu0) / Double(repeats) * 1000
            times.sort()
            let ms = times[times.count / 2] * 1000
            records.append(BenchRecord(suite: "planner", metric: "cem_tick_ms_\(v.name)", value: ms, unit: "ms",
                                       extra: ["min_ms": String(format: "%.1f", times[0] * 1000),
                                               "cpu_ms": String(format: "%.1f", cpuMs),
                                               "candidates": "\(Int(perTick))", "gflop": String(format: "%.2f", gflop),
                                               "blas": BLAS.coreName]))
            if ms < best.ms { best = (v.name, ms) }
        }
        // trunk alone, and the best variant's summary figures
        let ev = CollisionBatchEvaluator(model, maxBatch: 1, parallelism: .splitBatch, workers: 2)
        let trunk = Stopwatch.median(repeats: max(10, Int(50 * opts.timeScale))) { ev.encode(obs) }
        records.append(BenchRecord(suite: "planner", metric: "trunk_ms", value: trunk * 1000, unit: "ms",
                                   extra: ["image": "\(config.height)x\(config.width)x\(config.frames)"]))
        records.append(BenchRecord(suite: "planner", metric: "cem_tick_ms", value: best.ms, unit: "ms",
                                   extra: ["variant": best.name, "target": "100"]))
        records.append(BenchRecord(suite: "planner", metric: "candidates_per_s", value: perTick / (best.ms / 1000),
                                   unit: "candidates/s", extra: ["variant": best.name]))
        records.append(BenchRecord(suite: "planner", metric: "gflop_per_s", value: gflop / (best.ms / 1000),
                                   unit: "GFLOP/s", extra: ["variant": best.name]))
        BLAS.setThreads(1)
        return records
    }
}
