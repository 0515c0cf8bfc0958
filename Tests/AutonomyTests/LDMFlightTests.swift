import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Planning
import Testing
@testable import Autonomy

/// The flight part of issue 10 on tiny configurations.
struct LDMFlightTests {
    static func tiny() -> LDMFlightSettings {
        var s = LDMFlightSettings()
        s.robot = Fixtures.root + "/Robots/cf2x.urdf"
        s.dataPairs = 1500
        s.dynamics.steps = 600
        s.learning.ldm.steps = 300
        s.learning.ldm.hidden = [32, 32]
        s.learning.percentiles = [10]
        s.episodes = 2
        s.steps = 8
        s.samples = 64
        s.horizon = 5
        return s
    }

    @Test func dataStayInTheRegionAndTheModelFitsItButNotBeyond() throws {
        let robot = try Fixtures.cf2x()
        var s = LDMFlightSettings()
        s.dynamics.steps = 1500
        var rng = RNG(seed: 3)
        let data = LDMFlightExperiment.collect(robot: robot, settings: s, pairs: 3000, wide: false, rng: &rng)
        #expect(data.count == 3000)
        // every training state is inside |v_h| <= 1 m/s and tilt <= 15 deg
        for r in 0..<data.count {
            let v = data.states[r * 8], w = data.states[r * 8 + 1]
            #expect((v * v + w * w).squareRoot() <= 1.0001)
            let roll = Double(data.states[r * 8 + 4]), pitch = Double(data.states[r * 8 + 5])
            #expect(acos(cos(roll) * cos(pitch)) <= s.dataTilt + 1e-4)
        }
        let wide = LDMFlightExperiment.collect(robot: robot, settings: s, pairs: 500, wide: true, rng: &rng)
        #expect(wide.count == 500)
        let train = data.slice(0..<2700), test = data.slice(2700..<3000)
        var fitRNG = RNG(seed: 4)
        let model = try LDMFlightDynamicsModel.train(states: train.states, actions: train.actions, next: train.next,
                                                     stateDim: 8, actionDim: 2, settings: s.dynamics, rng: &fitRNG)
        func error(_ t: LDMFlightExperiment.Transitions) -> Double {
            Statistics.mean(LDMFlightDynamicsModel.velocityErrors(predicted: model.predict(states: t.states, actions: t.actions),
                                                                  actual: t.next, stateDim: 8))
        }
        // how much the velocity changes per step in the held-out data: the model must do far better
        let change = Statistics.mean(LDMFlightDynamicsModel.velocityErrors(predicted: test.states, actual: test.next, stateDim: 8))
        let inErr = error(test), outErr = error(wide)
        #expect(inErr < 0.2 * change, "held-out error \(inErr) vs per-step change \(change)")
        #expect(outErr > 3 * inErr, "out-of-region error \(outErr) vs held-out \(inErr)")
    }

    @Test func sagGrowsWithTiltSoHighTiltHitsTheGround() throws {
        let robot = try Fixtures.cf2x()
        let s = LDMFlightSettings()
        func fly(_ pitch: Double) -> LDMFlightCrash? {
            var plant = LDMFlightPlant(robot: robot, settings: s)
            for _ in 0..<30 { if let c = plant.step(roll: 0, pitch: pitch) { return c } }
            return nil
        }
        #expect(fly(s.dataTilt) == nil)
        #expect(fly(s.maxTiltCommand) == .ground)
    }

    @Test func tiltRateActionsIntegrateIntoTheHeldSetpoint() throws {
        let robot = try Fixtures.cf2x()
        let s = LDMFlightSettings.momentum
        var plant = LDMFlightPlant(robot: robot, settings: s)
        // one step moves the setpoint by rate x period, the rate clamped to the box
        #expect(plant.step(action: SIMD2(0.5, -3)) == nil)
        #expect(abs(plant.setpoint.x - 0.05) < 1e-12 && abs(plant.setpoint.y + 0.1) < 1e-12)
        let c = plant.compactState
        #expect(c[6] == Float(plant.setpoint.x) && c[7] == Float(plant.setpoint.y))
        // the setpoint integrates and saturates at the tilt box
        for _ in 0..<30 { _ = plant.step(action: SIMD2(0, 1)) }
        #expect(abs(plant.setpoint.y - s.maxTiltCommand) < 1e-12)
        // the exploration command is strictly inside the rate box and points at the target
        plant.reset()
        let r = plant.rateCommand(towards: SIMD2(1, -0.01), tau: s.dataRateTau)
        #expect(r.x > 0.99 * s.maxTiltRate && r.x < s.maxTiltRate && r.y < 0 && r.y > -0.1)
        // in tilt mode the last entries stay the body rates
        var tilt = LDMFlightPlant(robot: robot, settings: LDMFlightSettings())
        _ = tilt.step(action: SIMD2(0.1, 0))
        #expect(tilt.compactState[6] == Float(tilt.state.bodyRate.x))
    }

