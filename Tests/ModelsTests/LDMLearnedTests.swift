import Diagnostics
import Foundation
import Geometry
@testable import Models
import Planning
import Testing

/// The point-mass toy trained once for every test that needs the learned pieces (small
/// networks and few steps, see docs/ldm.md "Settings in the tests").
enum Toy {
    static var settings: PointMassExperiment.Settings {
        var s = PointMassExperiment.Settings()
        s.dataCount = 3000
        s.learning.ldm.hidden = [64, 64]
        s.learning.ldm.batchSize = 128
        s.learning.ldm.candidateActions = 16
        s.learning.ldm.steps = 8000
        s.learning.ldm.polyak = 0.005
        s.learning.ldm.gamma = 0.99
        s.learning.percentiles = [1, 5, 10, 25]
        s.episodes = 8
        s.steps = 40
        s.samples = 256
        s.gridPoints = 41
        s.seed = 1
        return s
    }

    static let outcome: PointMassExperiment.Outcome = try! PointMassExperiment.run(settings)
}

@Suite struct GridLDMTests {
    @Test func matchesTabularValueIterationWhenTheGridIsExact() {
        // x' = clamp(x + a) on the integer nodes 0...8: interpolation reads nodes exactly
        let energies: [Double] = [3, 0.5, 0.2, 0.1, 0.4, 2, 0.3, 0.1, 6]
        let actions: [Float] = [-1, 0, 1]
        let dyn: LDMDynamics = { s, a, n, out in for i in 0..<n { out[i] = min(max(s[i] + a[i], 0), 8) } }
        let mdp = TabularMDP(stateCount: 9, actionCount: 3) { s, a in min(max(s + a - 1, 0), 8) }
        let pairE = (0..<27).map { energies[$0 / 3] + 0.05 * Double($0 % 3) }
        for gamma in [0.9, 0.99] {
            let grid = GridLDM.solve(lower: [0], upper: [8], points: [9], actions: actions, actionDim: 1, dynamics: dyn,
                                     energy: { rows, n in (0..<n).map { i in pairE[Int(rows[2 * i]) * 3 + Int(rows[2 * i + 1] + 1)] } },
                                     gamma: gamma, tolerance: 1e-13)
            let tab = TabularLDM.solveDiscounted(mdp: mdp, energies: pairE, gamma: gamma, tolerance: 1e-13)
            for i in 0..<27 { #expect(abs(grid.values[i] - tab.values[i]) < 1e-9) }
        }
    }

    @Test func doomedPairsAreExpensiveAndGIsAtLeastE() {
        // energy 0 inside |x| <= 1, |v| <= 1, 10 outside: moving fast towards the edge is doomed
        let p = PointMassProblem()
        let actions: [Float] = (0..<11).map { -1 + 0.2 * Float($0) }
        let grid = GridLDM.solve(lower: [-1.5, -1.5], upper: [1.5, 1.5], points: [31, 31], actions: actions, actionDim: 1,
                                 dynamics: p.dynamics, energy: { rows, n in
                                     (0..<n).map { i in abs(rows[3 * i]) <= 1 && abs(rows[3 * i + 1]) <= 1 ? 0 : 10 } },
                                 gamma: 0.99, outsideValue: 10, tolerance: 1e-9)
        for i in 0..<grid.values.count { #expect(grid.values[i] >= grid.energies[i] - 1e-12) }
        // node (x = 0.9, v = 1.0): E = 0 now, but no braking keeps it inside
        let doomed = (0..<grid.nodeCount).first { let s = grid.state($0); return abs(s[0] - 0.9) < 1e-9 && abs(s[1] - 1) < 1e-9 }!
        #expect(grid.energies[doomed * 11] == 0)
        #expect(grid.stateValue(node: doomed) > 5)
        // node (x = 0, v = 0): can stay forever
        let safe = (0..<grid.nodeCount).first { let s = grid.state($0); return abs(s[0]) < 1e-9 && abs(s[1]) < 1e-9 }!
        #expect(grid.stateValue(node: safe) < 1e-6)
    }
}

@Suite struct LearnedLDMTests {
    @Test func agreesWithTheGridLDMOnTheDataBox() {
        let o = Toy.outcome
        for c in o.grid {
            #expect(c.stateAgreement >= 0.85, "p\(c.percentile): state agreement \(c.stateAgreement)")
            #expect(c.pairAgreement >= 0.8, "p\(c.percentile): pair agreement \(c.pairAgreement)")
            #expect(c.falseAdmits <= 0.03, "p\(c.percentile): learned admits what the grid rejects on \(c.falseAdmits)")
            #expect(c.meanAbsError <= 0.6, "p\(c.percentile): MAE \(c.meanAbsError) nats")
        }
    }

    @Test func valuesAreAtLeastTheEnergyAndCapped() {
        let m = Toy.outcome.models
        var rng = RNG(seed: 4)
        var rows: [Float] = []
        for _ in 0..<500 { rows += [3 * rng.uniformFloat() - 1.5, 3 * rng.uniformFloat() - 1.5, 2 * rng.uniformFloat() - 1] }
        let g = m.ldm.values(rows)
        let e = m.density.logDensities(rows).map { min(-$0, m.ldm.energyCap) }
        for i in 0..<g.count {
            #expect(g[i] >= e[i] - 1e-4)
            #expect(g[i] <= m.ldm.energyCap)
        }
    }

    @Test func doomedPairIsRejectedThatGreedyAdmits() throws {
        // at x = 0.8 moving out at 1 m/s, full thrust outwards is dense now but cannot be braked
        let m = Toy.outcome.models
        let level = m.levels[1]
        let row: [Float] = [0.8, 1.0, 1.0]
        let e = -m.density.logDensities(row)[0]
        let g = m.ldm.values(row)[0]
        #expect(e < level.threshold + 1.0)
        #expect(g > level.threshold, "G \(g) should exceed -log c = \(level.threshold)")
        // while standing still in the middle is admissible for both
        let calm: [Float] = [0, 0, 0]
        #expect(m.ldm.values(calm)[0] <= level.threshold)
    }

    @Test func trainingIsDeterministicAndRoundTripsThroughCheckpoint() throws {
        let m = Toy.outcome.models
        var s = LearnedLDM.Settings()
        s.hidden = [8]
        s.steps = 50
        s.batchSize = 32
        s.candidateActions = 4
        let p = PointMassProblem()
        var d = RNG(seed: 2)
        let data = p.sampleData(count: 200, rng: &d)
        var r1 = RNG(seed: 5), r2 = RNG(seed: 5)
        let a = try LearnedLDM.train(density: m.density, dynamics: p.dynamics, states: data.states, stateDim: 2,
                                     actionLower: [-1], actionUpper: [1], settings: s, rng: &r1)
        let b = try LearnedLDM.train(density: m.density, dynamics: p.dynamics, states: data.states, stateDim: 2,
                                     actionLower: [-1], actionUpper: [1], settings: s, rng: &r2)
        #expect(a.parameters == b.parameters)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ldm-\(UInt32.random(in: 0...UInt32.max)).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: path + ".json") }
        try m.ldm.save(to: path)
        let loaded = try LearnedLDM.load(path, density: m.density)
        let rows = LDMExperiment.pairs(states: data.states, actions: data.actions, stateDim: 2, actionDim: 1)
        #expect(loaded.values(rows) == m.ldm.values(rows))
        #expect(throws: (any Error).self) { try LearnedLDM.load(path + ".missing", density: m.density) }
    }
}

@Suite struct SafetyFilterTests {
    @Test func filtersScoreTheFirstActionOfEveryCandidate() {
        let m = Toy.outcome.models
        let level = m.levels[1]
        var ldm = LDMFilter(ldm: m.ldm, level: level, state: [0.5, 0.3])
        var greedy = GreedyDensityFilter(density: m.density, stateDim: 2, level: level, state: [0.5, 0.3])
        // 4 candidates, horizon 3: only the first action should matter
        let firsts: [Float] = [-1, -0.2, 0.4, 1]
        var batch: [Float] = []
        for f in firsts { batch += [f, 0.9, -0.9] }
        var g = [Float](repeating: 0, count: 4), e = [Float](repeating: 0, count: 4)
        batch.withUnsafeBufferPointer { b in
            g.withUnsafeMutableBufferPointer { ldm.cost(b, count: 4, horizon: 3, actionDim: 1, into: $0) }
            e.withUnsafeMutableBufferPointer { greedy.cost(b, count: 4, horizon: 3, actionDim: 1, into: $0) }
        }
        var rows: [Float] = []
        for f in firsts { rows += [0.5, 0.3, f] }
        #expect(g == m.ldm.values(rows))
        #expect(e == m.density.logDensities(rows).map { -$0 })
    }

    @Test func constrainedCostFallsBackToArgminG() {
        let m = Toy.outcome.models
        // far outside the data nothing is admissible: the planner must be handed argmin G
        let level = m.levels[3]
        var cost = LDMFilter(ldm: m.ldm, level: level, state: [1.45, 1.2])
            .constraining(ClosureCost { seq in -seq[0] })   // the task wants u = +1
        let firsts: [Float] = (0..<21).map { -1 + 0.1 * Float($0) }
        var costs = [Float](repeating: 0, count: firsts.count)
        firsts.withUnsafeBufferPointer { b in costs.withUnsafeMutableBufferPointer { cost.cost(b, count: 21, horizon: 1, actionDim: 1, into: $0) } }
        #expect(cost.lastFallback)
        let best = costs.indices.min { costs[$0] < costs[$1] }!
        let g = m.ldm.values(firsts.flatMap { [1.45, 1.2, $0] })
        #expect(g[best] == g.min()!)
        #expect(firsts[best] < 0, "fallback should brake, chose u = \(firsts[best])")
    }

    @Test func thresholdsFollowTrainingPercentiles() {
        let logp = (0..<101).map { -Double($0) / 10 }   // -10 ... 0
        let levels = DensityThresholds.levels(trainingLogDensities: logp, percentiles: [0, 5, 50, 100])
        #expect(levels.map(\.logLevel) == [-10, -9.5, -5, 0])
        #expect(abs(Double(levels[1].threshold) - 9.5) < 1e-6)
        #expect(abs(levels[2].level - exp(-5)) < 1e-15)
        // on a model: the fraction of training pairs below the level is the percentile
        let m = Toy.outcome.models
        let below = m.trainingLogDensities.filter { $0 < m.levels[1].logLevel }.count
        #expect(abs(Double(below) / Double(m.trainingLogDensities.count) - 0.05) < 0.002)
    }
}

@Suite struct LDMClosedLoopTests {
    @Test func greedyLeavesTheDataAndLDMStaysIn() {
        let r = Toy.outcome.report
        let none = r.result(.none)!
        #expect(none.crashRate.estimate >= 0.9)
        for p in Toy.settings.learning.percentiles {
            let greedy = r.result(.greedy, percentile: p)!, ldm = r.result(.ldm, percentile: p)!
            // greedy is tempted out: many OOD steps, onto the ice (model error > 0) in every
            // episode, and most episodes crash at the wall
            #expect(greedy.oodFraction.estimate >= 0.15, "greedy p\(p): OOD \(greedy.oodFraction)")
            #expect(greedy.episodes.allSatisfy { $0.modelError > 0 }, "greedy p\(p) should reach the ice")
            #expect(greedy.crashRate.estimate >= 0.75, "greedy p\(p): crash \(greedy.crashRate)")
            #expect(ldm.oodFraction.estimate < greedy.oodFraction.estimate, "ldm p\(p): OOD \(ldm.oodFraction) vs greedy \(greedy.oodFraction)")
            if p >= 5 {
                // above the OOD reference level the LDM filter leaves the data far less often
                #expect(ldm.oodFraction.estimate <= 0.5 * greedy.oodFraction.estimate, "ldm p\(p): OOD \(ldm.oodFraction) vs greedy \(greedy.oodFraction)")
                // and at moderate and strict levels never reaches the ice where the model is wrong
                #expect(ldm.episodes.allSatisfy { $0.modelError == 0 }, "ldm p\(p) reached the ice")
                #expect(ldm.crashRate.estimate == 0, "ldm p\(p): crash \(ldm.crashRate)")
            }
        }
    }

    @Test func crashesFallAsTheLevelRises() {
        let r = Toy.outcome.report
        let ps = Toy.settings.learning.percentiles
        let ldm = ps.map { r.result(.ldm, percentile: $0)! }
        for i in 1..<ldm.count {
            #expect(ldm[i].episodes.filter(\.crashed).count <= ldm[i - 1].episodes.filter(\.crashed).count)
        }
        // OOD steps: fewer at the strictest level than at the loosest, for both filters
        func oodSteps(_ c: LDMConditionResult) -> Int { c.episodes.reduce(0) { $0 + $1.oodSteps } }
        #expect(oodSteps(ldm.last!) < oodSteps(ldm.first!))
        let greedy = ps.map { r.result(.greedy, percentile: $0)! }
        #expect(greedy.last!.pooledOODFraction.estimate < greedy.first!.pooledOODFraction.estimate)
        // the price: less task progress with the LDM than without a filter
        #expect(ldm.last!.progress.estimate < r.result(.none)!.progress.estimate)
    }

    @Test func reportWritesMarkdownCSVAndPlots() throws {
        let r = Toy.outcome.report
        if let out = ProcessInfo.processInfo.environment["LDM_TEST_REPORT"] { try r.write(to: out) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ldm-report-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try r.write(to: dir)
        #expect(files.count == 7)
        let summary = CSVWriter.parse(try String(contentsOfFile: dir + "/summary.csv", encoding: .utf8))
        #expect(summary.count == 1 + r.results.count)
        #expect(summary[0].first == "filter")
        let episodes = CSVWriter.parse(try String(contentsOfFile: dir + "/episodes.csv", encoding: .utf8))
        #expect(episodes.count == 1 + r.results.count * Toy.settings.episodes)
        let md = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        for res in r.results { #expect(md.contains(res.spec.name)) }
        let svg = try String(contentsOfFile: dir + "/crash_rate.svg", encoding: .utf8)
        #expect(svg.contains("data-name=\"ldm\"") && svg.contains("data-name=\"greedy\""))
    }
}

/// Summaries of a filter condition: fractions and error norms never get impossible bounds.
@Suite struct LDMConditionResultTests {
    @Test func intervalsStayInTheQuantitysRange() {
        // three episodes of 10 steps, one with a single OOD step: the t interval of the mean
        // fraction (1/30) reaches below 0 and must be clipped there; the model errors likewise
        let episodes = [LDMEpisodeMetrics(steps: 10, crashed: false, oodSteps: 0, fallbackSteps: 0, progress: 0.2, modelError: 0),
                        LDMEpisodeMetrics(steps: 10, crashed: false, oodSteps: 0, fallbackSteps: 0, progress: 0.3, modelError: 0),
                        LDMEpisodeMetrics(steps: 10, crashed: false, oodSteps: 1, fallbackSteps: 0, progress: 0.4, modelError: 0.3)]
        let r = LDMConditionResult(spec: LDMFilterSpec(kind: .none, level: nil), episodes: episodes)
        let raw = Statistics.meanInterval(episodes.map(\.oodFraction))
        #expect(raw.lower < 0)                                  // what the clip is for
        #expect(r.oodFraction.lower == 0 && r.oodFraction.upper == raw.upper && r.oodFraction.estimate == raw.estimate)
        #expect(r.modelError.lower == 0 && r.modelError.upper > 0.1)
        #expect(r.progress.lower == Statistics.meanInterval(episodes.map(\.progress)).lower)   // not a bounded quantity here
    }
}
