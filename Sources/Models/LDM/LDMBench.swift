import Diagnostics
import Foundation
import Geometry
import Planning

/// `swiftlet bench ldm`: what the LDM safety filter costs: density evaluation (mixture and
/// flow), the LDM filter per planning tick at the authors' 5000 candidates, EM fitting and LDM
/// training throughput, on the point-mass toy's 3-D (s, a) space.
public enum LDMBench {
    /// The suite registered in the CLI's bench catalogue.
    public static let suite = BenchSuite(
        name: "ldm",
        summary: "LDM filter cost: density evaluation (GMM, RealNVP), G per 5000-candidate tick, EM fit, LDM training rate",
        run: { options in try run(options) })

    static func run(_ options: BenchOptions) throws -> [BenchRecord] {
        var records: [BenchRecord] = []
        let seconds = max(0.3, 2 * options.timeScale)
        let problem = PointMassProblem()
        var rng = RNG(seed: 1)
        let data = problem.sampleData(count: 4000, rng: &rng)
        let rows = LDMExperiment.pairs(states: data.states, actions: data.actions, stateDim: 2, actionDim: 1)
        func record(_ metric: String, _ value: Double, _ unit: String, _ extra: [String: String] = [:]) {
            records.append(BenchRecord(suite: "ldm", metric: metric, value: value, unit: unit, extra: extra))
            options.log("ldm: \(metric) \(Statistics.format(value, digits: 4)) \(unit)")
        }

        // EM fit
        let t0 = Stopwatch.now()
        let gmm = try GaussianMixture.fit(rows.map(Double.init), dimension: 3, settings: .init(components: 8), rng: &rng)
        record("gmm fit (4000 x 3, K 8, full)", Stopwatch.now() - t0, "s", ["iterations": "\(gmm.iterations)"])

        // density evaluation on a 5000-row batch
        let batch = Array(rows.prefix(3 * 4000)) + Array(rows.prefix(3 * 1000))
        var out = [Float](repeating: 0, count: 5000)
        let ws = DensityWorkspace()
        let gmmRate = Stopwatch.rate(seconds: seconds, batch: 5000) {
            batch.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { gmm.logDensity(x, count: 5000, into: $0, workspace: ws) } }
        }
        record("gmm log-density", gmmRate, "rows/s", ["K": "8", "D": "3"])
        var fs = RealNVPFlow.Settings()
        fs.steps = 1
        let flow = try RealNVPFlow.fit(rows, dimension: 3, settings: fs, rng: &rng)
        let flowRate = Stopwatch.rate(seconds: seconds, batch: 5000) {
            batch.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { flow.logDensity(x, count: 5000, into: $0, workspace: ws) } }
        }
        record("realnvp log-density", flowRate, "rows/s", ["couplings": "\(fs.couplings)", "hidden": "\(fs.hidden)x\(fs.hiddenLayers)"])

        // LDM training throughput (default network sizes)
        var ls = LearnedLDM.Settings()
        ls.steps = max(20, Int(200 * options.timeScale))
        let t1 = Stopwatch.now()
        let ldm = try LearnedLDM.train(density: gmm, dynamics: problem.dynamics, states: data.states, stateDim: 2,
                                       actionLower: [-1], actionUpper: [1], settings: ls, rng: &rng)
        record("ldm training", Double(ls.steps) / (Stopwatch.now() - t1), "steps/s",
               ["hidden": ls.hidden.map(String.init).joined(separator: "x"), "batch": "\(ls.batchSize)",
                "candidates": "\(ls.candidateActions)"])

        // the filter per tick: 5000 candidates, G of the first action
        let candidates = (0..<5000).map { Float($0) / 2500 - 1 }
        var costs = [Float](repeating: 0, count: 5000)
        var ldmFilter = LDMFilter(ldm: ldm, level: DensityLevel(percentile: 5, logLevel: -3), state: [0.3, 0.2])
        let ldmTick = Stopwatch.median(repeats: max(5, Int(40 * options.timeScale))) {
            candidates.withUnsafeBufferPointer { a in costs.withUnsafeMutableBufferPointer { ldmFilter.cost(a, count: 5000, horizon: 1, actionDim: 1, into: $0) } }
        }
        record("ldm filter per tick (5000 candidates, GMM energy)", ldmTick * 1000, "ms")
        var greedy = GreedyDensityFilter(density: gmm, stateDim: 2, level: DensityLevel(percentile: 5, logLevel: -3), state: [0.3, 0.2])
        let greedyTick = Stopwatch.median(repeats: max(5, Int(40 * options.timeScale))) {
            candidates.withUnsafeBufferPointer { a in costs.withUnsafeMutableBufferPointer { greedy.cost(a, count: 5000, horizon: 1, actionDim: 1, into: $0) } }
        }
        record("greedy filter per tick (5000 candidates, GMM)", greedyTick * 1000, "ms")
        return records
    }
}