    /// Peak forward speed (m/s) over 2 s of the hardest braking from `speed` (m/s, +x) at a
    /// settled forward tilt `tilt` (rad), in the settings' action mode.
    static func peakSpeedWhileBraking(_ s: LDMFlightSettings, robot: RobotDescription, speed: Double, tilt: Double) -> Double {
        var plant = LDMFlightPlant(robot: robot, settings: s)
        // settle the attitude at the forward tilt, then set the speed
        plant.setpoint = SIMD2(0, tilt)
        for _ in 0..<10 { _ = plant.step(roll: 0, pitch: tilt) }
        plant.state.velocity = Vec3(speed, 0, 0)
        var peak = speed
        for _ in 0..<20 {
            // tilt back to -dataTilt: at once, or as fast as the rate box allows
            let rate = max(-s.maxTiltRate, (-s.dataTilt - plant.setpoint.y) / s.controlPeriod)
            _ = plant.step(action: s.actionMode == .tilt ? SIMD2(0, -s.dataTilt) : SIMD2(0, rate))
            peak = max(peak, plant.state.velocity.x)
        }
        return peak
    }

    @Test func tiltRateActionsCarryMomentumOutOfTheData() throws {
        let robot = try Fixtures.cf2x()
        // inside the data region (0.7 m/s, 15 deg forward): tilt setpoints brake within it,
        // tilt rates cannot (the tilt must be wound back first) and overshoot 1 m/s
        let tilt = LDMFlightTests.peakSpeedWhileBraking(LDMFlightSettings(), robot: robot, speed: 0.7, tilt: 0.2618)
        let rate = LDMFlightTests.peakSpeedWhileBraking(.momentum, robot: robot, speed: 0.7, tilt: 0.2618)
        #expect(tilt < 1, "tilt-setpoint peak speed \(tilt)")
        #expect(rate > 1, "tilt-rate peak speed \(rate)")
    }

    @Test func tiltRateDataStayInTheRegionWithActionsInsideTheRateBox() throws {
        let robot = try Fixtures.cf2x()
        let s = LDMFlightSettings.momentum
        var rng = RNG(seed: 3)
        let data = LDMFlightExperiment.collect(robot: robot, settings: s, pairs: 2000, wide: false, rng: &rng)
        #expect(data.count == 2000)
        var edge = 0
        for r in 0..<data.count {
            let v = data.states[r * 8], w = data.states[r * 8 + 1]
            #expect((v * v + w * w).squareRoot() <= 1.0001)
            let roll = Double(data.states[r * 8 + 4]), pitch = Double(data.states[r * 8 + 5])
            #expect(acos(cos(roll) * cos(pitch)) <= s.dataTilt + 1e-4)
            #expect(abs(Double(data.actions[r * 2])) < s.maxTiltRate && abs(Double(data.actions[r * 2 + 1])) < s.maxTiltRate)
            if (v * v + w * w).squareRoot() > 0.8 { edge += 1 }
        }
        // the exploration reaches the edge of the region (where momentum commits it to leave)
        #expect(edge > data.count / 50, "\(edge) of \(data.count) pairs above 0.8 m/s")
    }

    @Test func experimentRunsEndToEndAndWritesItsReport() throws {
        let robot = try Fixtures.cf2x()
        let s = LDMFlightTests.tiny()
        let outcome = try LDMFlightExperiment.run(s, robot: robot, progress: .silent)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ldmflight-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try outcome.report.write(to: dir)
        #expect(files.count == 7)
        let summary = try CSVWriter.parse(String(contentsOfFile: dir + "/summary.csv", encoding: .utf8))
        #expect(summary.dropFirst().map { $0[0] } == outcome.report.results.map(\.spec.name))
        #expect(outcome.report.results.map(\.spec.kind) == [.none, .greedy, .ldm])
        let episodes = try CSVWriter.parse(String(contentsOfFile: dir + "/episodes.csv", encoding: .utf8))
        #expect(episodes.count == 1 + 3 * s.episodes)
        for r in outcome.report.results {
            for e in r.episodes {
                #expect(e.steps >= 1 && e.steps <= s.steps)
                #expect(e.oodSteps <= e.steps && e.fallbackSteps <= e.steps)
                #expect(e.progress >= 0 && e.progress <= 1 && e.modelError.isFinite)
            }
        }
        // the unfiltered planner never falls back
        #expect(outcome.report.result(.none)!.episodes.allSatisfy { $0.fallbackSteps == 0 })
        // same seed on one thread: the same episodes, bit for bit
        var one = s
        one.threads = 1
        let again = try LDMFlightExperiment.run(one, robot: robot, progress: .silent)
        #expect(again.report.episodesCSV().text == outcome.report.episodesCSV().text)
    }

