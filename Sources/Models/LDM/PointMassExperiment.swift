import Diagnostics
import Foundation
import Geometry
import Planning

/// The LDM experiment on the continuous toy problem (`PointMassProblem`), end to end: sample
/// data in the box, fit the density, learn G, validate it against the grid LDM, then fly
/// closed-loop MPC episodes towards the tempting goal under no filter, the greedy filter and
/// the LDM filter at every level, and report.
public enum PointMassExperiment {
    /// Settings of a run (defaults: the figures in docs/ldm.md).
    public struct Settings: Sendable, Equatable, Codable {
        public var problem = PointMassProblem()
        public var learning = LDMExperimentSettings()
        /// Training pairs sampled in the data box.
        public var dataCount = 4000
        /// Episodes per condition.
        public var episodes = 20
        /// Control steps per episode.
        public var steps = 40
        /// Planner horizon and candidates per tick (random shooting, METHODS.md: 5000 in the paper).
        public var horizon = 8
        public var samples = 512
        /// Grid of the reference LDM: nodes per coordinate over |x|, |v| <= `gridExtent`, and
        /// actions.
        public var gridPoints = 61
        public var gridExtent: Float = 1.5
        public var gridActions = 21
        public var seed: UInt64 = 1

        public init() {}
    }

    /// Agreement of the learned G with the grid G on the data box.
    public struct GridComparison: Sendable, Equatable, Codable {
        /// Level percentile and threshold.
        public var percentile: Double
        public var threshold: Double
        /// Fraction of (node, action) pairs with the same admit/reject decision.
        public var pairAgreement: Double
        /// Fraction of nodes with the same "some action admissible" decision.
        public var stateAgreement: Double
        /// Fraction of pairs the learned G admits but the grid rejects (the unsafe disagreements).
        public var falseAdmits: Double
        /// Mean |G_learned - G_grid| over pairs the grid admits at this level (nats).
        public var meanAbsError: Double
        /// Pairs the grid admits.
        public var admittedPairs: Int
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public var report: LDMReport
        public var models: LDMExperimentModels
        public var grid: [GridComparison]
        public var gridSeconds: Double
    }

    /// Task cost of a candidate sequence: mean |x_h - goal| along the model rollout.
    struct TaskCost: SequenceCost {
        var problem: PointMassProblem
        var state = SIMD2<Float>(0, 0)

        mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                           into costs: UnsafeMutableBufferPointer<Float>) {
            for i in 0..<count {
                var s = state, c: Float = 0
                for h in 0..<horizon {
                    s = problem.modelStep(s, actions[(i * horizon + h) * actionDim])
                    c += abs(s.x - problem.goal)
                }
                costs[i] = c / Float(horizon)
            }
        }
    }

    /// Runs everything; `log` receives progress lines.
    public static func run(_ settings: Settings, log: (String) -> Void = { _ in }) throws -> Outcome {
        let p = settings.problem
        let rng = RNG(seed: settings.seed)
        var dataRNG = rng.derived(10)
        let data = p.sampleData(count: settings.dataCount, rng: &dataRNG)
        var learnRNG = rng.derived(11)
        let models = try LDMExperiment.prepare(states: data.states, actions: data.actions, stateDim: 2,
                                               actionLower: [-p.actionBound], actionUpper: [p.actionBound],
                                               dynamics: p.dynamics, settings: settings.learning, rng: &learnRNG, log: log)
        let t0 = Stopwatch.now()
        let grid = gridLDM(models: models, settings: settings)
        let comparisons = compare(grid: grid, models: models, settings: settings)
        let gridSeconds = Stopwatch.now() - t0
        for c in comparisons {
            log("grid vs learned at p\(Statistics.format(c.percentile)): decisions agree on \(Statistics.format(100 * c.pairAgreement)) % of pairs, \(Statistics.format(100 * c.stateAgreement)) % of states (learned admits, grid rejects: \(Statistics.format(100 * c.falseAdmits)) %); MAE on admitted \(Statistics.format(c.meanAbsError)) nats")
        }
        var results: [LDMConditionResult] = []
        for spec in models.filterSpecs {
            var episodes: [LDMEpisodeMetrics] = []
            for e in 0..<settings.episodes {
                var erng = rng.derived(1000 + UInt64(e))
                let start = SIMD2<Float>(-0.8 + 1.3 * erng.uniformFloat(), -0.5 + erng.uniformFloat())
                episodes.append(episode(spec: spec, models: models, settings: settings, start: start, rng: &erng))
            }
            let r = LDMConditionResult(spec: spec, episodes: episodes)
            log("\(spec.name): crash \(r.crashRate.formatted()), OOD \(r.oodFraction.formatted()), progress \(r.progress.formatted())")
            results.append(r)
        }
        var notes = [
            "problem: 1-D point mass, dt \(p.dt) s, data |x| <= \(p.dataPosition), |v| <= \(p.dataVelocity), |u| <= \(p.actionBound); ice beyond |x| = \(p.slipPosition) (actions x \(p.slipFactor)), wall at |x| = \(p.wallPosition), goal x = \(p.goal)",
            "data: \(settings.dataCount) uniform pairs; density \(settings.learning.density.rawValue) (\(Statistics.format(models.densitySeconds)) s); LDM \(settings.learning.ldm.steps) steps, gamma \(settings.learning.ldm.gamma), tau \(settings.learning.ldm.polyak), hidden \(settings.learning.ldm.hidden) (\(Statistics.format(models.ldmSeconds)) s)",
            "planner: random shooting, \(settings.samples) candidates, horizon \(settings.horizon); \(settings.episodes) episodes x \(settings.steps) steps per condition; seed \(settings.seed)",
            "OOD step: log p(s, a) < \(Statistics.format(models.oodLevel.logLevel)) (training percentile \(Statistics.format(settings.learning.oodPercentile)))",
        ]
        for c in comparisons {
            notes.append("learned vs grid LDM (\(settings.gridPoints)^2 nodes, \(settings.gridActions) actions) at p\(Statistics.format(c.percentile)): decisions agree on \(Statistics.format(100 * c.pairAgreement)) % of (s, a) pairs in the data box, \(Statistics.format(100 * c.stateAgreement)) % of states; mean |error| on grid-admitted pairs \(Statistics.format(c.meanAbsError)) nats")
        }
        let report = LDMReport(title: "LDM safety filter: point-mass toy", notes: notes, results: results)
        return Outcome(report: report, models: models, grid: comparisons, gridSeconds: gridSeconds)
    }

    /// One closed-loop episode under `spec` from `start`.
    public static func episode(spec: LDMFilterSpec, models: LDMExperimentModels, settings: Settings, start: SIMD2<Float>,
                               rng: inout RNG) -> LDMEpisodeMetrics {
        let p = settings.problem
        var planSettings = RandomShootingPlanner.Settings()
        planSettings.samples = settings.samples
        var planner = RandomShootingPlanner(space: ActionSpace(horizon: settings.horizon, lower: [-p.actionBound], upper: [p.actionBound]),
                                            settings: planSettings)
        var cost = models.makeFilter(spec).constraining(TaskCost(problem: p))
        let ws = DensityWorkspace()
        var s = start
        var steps = 0, ood = 0, fallbacks = 0
        var crashed = false
        var errorSum = 0.0
        var row = [Float](repeating: 0, count: 3), logp = [Float](repeating: 0, count: 1)
        for _ in 0..<settings.steps {
            cost.objective.state = s
            cost.constraint.state = [s.x, s.y]
            _ = planner.plan(&cost, rng: &rng)
            if cost.lastFallback { fallbacks += 1 }
            let u = planner.nominal[0]
            row[0] = s.x; row[1] = s.y; row[2] = u
            row.withUnsafeBufferPointer { r in logp.withUnsafeMutableBufferPointer { models.density.logDensity(r, count: 1, into: $0, workspace: ws) } }
            if models.isOutOfDistribution(logDensity: Double(logp[0])) { ood += 1 }
            let predicted = p.modelStep(s, u)
            s = p.trueStep(s, u)
            errorSum += Double(((predicted - s) * (predicted - s)).sum().squareRoot())
            steps += 1
            planner.shift()
            if p.crashed(s) { crashed = true; break }
        }
        let progress = Double((min(s.x, p.goal) - start.x) / (p.goal - start.x))
        return LDMEpisodeMetrics(steps: steps, crashed: crashed, oodSteps: ood, fallbackSteps: fallbacks, progress: progress,
                                 modelError: errorSum / Double(max(steps, 1)))
    }

    /// The grid LDM of the problem under the learned density (energies clipped at the LDM's cap,
    /// same gamma), the reference for the learned G.
    public static func gridLDM(models: LDMExperimentModels, settings: Settings) -> GridLDM {
        let p = settings.problem
        let n = settings.gridActions
        let actions = (0..<n).map { -p.actionBound + 2 * p.actionBound * Float($0) / Float(n - 1) }
        let cap = Double(models.ldm.energyCap)
        let ext = Double(settings.gridExtent)
        return GridLDM.solve(lower: [-ext, -ext], upper: [ext, ext], points: [settings.gridPoints, settings.gridPoints],
                             actions: actions, actionDim: 1, dynamics: p.dynamics,
                             energy: { rows, _ in models.density.logDensities(rows).map { min(-Double($0), cap) } },
                             gamma: Double(models.ldm.settings.gamma), outsideValue: cap, tolerance: 1e-7)
    }

    /// Compares learned and grid G on the grid nodes inside the data box, per level.
    public static func compare(grid: GridLDM, models: LDMExperimentModels, settings: Settings) -> [GridComparison] {
        let p = settings.problem
        let k = grid.actionCount
        var rows: [Float] = []
        var nodes: [Int] = []
        for node in 0..<grid.nodeCount {
            let s = grid.state(node)
            guard abs(s[0]) <= Double(p.dataPosition) + 1e-9, abs(s[1]) <= Double(p.dataVelocity) + 1e-9 else { continue }
            nodes.append(node)
            for a in 0..<k { rows += [Float(s[0]), Float(s[1]), grid.actions[a]] }
        }
        let learned = models.ldm.values(rows)
        return models.levels.map { level in
            let thr = Double(level.threshold)
            var agree = 0, stateAgree = 0, admitted = 0, falseAdmits = 0
            var err = 0.0
            for (j, node) in nodes.enumerated() {
                var gridAny = false, learnedAny = false
                for a in 0..<k {
                    let gg = grid.value(node: node, action: a), gl = Double(learned[j * k + a])
                    if (gg <= thr) == (gl <= thr) { agree += 1 } else if gl <= thr { falseAdmits += 1 }
                    if gg <= thr { admitted += 1; err += abs(gg - gl); gridAny = true }
                    if gl <= thr { learnedAny = true }
                }
                if gridAny == learnedAny { stateAgree += 1 }
            }
            return GridComparison(percentile: level.percentile, threshold: thr,
                                  pairAgreement: Double(agree) / Double(max(1, nodes.count * k)),
                                  stateAgreement: Double(stateAgree) / Double(max(1, nodes.count)),
                                  falseAdmits: Double(falseAdmits) / Double(max(1, nodes.count * k)),
                                  meanAbsError: admitted > 0 ? err / Double(admitted) : 0, admittedPairs: admitted)
        }
    }
}
