import Diagnostics
import Foundation
import Geometry
import Models
import Physics

/// An offline measure of the learned G's error at the edge of its admissible set (docs/ldm.md,
/// "Is the edge error fixable by capacity? (session 5)"), without flying: on held-out data
/// states s with uniform random actions a (as the planner's first actions are drawn), among the
/// pairs that are admissible and near the edge (threshold - band < G(s, a) <= threshold), how
/// often the one-step promise breaks at the learned model's prediction, min over an action grid
/// of G(f(s, a), a') > threshold, and the Bellman residual there,
/// G(s, a) - ((1 - gamma) E + gamma max(E, min_a' G(f(s, a), a'))) (negative = G admits more
/// than its own backup allows). G is consistent with f by construction of the backup, so both
/// measure approximation error of the network, the error the session-4 diagnosis found in
/// flight.
///
/// ```swift
/// let results = try LDMFlightEdgeCheck.run(settings, variants: [.init(name: "w128", ldm: wide)], robot: robot)
/// print(LDMFlightEdgeCheck.table(results))
/// ```
public enum LDMFlightEdgeCheck {
    /// A candidate G: LDM training settings for the run's other pieces.
    public struct Variant: Sendable {
        public var name: String
        public var ldm: LearnedLDM.Settings
        public init(name: String, ldm: LearnedLDM.Settings) { self.name = name; self.ldm = ldm }
    }

    /// Counts for one variant at one filter level.
    public struct Row: Sendable, Equatable {
        public var percentile: Double
        /// -log c (nats).
        public var threshold: Float
        /// Evaluated held-out (s, a) pairs.
        public var pairs = 0
        /// Pairs with G <= threshold.
        public var admissible = 0
        /// Pairs with threshold - band < G <= threshold.
        public var nearEdge = 0
        /// Near-edge pairs whose predicted next state has no admissible grid action.
        public var broken = 0
        /// Sums over the near-edge pairs of the Bellman residual G - y and of its negative part
        /// max(0, y - G) (nats).
        public var residualSum = 0.0
        public var shortfallSum = 0.0

        public var brokenFraction: Double { nearEdge == 0 ? .nan : Double(broken) / Double(nearEdge) }
    }

    /// One variant's rows and training figures.
    public struct Result: Sendable {
        public var name: String
        public var settings: LearnedLDM.Settings
        public var trainSeconds: Double
        public var finalLoss: Float
        public var rows: [Row]

        /// Mean over `percentiles` of the broken fraction (the session-5 decision measure).
        public func meanBrokenFraction(percentiles: [Double]) -> Double {
            let f = rows.filter { percentiles.contains($0.percentile) }.map(\.brokenFraction)
            return f.isEmpty ? .nan : f.reduce(0, +) / Double(f.count)
        }
    }

    /// Measures `ldm` on `states` (`[N, S]`): `actionsPerState` uniform actions per state from
    /// `rng`, the promise checked over a `points` x `points` grid of the action box, near edge =
    /// within `band` nats under each level's threshold. The grid minima run on `threads` threads
    /// over a fixed partition (one independent batched pass per pair), so the counts do not
    /// depend on the thread count.
    public static func measure(ldm: LearnedLDM, dynamics: LDMDynamics, states: [Float], levels: [DensityLevel],
                               actionsPerState: Int = 8, points: Int = 31, band: Float = 1, threads: Int = 2,
                               rng: RNG) -> [Row] {
        precondition(points >= 2 && actionsPerState > 0 && band > 0, "LDMFlightEdgeCheck.measure: bad grid, actions or band")
        let sd = ldm.stateDim, ad = ldm.actionDim, d = sd + ad
        let n = states.count / sd, count = n * actionsPerState
        guard count > 0, !levels.isEmpty else { return [] }
        // held-out pairs with uniform actions
        var rng = rng
        var rows = [Float](repeating: 0, count: count * d)
        for p in 0..<count {
            let s = p / actionsPerState
            for i in 0..<sd { rows[p * d + i] = states[s * sd + i] }
            for j in 0..<ad { rows[p * d + sd + j] = ldm.actionLower[j] + (ldm.actionUpper[j] - ldm.actionLower[j]) * rng.uniformFloat() }
        }
        let ws = DensityWorkspace()
        let g = ldm.values(rows, workspace: ws)
        let energy = ldm.density.logDensities(rows, workspace: ws).map { min(-$0, ldm.energyCap) }
        // pairs near any level's edge get a next state and its grid minimum
        let thresholds = levels.map(\.threshold)
        let lo = thresholds.min()! - band, hi = thresholds.max()!
        let picked = (0..<count).filter { g[$0] > lo && g[$0] <= hi }
        var pickedStates = [Float](repeating: 0, count: picked.count * sd), pickedActions = [Float](repeating: 0, count: picked.count * ad)
        for (k, p) in picked.enumerated() {
            for i in 0..<sd { pickedStates[k * sd + i] = rows[p * d + i] }
            for j in 0..<ad { pickedActions[k * ad + j] = rows[p * d + sd + j] }
        }
        var next = [Float](repeating: 0, count: picked.count * sd)
        if !picked.isEmpty {
            pickedStates.withUnsafeBufferPointer { s in
                pickedActions.withUnsafeBufferPointer { a in next.withUnsafeMutableBufferPointer { dynamics(s, a, picked.count, $0) } }
            }
        }
        // the grid minimum of G at each predicted next state (LDMFlightDiagnosis's probe, one per worker)
        let workers = max(1, min(threads, picked.count))
        let nextStates = next, total = picked.count
        let parts = FixedPartition.map(count: workers, threads: workers) { w -> [Float] in
            let range = (w * total / workers)..<((w + 1) * total / workers)
            let probe = LDMFlightDiagnosis.GridProbe(ldm: ldm, density: ldm.density, kind: .ldm, lower: ldm.actionLower,
                                                     upper: ldm.actionUpper, points: points)
            return range.map { k in probe.gridMinimum(Array(nextStates[(k * sd)..<((k + 1) * sd)])) }
        }
        let nextValue = parts.flatMap { $0 }
        let gamma = Double(ldm.settings.gamma), cap = ldm.energyCap
        return levels.map { level in
            var row = Row(percentile: level.percentile, threshold: level.threshold)
            row.pairs = count
            row.admissible = g.reduce(0) { $0 + ($1 <= level.threshold ? 1 : 0) }
            for (k, p) in picked.enumerated() where g[p] <= level.threshold && g[p] > level.threshold - band {
                row.nearEdge += 1
                if nextValue[k] > level.threshold { row.broken += 1 }
                let e = Double(energy[p])
                let y = (1 - gamma) * e + gamma * max(e, Double(min(nextValue[k], cap)))
                row.residualSum += Double(g[p]) - y
                row.shortfallSum += max(0, y - Double(g[p]))
            }
            return row
        }
    }