    @Test func diagnosisCountsTheSweepsFallbackTicksAndProbesTheWholeGrid() throws {
        let robot = try Fixtures.cf2x()
        var s = LDMFlightTests.tiny()
        s.actionMode = .tiltRate
        let prepared = try LDMFlightExperiment.prepare(robot: robot, settings: s)
        let sweep = try LDMFlightExperiment.sweep(s, prepared: prepared, robot: robot, progress: .silent)
        // the sweep on prepared pieces is the whole run
        let run = try LDMFlightExperiment.run(s, robot: robot, progress: .silent)
        #expect(sweep.report.episodesCSV().text == run.report.episodesCSV().text)
        let rows = try LDMFlightDiagnosis.run(s, prepared: prepared, robot: robot, points: 5, progress: .silent)
        // every filtered condition of the sweep, in its order (greedy, then the LDM)
        #expect(rows.map(\.name) == sweep.report.results.filter { $0.spec.kind != .none }.map(\.spec.name))
        #expect(rows.count == 2)
        for r in rows {
            // the same paired episodes as the sweep: same ticks, same fallback ticks
            let episodes = sweep.report.results.first { $0.spec.name == r.name }!.episodes
            #expect(r.ticks == episodes.map(\.steps).reduce(0, +))
            #expect(r.fallbackTicks == episodes.map(\.fallbackSteps).reduce(0, +))
            #expect(r.leftSet + r.missed == r.fallbackTicks)
            #expect(r.admissibleTicks + r.fallbackTicks <= r.ticks)
            #expect(r.inconsistentTrue <= r.admissibleTicks && r.inconsistentPredicted <= r.admissibleTicks)
            #expect(r.leftExcess >= 0 && r.inconsistentSlack >= 0)
            // the random admissible action is checked at admissible ticks only
            #expect(r.randomInconsistentPredicted <= r.randomChecked && r.randomChecked <= r.admissibleTicks)
        }
        // the grid minimum is the minimum of G (or -log p) over every grid action, corners included
        let models = prepared.models, m = Float(s.actionLimit)
        let state: [Float] = [0.6, -0.2, 0, 0.02, 0.1, -0.15, 0.12, 0.2]
        let axis: [Float] = [-m, -m / 2, 0, m / 2, m]
        var rowsG: [Float] = []
        for u in axis { for w in axis { rowsG += state + [u, w] } }
        let g = models.ldm.values(rowsG).min()!
        let e = models.density.logDensities(rowsG).map { -$0 }.min()!
        let ldmProbe = LDMFlightDiagnosis.GridProbe(models: models, kind: .ldm, lower: -m, upper: m, points: 5)
        let greedyProbe = LDMFlightDiagnosis.GridProbe(models: models, kind: .greedy, lower: -m, upper: m, points: 5)
        #expect(ldmProbe.gridMinimum(state) == g)
        #expect(abs(greedyProbe.gridMinimum(state) - e) <= 1e-4 * max(1, abs(e)))
    }

    /// A hand-built density over (s, a): one Gaussian at hover, actions with std 0.2 rad.
    /// The hand-built filter cases: the single-Gaussian density, tiny settings (600 pairs) and a
    /// learned model trained for 100 steps on 600 pairs collected with seed 9.
    static func handCase() throws -> (GaussianMixture, LDMFlightSettings, LDMFlightDynamicsModel) {
        let density = try handDensity()
        let robot = try Fixtures.cf2x()
        var s = tiny()
        s.dataPairs = 600
        s.dynamics.steps = 100
        var rng = RNG(seed: 9)
        let data = LDMFlightExperiment.collect(robot: robot, settings: s, pairs: 600, wide: false, rng: &rng)
        let model = try LDMFlightDynamicsModel.train(states: data.states, actions: data.actions, next: data.next, stateDim: 8,
                                                     actionDim: 2, settings: s.dynamics, rng: &rng)
        return (density, s, model)
    }

    static func handDensity() throws -> GaussianMixture {
        var cov = [Double](repeating: 0.04, count: 10)
        cov[8] = 0.04; cov[9] = 0.04
        return try GaussianMixture(dimension: 10, covarianceType: .diagonal, weights: [1], means: [Double](repeating: 0, count: 10),
                                   covariances: cov)
    }

