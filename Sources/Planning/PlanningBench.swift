import Diagnostics
import Foundation
import Geometry

/// `swiftlet bench planner-core`: planner overhead per tick (sampling, elite selection,
/// Gaussian fits, MPPI weighting) with a trivially cheap cost, at the METHODS.md sizes. The
/// cost function's own time is measured separately and subtracted, so the figures are what a
/// neural cost adds *on top of* its forward passes.
public enum PlanningBench {
    /// The suite registered in the CLI's bench catalogue.
    public static let suite = BenchSuite(
        name: "planner-core",
        summary: "planner overhead per tick excluding the cost (CEM, MPPI, random shooting at METHODS.md sizes)",
        run: { options in try run(options) })

    /// Sum of squares: the cheapest meaningful cost.
    struct CheapCost: SequenceCost {
        mutating func cost(_ a: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                           into costs: UnsafeMutableBufferPointer<Float>) {
            let n = horizon * actionDim
            for i in 0..<count {
                var s: Float = 0
                for j in 0..<n { let x = a[i * n + j] - 0.1; s += x * x }
                costs[i] = s
            }
        }
    }

    static func run(_ options: BenchOptions) throws -> [BenchRecord] {
        var records: [BenchRecord] = []
        let repeats = max(5, Int(60 * options.timeScale))

        func measure<P: Planner>(_ name: String, _ planner: P, extra: [String: String]) {
            var p = planner
            var cost = CheapCost()
            var rng = RNG(seed: 1)
            let tick = Stopwatch.median(repeats: repeats) {
                p.plan(&cost, rng: &rng)
                p.shift()
            }
            // the cost alone on the same number of candidates
            let evaluated = p.diagnostics.evaluated
            let d = p.space.sequenceLength
            let batch = [Float](repeating: 0.2, count: p.maxBatch * d)
            var out = [Float](repeating: 0, count: p.maxBatch)
            let costOnly = Stopwatch.median(repeats: repeats) {
                var left = evaluated
                batch.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { c in
                        while left > 0 {
                            let n = min(left, p.maxBatch)
                            cost.cost(UnsafeBufferPointer(rebasing: x[0..<(n * d)]), count: n, horizon: p.space.horizon,
                                      actionDim: p.space.actionDim, into: UnsafeMutableBufferPointer(rebasing: c[0..<n]))
                            left -= n
                        }
                    }
                }
            }
            var e = extra
            e["candidates"] = "\(evaluated)"
            e["horizon"] = "\(p.space.horizon)"
            e["actionDim"] = "\(p.space.actionDim)"
            let overhead = max(0, tick - costOnly) * 1000
            records.append(BenchRecord(suite: "planner-core", metric: "\(name) overhead per tick", value: overhead,
                                       unit: "ms", extra: e))
            options.log("planner-core: \(name) " + String(format: "%.3f ms/tick overhead (tick %.3f ms)", overhead, tick * 1000))
        }

        // GtS: CEM over 12 yaw rates
        let gts = ActionSpace(horizon: 12, lower: [-2.0944], upper: [2.0944])
        measure("cem-diagonal", CEMPlanner(space: gts), extra: ["method": "GtS"])
        var full = CEMPlanner.Settings(); full.covariance = .full
        measure("cem-full", CEMPlanner(space: gts, settings: full), extra: ["method": "GtS"])
        // HInt: MPPI over 8 steps of (speed, yaw rate)
        let hint = ActionSpace(horizon: 8, lower: [0, -3.1416], upper: [1, 3.1416])
        measure("mppi", MPPIPlanner(space: hint), extra: ["method": "HInt"])
        measure("mppi-h12", MPPIPlanner(space: gts), extra: ["method": "GtS-size"])
        // LDM: 5000 candidates, one step of a 4-D action
        let ldm = ActionSpace(horizon: 1, lower: [-1, -1, -1, -1], upper: [1, 1, 1, 1])
        var rs = RandomShootingPlanner.Settings(); rs.samples = 5000
        measure("random-shooting", RandomShootingPlanner(space: ldm, settings: rs), extra: ["method": "LDM"])
        return records
    }
}