    /// Learns the run's data, dynamics, density and the preset's G once (`prepare`), retrains G
    /// for every variant on the same data, density, cap and random stream, and measures each on
    /// the held-out in-region states. The first result is the preset's own G ("preset").
    public static func run(_ settings: LDMFlightSettings, variants: [Variant], robot: RobotDescription,
                           actionsPerState: Int = 8, points: Int = 31, band: Float = 1,
                           log: (String) -> Void = { _ in }) throws -> [Result] {
        try settings.validate()
        let data = try LDMFlightExperiment.learningData(robot: robot, settings: settings)
        let prepared = try LDMFlightExperiment.prepare(robot: robot, settings: settings, data: data, log: log)
        let models = prepared.models
        let probeRNG = RNG(seed: settings.seed).derived(77)
        func measured(_ name: String, _ ldm: LearnedLDM, seconds: Double) -> Result {
            let rows = measure(ldm: ldm, dynamics: prepared.dynamics.ldmDynamics, states: data.test.states, levels: models.levels,
                               actionsPerState: actionsPerState, points: points, band: band, threads: settings.threads, rng: probeRNG)
            let text = rows.map { "p\(Statistics.format($0.percentile)) \($0.broken)/\($0.nearEdge)" }.joined(separator: ", ")
            log("edge check \(name): trained \(Statistics.format(seconds)) s, backup MSE \(Statistics.format(Double(ldm.finalLoss), digits: 3)); promise broken \(text)")
            return Result(name: name, settings: ldm.settings, trainSeconds: seconds, finalLoss: ldm.finalLoss, rows: rows)
        }
        var results = [measured("preset", models.ldm, seconds: models.ldmSeconds)]
        let m = Float(settings.ldmActionBox)
        for v in variants {
            var s = v.ldm
            if let margin = settings.learning.capAboveOODLevel { s.energyCap = models.oodLevel.threshold + margin }
            var rng = LDMFlightExperiment.ldmTrainingRNG(settings: settings)
            let t0 = Stopwatch.now()
            let ldm = try LearnedLDM.train(density: models.density, dynamics: prepared.dynamics.ldmDynamics, states: data.train.states,
                                           stateDim: LDMFlightPlant.stateDim, actionLower: [-m, -m], actionUpper: [m, m],
                                           settings: s, rng: &rng)
            results.append(measured(v.name, ldm, seconds: Stopwatch.now() - t0))
        }
        return results
    }

    /// A Markdown table of `results`: one line per variant and level.
    public static func table(_ results: [Result]) -> String {
        func f(_ x: Double, _ digits: Int = 3) -> String { x.isFinite ? Statistics.format(x, digits: digits) : "-" }
        var out = "| variant | hidden | steps | data states | state margin | train (s) | backup MSE | level | threshold (nats) | admissible | near edge (1 nat) | promise broken at f | mean residual G - y (nats) | mean shortfall (y - G)+ (nats) |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in results {
            for row in r.rows {
                out += "| \(r.name) | \(r.settings.hidden.map(String.init).joined(separator: "x")) | \(r.settings.steps) | "
                out += "\(f(Double(r.settings.dataStateFraction), 2)) | \(f(Double(r.settings.stateMargin), 2)) | \(f(r.trainSeconds, 0)) | "
                out += "\(f(Double(r.finalLoss))) | p\(f(row.percentile, 0)) | \(f(Double(row.threshold))) | "
                out += "\(f(Double(row.admissible) / Double(max(row.pairs, 1)))) | \(row.nearEdge) | \(f(row.brokenFraction)) | "
                out += "\(f(row.nearEdge == 0 ? .nan : row.residualSum / Double(row.nearEdge))) | "
                out += "\(f(row.nearEdge == 0 ? .nan : row.shortfallSum / Double(row.nearEdge))) |\n"
            }
        }
        return out
    }
}