    /// The hand case's G: trained on hover and a slightly tilted state under dynamics that stay
    /// put (so G = E in theory), E capped 4 nats above `level`'s threshold.
    static func stayLDM(density: GaussianMixture, level: DensityLevel) throws -> LearnedLDM {
        var settings = LearnedLDM.Settings()
        settings.steps = 1500
        settings.hidden = [32, 32]
        settings.energyCap = level.threshold + 4
        var rng = RNG(seed: 10)
        let stay: LDMDynamics = { s, _, n, out in for i in 0..<(n * 8) { out[i] = s[i] } }
        return try LearnedLDM.train(density: density, dynamics: stay,
                                    states: [Float](repeating: 0, count: 8) + [Float](repeating: 0.1, count: 8),
                                    stateDim: 8, actionLower: [-0.785, -0.785], actionUpper: [0.785, 0.785],
                                    settings: settings, rng: &rng)
    }

    /// Candidates `[n][horizon 3][2]` whose first actions are `first` and later actions 0.7 (far out).
    static func batch(_ first: [SIMD2<Float>]) -> [Float] {
        var out: [Float] = []
        for a in first { out += [a.x, a.y, 0.7, 0.7, 0.7, 0.7] }
        return out
    }

    @Test func filtersAdmitAndRejectAsSpecifiedOnAHandBuiltCase() throws {
        let (density, s, model) = try LDMFlightTests.handCase()
        // level c = p(hover, a = (0.5, 0)): first actions within 0.5 rad of level are dense enough
        let edge = density.logDensities([Double](repeating: 0, count: 8) + [0.5, 0])[0]
        let level = DensityLevel(percentile: 10, logLevel: edge)
        let objective = LDMFlightCost(model: model, settings: s)
        let hover = [Float](repeating: 0, count: 8)
        func run(_ filter: SafetyFilter, _ first: [SIMD2<Float>]) -> (costs: [Float], cost: ConstrainedCost<LDMFlightCost, SafetyFilter>) {
            var cost = filter.constraining(objective)
            cost.constraint.state = hover
            cost.objective.state = hover
            cost.objective.toGoal = SIMD2(10, 0)
            let actions = LDMFlightTests.batch(first)
            var costs = [Float](repeating: 0, count: first.count)
            actions.withUnsafeBufferPointer { a in
                costs.withUnsafeMutableBufferPointer { cost.cost(a, count: first.count, horizon: 3, actionDim: 2, into: $0) }
            }
            return (costs, cost)
        }
        let mixed: [SIMD2<Float>] = [SIMD2(0, 0), SIMD2(0.4, 0), SIMD2(0.6, 0), SIMD2(0.7, 0.7)]
        // greedy: admits the first actions inside the level set, rejects the others; only the first action counts
        let greedy = run(.greedy(density: density, stateDim: 8, level: level), mixed)
        #expect(greedy.costs[0].isFinite && greedy.costs[1].isFinite)
        #expect(greedy.costs[2] == .infinity && greedy.costs[3] == .infinity)
        #expect(greedy.cost.lastAdmissible == 2 && !greedy.cost.lastFallback)
        // nothing admissible: fall back to the densest first action
        let far: [SIMD2<Float>] = [SIMD2(0.8, 0), SIMD2(0.6, 0), SIMD2(0.9, 0)]
        let fb = run(.greedy(density: density, stateDim: 8, level: level), far)
        #expect(fb.cost.lastFallback && fb.cost.lastAdmissible == 0)
        #expect(fb.costs.firstIndex(of: fb.costs.min()!) == 1)
        // no filter: everything admitted, objective costs unchanged
        let none = run(.unfiltered(stateDim: 8), mixed)
        #expect(none.costs.allSatisfy { $0.isFinite } && none.cost.lastAdmissible == 4)
        // LDM with dynamics that stay put: G = E in theory (staying at the dense action is
        // always possible), G >= E by construction; the filter admits hover and rejects what
        // greedy rejects, and writes G of [s, first action]
        let ldm = try LDMFlightTests.stayLDM(density: density, level: level)
        let filtered = run(.ldm(ldm, level: level), mixed)
        let expected = ldm.values(mixed.flatMap { hover + [$0.x, $0.y] })
        for i in 0..<mixed.count {
            #expect(filtered.cost.lastConstraint[i] == expected[i])
            #expect(filtered.cost.lastConstraint[i] >= min(greedy.cost.lastConstraint[i], ldm.energyCap) - 1e-4)
        }
        #expect(!filtered.cost.lastFallback && filtered.costs[0].isFinite)
        #expect(filtered.costs[2] == .infinity && filtered.costs[3] == .infinity)
    }

    @Test func planViewMarksRejectedCandidatesAndTheExecutedOne() throws {
        let density = try LDMFlightTests.handDensity()
        let robot = try Fixtures.cf2x()
        var s = LDMFlightTests.tiny()
        s.samples = 128
        var rng = RNG(seed: 5)
        let data = LDMFlightExperiment.collect(robot: robot, settings: s, pairs: 400, wide: false, rng: &rng)
        s.dynamics.steps = 50
        let model = try LDMFlightDynamicsModel.train(states: data.states, actions: data.actions, next: data.next, stateDim: 8,
                                                     actionDim: 2, settings: s.dynamics, rng: &rng)
        let edge = density.logDensities([Double](repeating: 0, count: 8) + [0.5, 0])[0]
        let filter = SafetyFilter.greedy(density: density, stateDim: 8, level: DensityLevel(percentile: 10, logLevel: edge))
        var cost = ConstrainedCost(objective: LDMFlightCost(model: model, settings: s),
                                   constraint: LDMFlightConstraint(filter: filter, density: density, energyCap: 100),
                                   threshold: filter.threshold)
        cost.constraint.state = [Float](repeating: 0, count: 8)
        cost.objective.state = cost.constraint.state
        cost.objective.toGoal = SIMD2(10, 0)
        var planner = LDMFlightExperiment.makePlanner(settings: s)
        _ = planner.plan(&cost, rng: &rng)
        let view = LDMFlightPlanView.make(planner: planner, cost: cost, filter: "greedy p10", position: Vec3(1, 2, 0.3), maxCandidates: 40)
        #expect(view.candidates.count >= 40 && view.evaluatedCount == 128)
        #expect(view.candidates.filter(\.chosen).count == 1)
        #expect(view.candidates.contains { $0.admissible } && view.candidates.contains { !$0.admissible })
        for c in view.candidates {
            #expect(c.admissible == (c.value <= view.threshold))
            #expect(c.points.count == s.horizon)
        }
        let chosen = view.candidates.first(where: \.chosen)!
        #expect(chosen.admissible && chosen.value == view.executedValue && !view.fallback)
        #expect(view.hudText.hasPrefix("greedy p10  -log p"))
    }

    @Test func marginFallbackFliesTheLowestTaskCostAmongTheLeastBadCandidates() throws {
        let (density, s, model) = try LDMFlightTests.handCase()
        // level at a = (0.5, 0) from hover: every candidate below starts outside it
        let edge = density.logDensities([Double](repeating: 0, count: 8) + [0.5, 0])[0]
        let filter = SafetyFilter.greedy(density: density, stateDim: 8, level: DensityLevel(percentile: 10, logLevel: edge))
        let hover = [Float](repeating: 0, count: 8)
        // four near-edge candidates (energies within 0.8 nats; the first is the densest) and one far out,
        // each holding its first action over the horizon
        let first: [SIMD2<Float>] = [SIMD2(0.55, 0), SIMD2(-0.6, 0), SIMD2(0, 0.6), SIMD2(0, -0.6), SIMD2(0.9, 0.9)]
        let horizon = 3
        let actions = first.flatMap { a in (0..<horizon).flatMap { _ in [a.x, a.y] } }
        // the goal lies where candidate 1's rollout goes, so the densest candidate is not the best for the task
        var probe = LDMFlightCost(model: model, settings: s)
        probe.state = hover
        let heading = probe.rollout(Array(actions[(horizon * 2)..<(2 * horizon * 2)]), horizon: horizon).last!
        let toGoal = 10 * SIMD2(heading.x, heading.y) / (heading.x * heading.x + heading.y * heading.y).squareRoot()
        func run(margin: Double, _ acts: [Float], count: Int) -> (costs: [Float], task: [Float], cost: ConstrainedCost<LDMFlightCost, LDMFlightConstraint>) {
            let objective = LDMFlightCost(model: model, settings: s)
            var cost = ConstrainedCost(objective: objective,
                                       constraint: LDMFlightConstraint(filter: filter, density: density, energyCap: 100,
                                                                       fallbackMargin: Float(margin),
                                                                       task: margin > 0 ? LDMFlightCost(model: model, settings: s) : nil),
                                       threshold: filter.threshold)
            cost.update(state: hover, toGoal: toGoal)
            var costs = [Float](repeating: 0, count: count), task = costs
            var reference = objective
            reference.state = hover
            reference.toGoal = toGoal
            acts.withUnsafeBufferPointer { a in
                costs.withUnsafeMutableBufferPointer { cost.cost(a, count: count, horizon: horizon, actionDim: 2, into: $0) }
                task.withUnsafeMutableBufferPointer { reference.cost(a, count: count, horizon: horizon, actionDim: 2, into: $0) }
            }
            return (costs, task, cost)
        }
        let energies = density.logDensities(first.flatMap { hover.map(Double.init) + [Double($0.x), Double($0.y)] }).map { Float(-$0) }
        // margin 0: the paper's fallback, argmin of the energy
        let plain = run(margin: 0, actions, count: first.count)
        #expect(plain.cost.lastFallback)
        #expect(plain.costs.firstIndex(of: plain.costs.min()!) == 0)
        // margin 1 nat: the lowest task cost among candidates 0-3, candidate 4 ranked last
        let margin = run(margin: 1, actions, count: first.count)
        #expect(margin.cost.lastFallback && margin.cost.lastAdmissible == 0)
        let near = (0..<4).filter { energies[$0] <= energies.min()! + 1 }
        #expect(near == [0, 1, 2, 3])
        let best = near.min { margin.task[$0] < margin.task[$1] }!
        #expect(best != 0)
        #expect(margin.costs.firstIndex(of: margin.costs.min()!) == best)
        #expect(near.allSatisfy { margin.costs[$0] < margin.costs[4] })
        #expect(margin.cost.lastConstraint[0..<first.count].allSatisfy { $0 > filter.threshold })
        for i in near { #expect(abs(margin.cost.lastConstraint[i] - energies[i]) <= 1 + 1e-3) }
        // something admissible: the margin changes nothing
        let mixed = [Float](repeating: 0, count: horizon * 2) + actions
        let a0 = run(margin: 0, mixed, count: first.count + 1), a1 = run(margin: 1, mixed, count: first.count + 1)
        #expect(!a1.cost.lastFallback && a1.costs == a0.costs && a1.cost.lastConstraint == a0.cost.lastConstraint)
    }

    @Test func constraintAlongTheRolloutTakesTheWorstOfTheCheckedSteps() throws {
        let (density, s, model) = try LDMFlightTests.handCase()
        let edge = density.logDensities([Double](repeating: 0, count: 8) + [0.5, 0])[0]
        let level = DensityLevel(percentile: 10, logLevel: edge)
        let hover = [Float](repeating: 0, count: 8)
        // three candidates over horizon 3: level throughout, level then far out, far out first
        let horizon = 3
        let actions: [Float] = [0, 0, 0, 0, 0, 0,
                                0, 0, 0.7, 0.7, 0, 0,
                                0.8, 0, 0, 0, 0, 0]
        let ldm = try LDMFlightTests.stayLDM(density: density, level: level)
        func values(_ filter: SafetyFilter, steps: Int) -> (values: [Float], admissible: Int) {
            var cost = ConstrainedCost(objective: LDMFlightCost(model: model, settings: s),
                                       constraint: LDMFlightConstraint(filter: filter, density: density, energyCap: 100,
                                                                       constraintSteps: steps, dynamics: model, ldm: ldm),
                                       threshold: filter.threshold)
            cost.update(state: hover, toGoal: SIMD2(10, 0))
            var out = [Float](repeating: 0, count: 3)
            actions.withUnsafeBufferPointer { a in out.withUnsafeMutableBufferPointer { cost.cost(a, count: 3, horizon: horizon, actionDim: 2, into: $0) } }
            return (Array(cost.lastConstraint[0..<3]), cost.lastAdmissible)
        }
        // the predicted states and rows (s_t, a_t) computed independently
        let s1 = model.predict(states: [Float](repeating: 0, count: 24), actions: [0, 0, 0, 0, 0.8, 0])
        let s2 = model.predict(states: s1, actions: [0, 0, 0.7, 0.7, 0, 0])
        func row(_ st: [Float], _ i: Int, _ a: [Float]) -> [Float] { Array(st[(i * 8)..<((i + 1) * 8)]) + a }
        let rows0 = (0..<3).map { hover + Array(actions[($0 * 6)..<($0 * 6 + 2)]) }
        let rows1 = (0..<3).map { row(s1, $0, Array(actions[($0 * 6 + 2)..<($0 * 6 + 4)])) }
        let rows2 = (0..<3).map { row(s2, $0, Array(actions[($0 * 6 + 4)..<($0 * 6 + 6)])) }
        func energy(_ r: [[Float]]) -> [Float] { density.logDensities(r.flatMap { $0.map(Double.init) }).map { Float(-$0) } }
        for (filter, f) in [(SafetyFilter.greedy(density: density, stateDim: 8, level: level), energy),
                            (SafetyFilter.ldm(ldm, level: level), { ldm.values($0.flatMap { $0 }) })] {
            let one = values(filter, steps: 1), two = values(filter, steps: 2), three = values(filter, steps: 3)
            let v0 = f(rows0), v1 = f(rows1), v2 = f(rows2)
            for i in 0..<3 {
                #expect(abs(one.values[i] - v0[i]) <= 1e-4 * max(1, abs(v0[i])))
                #expect(abs(two.values[i] - max(v0[i], v1[i])) <= 1e-4 * max(1, abs(v1[i])))
                #expect(abs(three.values[i] - max(v0[i], v1[i], v2[i])) <= 1e-4 * max(1, abs(v2[i])))
            }
            // first action only: the two level starts pass; two steps: the one tilting far out next is rejected
            #expect(one.values[0] <= filter.threshold && one.values[1] <= filter.threshold && one.values[2] > filter.threshold)
            #expect(one.admissible == 2)
            #expect(two.values[1] > filter.threshold && two.values[2] > filter.threshold && two.admissible < one.admissible)
        }
    }

    @Test func recoveryFallbackRanksByTheBackupUnrolledAlongThePlan() throws {
        let (density, s, model) = try LDMFlightTests.handCase()
        let edge = density.logDensities([Double](repeating: 0, count: 8) + [0.5, 0])[0]
        let level = DensityLevel(percentile: 10, logLevel: edge)
        let hover = [Float](repeating: 0, count: 8)
        // nothing admissible from hover; candidate 0 has the densest first action but then tilts
        // far out, candidate 1 starts further out and then levels (back to the data), candidate 2
        // starts furthest out and also levels
        let horizon = 4
        let plans: [[Float]] = [[0.55, 0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
                                [0.65, 0, 0, 0, 0, 0, 0, 0],
                                [-0.75, 0, 0, 0, 0, 0, 0, 0]]
        let actions = plans.flatMap { $0 }
        let ldm = try LDMFlightTests.stayLDM(density: density, level: level)
        func run(_ filter: SafetyFilter, rule: LDMFlightFallbackRule, steps: Int, _ acts: [Float], count: Int, ood: Float = -.infinity)
            -> (costs: [Float], cost: ConstrainedCost<LDMFlightCost, LDMFlightConstraint>) {
            var cost = ConstrainedCost(objective: LDMFlightCost(model: model, settings: s),
                                       constraint: LDMFlightConstraint(filter: filter, density: density, energyCap: ldm.energyCap,
                                                                       dynamics: model, ldm: ldm, fallbackRule: rule, fallbackSteps: steps,
                                                                       oodLogLevel: ood),
                                       threshold: filter.threshold)
            cost.update(state: hover, toGoal: SIMD2(10, 0))
            var out = [Float](repeating: 0, count: count)
            acts.withUnsafeBufferPointer { a in out.withUnsafeMutableBufferPointer { cost.cost(a, count: count, horizon: horizon, actionDim: 2, into: $0) } }
            return (out, cost)
        }
        // the rollout and its rows (s_t, a_t) computed independently
        var st = [Float](repeating: 0, count: 24)
        var rows: [[[Float]]] = []
        for t in 0..<horizon {
            rows.append((0..<3).map { i in Array(st[(i * 8)..<((i + 1) * 8)]) + Array(plans[i][(2 * t)..<(2 * t + 2)]) })
            st = model.predict(states: st, actions: (0..<3).flatMap { Array(plans[$0][(2 * t)..<(2 * t + 2)]) })
        }
        func energy(_ r: [[Float]]) -> [Float] { density.logDensities(r.flatMap { $0.map(Double.init) }).map { Float(-$0) } }
        func g(_ r: [[Float]]) -> [Float] {
            let e = energy(r)
            return zip(ldm.values(r.flatMap { $0 }), e).map { v, e in v >= ldm.energyCap ? ldm.energyCap + 0.01 * max(0, e - ldm.energyCap) : v }
        }
        let greedy = SafetyFilter.greedy(density: density, stateDim: 8, level: level), ldmFilter = SafetyFilter.ldm(ldm, level: level)
        for (filter, last) in [(greedy, energy), (ldmFilter, g)] {
            let plain = run(filter, rule: .argmin, steps: 2, actions, count: 3)
            #expect(plain.cost.lastFallback)
            for k in 1...3 {
                // V_k = max(E_0, ..., E_{k-1}, G_k), greedy: E_k in place of G_k
                var v = last(rows[k])
                for t in 0..<k { v = zip(v, energy(rows[t])).map { max($0, $1) } }
                let r = run(filter, rule: .recovery, steps: k, actions, count: 3)
                #expect(r.cost.lastFallback && r.cost.lastAdmissible == 0)
                #expect(r.cost.lastConstraint[0..<3].allSatisfy { $0 > filter.threshold })
                let least = plain.costs.min()!, low = v.min()!
                for i in 0..<3 { #expect(abs(r.costs[i] - (least + v[i] - low)) <= 1e-3 * max(1, abs(v[i]))) }
                // the plan that comes back wins; the argmin flies the one that leaves
                #expect(r.costs.firstIndex(of: r.costs.min()!) == 1)
            }
            #expect(plain.costs.firstIndex(of: plain.costs.min()!) == 0)
            // in-data variant: with the OOD level between candidate 0's first action (0.55) and the
            // others' (0.65, 0.75), only candidate 0 starts in the data and is flown; with every first
            // action out (level at 0.5) or in (no level) it is the plain recovery rule
            let between = Float(density.logDensities(hover.map(Double.init) + [0.6, 0])[0])
            let out = Float(density.logDensities(hover.map(Double.init) + [0.5, 0])[0])
            let keep = run(filter, rule: .recoveryInData, steps: 3, actions, count: 3, ood: between)
            #expect(keep.cost.lastFallback && keep.costs.firstIndex(of: keep.costs.min()!) == 0)
            #expect(keep.cost.lastConstraint[0..<3].allSatisfy { $0 > filter.threshold })
            let plainRecovery = run(filter, rule: .recovery, steps: 3, actions, count: 3)
            #expect(run(filter, rule: .recoveryInData, steps: 3, actions, count: 3, ood: out).costs == plainRecovery.costs)
            #expect(run(filter, rule: .recoveryInData, steps: 3, actions, count: 3).costs == plainRecovery.costs)
            // something admissible: the recovery rule changes nothing
            let mixed = [Float](repeating: 0, count: horizon * 2) + actions
            let a0 = run(filter, rule: .argmin, steps: 3, mixed, count: 4), a1 = run(filter, rule: .recovery, steps: 3, mixed, count: 4)
            #expect(!a1.cost.lastFallback && a1.costs == a0.costs && a1.cost.lastConstraint == a0.cost.lastConstraint)
        }
    }

    @Test func fallbackRuleSettingsAreCheckedAndLeaveTheSavedModelsAlone() throws {
        let r = try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackRule": "recovery", "fallbackSteps": 6}"#.utf8), source: "cfg.json")
        #expect(r.fallbackRule == .recovery && r.fallbackSteps == 6)
        #expect(LDMFlightSettings.momentum.fallbackRule == .argmin)
        #expect(throws: InputError.self) { try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackRule": "recovery", "fallbackSteps": 10}"#.utf8), source: "cfg.json") }
        #expect(throws: InputError.self) { try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackRule": "recovery", "fallbackSteps": 0}"#.utf8), source: "cfg.json") }
        #expect(throws: InputError.self) { try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackRule": "recovery", "fallbackMargin": 0.5}"#.utf8), source: "cfg.json") }
        #expect(throws: (any Error).self) { try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackRule": "steer"}"#.utf8), source: "cfg.json") }
        // unused with the paper's argmin
        #expect(try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackSteps": 10}"#.utf8), source: "cfg.json").fallbackSteps == 10)
        // a flight-time setting: the models compare equal whatever the rule
        #expect(LDMFlightModelFiles.canonical(r) == LDMFlightModelFiles.canonical(.momentum))
        #expect(try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackRule": "recoveryInData"}"#.utf8), source: "cfg.json").fallbackRule == .recoveryInData)
    }

    @Test func configOverlaysThePresetAndRejectsUnknownKeys() throws {
        let json = #"{"episodes": 3, "learning": {"percentiles": [2, 20], "ldm": {"steps": 50}}, "dynamics": {"hidden": [16]}}"#
        let s = try LDMFlightSettings.overlay(.smoke, json: Data(json.utf8), source: "cfg.json")
        #expect(s.episodes == 3 && s.learning.percentiles == [2, 20] && s.learning.ldm.steps == 50 && s.dynamics.hidden == [16])
        #expect(s.samples == LDMFlightSettings.smoke.samples)
        #expect(throws: InputError.self) { try LDMFlightSettings.overlay(.smoke, json: Data(#"{"episode": 3}"#.utf8), source: "cfg.json") }
        #expect(throws: InputError.self) { try LDMFlightSettings.overlay(.smoke, json: Data(#"{"episodes": -1}"#.utf8), source: "cfg.json") }
        #expect(try LDMFlightSettings.overlay(.momentum, json: Data(#"{"fallbackMargin": 0.5}"#.utf8), source: "cfg.json").fallbackMargin == 0.5)
        #expect(throws: InputError.self) { try LDMFlightSettings.overlay(.smoke, json: Data(#"{"fallbackMargin": -1}"#.utf8), source: "cfg.json") }
        #expect(throws: InputError.self) { try LDMFlightSettings.overlay(.smoke, json: Data(#"{"constraintSteps": 0}"#.utf8), source: "cfg.json") }
    }
}
