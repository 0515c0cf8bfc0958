import Diagnostics
import Dispatch
import Foundation
import Geometry
import Models
import Physics
import Planning
import Synchronization

/// The flight part of issue 10: quadrotor MPC with a learned dynamics model trained on data
/// confined to |v_h| <= 1 m/s and tilt <= 15 deg, a far goal that tempts it out, and a sweep of
/// no filter, greedy density and LDM filters over log-density percentiles (docs/ldm.md, "In
/// flight").
///
/// ```swift
/// let robot = try URDFLoader.load(path: settings.robot)
/// let outcome = try LDMFlightExperiment.run(settings, robot: robot) { print($0) }
/// try outcome.report.write(to: "runs/experiment-ldm")
/// ```
public enum LDMFlightExperiment {
    /// Transitions (s, a, s'): `[N, 8]`, `[N, 2]`, `[N, 8]`.
    public struct Transitions: Sendable {
        public var states: [Float] = []
        public var actions: [Float] = []
        public var next: [Float] = []
        public var count: Int { states.count / LDMFlightPlant.stateDim }

        /// Rows `range` as a new set.
        public func slice(_ range: Range<Int>) -> Transitions {
            let sd = LDMFlightPlant.stateDim, ad = LDMFlightPlant.actionDim
            return Transitions(states: Array(states[(range.lowerBound * sd)..<(range.upperBound * sd)]),
                               actions: Array(actions[(range.lowerBound * ad)..<(range.upperBound * ad)]),
                               next: Array(next[(range.lowerBound * sd)..<(range.upperBound * sd)]))
        }
    }

    /// Exploration data. `wide == false`: the training data, tilt commands within +-dataTilt and
    /// only pairs whose state has |v_h| <= dataSpeed and tilt <= dataTilt. `wide == true`: the
    /// out-of-distribution test set, commands up to +-maxTiltCommand, stronger noise, weaker
    /// braking, only pairs whose state is *outside* that region. Episodes restart after a crash.
    public static func collect(robot: RobotDescription, settings: LDMFlightSettings, pairs: Int, wide: Bool,
                               rng: inout RNG) -> Transitions {
        var plant = LDMFlightPlant(robot: robot, settings: settings)
        var out = Transitions()
        let dt = settings.controlPeriod
        let decay = exp(-dt / settings.dataNoiseTime)
        let sigma = settings.dataNoise * (wide ? 3 : 1), braking = settings.dataBraking * (wide ? 0.3 : 1)
        let kick = sigma * (1 - decay * decay).squareRoot()
        let limit = wide ? settings.maxTiltCommand : settings.dataTilt
        let maxEpisodes = 50 * (pairs / max(1, settings.dataEpisodeSteps) + 1)
        var s = [Float](repeating: 0, count: LDMFlightPlant.stateDim)
        for _ in 0..<maxEpisodes where out.count < pairs {
            plant.reset()
            var ou = SIMD2<Double>(0, 0)
            for _ in 0..<settings.dataEpisodeSteps {
                ou = decay * ou + kick * SIMD2(rng.normal(), rng.normal())
                let v = SIMD2(plant.state.velocity.x, plant.state.velocity.y)
                let target = LDMFlightPlant.tiltCommand(acceleration: ou - braking * v, gravity: plant.controller.gravity, limit: limit)
                // tilt mode flies the target; tilt-rate mode turns the setpoint towards it
                let cmd: SIMD2<Double>
                if settings.actionMode == .tilt {
                    cmd = target
                } else {
                    let n = settings.dataRateNoise * SIMD2(rng.normal(), rng.normal())
                    cmd = plant.rateCommand(towards: target, tau: settings.dataRateTau, noise: n)
                }
                s.withUnsafeMutableBufferPointer { plant.compact(into: $0) }
                let inRegion = plant.horizontalSpeed <= settings.dataSpeed && plant.tilt <= settings.dataTilt
                if plant.step(action: cmd) != nil { break }
                if inRegion != wide {
                    out.states += s
                    out.actions += [Float(cmd.x), Float(cmd.y)]
                    out.next += plant.compactState
                    if out.count >= pairs { break }
                }
            }
        }
        return out
    }

    /// The learned pieces of a run.
    public struct Prepared: Sendable {
        public var dynamics: LDMFlightDynamicsModel
        public var models: LDMExperimentModels
        /// Training pairs used (after the hold-out).
        public var trainingPairs: Int
        /// Mean |v_pred - v_true| (m/s) on held-out in-region pairs and on out-of-region pairs.
        public var heldOutError: Double
        public var outOfDistributionError: Double
        public var dynamicsSeconds: Double
    }

    /// A run's data: in-region training pairs, the held-out in-region pairs (the last
    /// `dynamics.heldOutFraction` of the collected ones) and the out-of-region test pairs.
    public struct LearningData: Sendable {
        public var train: Transitions
        public var test: Transitions
        public var wide: Transitions
    }

    /// Collects a run's data (the first stage of `prepare`; deterministic in `settings.seed`).
    public static func learningData(robot: RobotDescription, settings: LDMFlightSettings) throws -> LearningData {
        let root = RNG(seed: settings.seed)
        var dataRNG = root.derived(10)
        let data = collect(robot: robot, settings: settings, pairs: settings.dataPairs, wide: false, rng: &dataRNG)
        guard data.count >= 100 else {
            throw InputError("experiment ldm", at: "dataPairs", "exploration produced only \(data.count) in-region pairs")
        }
        var wideRNG = root.derived(11)
        let wide = collect(robot: robot, settings: settings, pairs: max(500, settings.dataPairs / 10), wide: true, rng: &wideRNG)
        let heldOut = Int(Double(data.count) * settings.dynamics.heldOutFraction)
        return LearningData(train: data.slice(0..<(data.count - heldOut)), test: data.slice((data.count - heldOut)..<data.count),
                            wide: wide)
    }

    /// The random stream the LDM of a run is trained with (`LDMExperiment.prepare` derives it
    /// from the learning stream), so a variant's G can be retrained on the same draws.
    public static func ldmTrainingRNG(settings: LDMFlightSettings) -> RNG {
        RNG(seed: settings.seed).derived(13).derived(2)
    }

    /// Collects the data, fits the dynamics, the density and the LDM.
    public static func prepare(robot: RobotDescription, settings: LDMFlightSettings,
                               log: (String) -> Void = { _ in }) throws -> Prepared {
        try prepare(robot: robot, settings: settings, data: learningData(robot: robot, settings: settings), log: log)
    }

    /// `prepare` on already collected `data` (from `learningData`).
    public static func prepare(robot: RobotDescription, settings: LDMFlightSettings, data split: LearningData,
                               log: (String) -> Void = { _ in }) throws -> Prepared {
        let root = RNG(seed: settings.seed)
        let train = split.train, test = split.test, wide = split.wide
        log("data: \(train.count + test.count) in-region pairs (|v_h| <= \(settings.dataSpeed) m/s, tilt <= \(Statistics.format(settings.dataTilt * 180 / .pi)) deg), \(wide.count) out-of-region test pairs")
        var dynRNG = root.derived(12)
        let t0 = Stopwatch.now()
        let dynamics = try LDMFlightDynamicsModel.train(states: train.states, actions: train.actions, next: train.next,
                                                        stateDim: LDMFlightPlant.stateDim, actionDim: LDMFlightPlant.actionDim,
                                                        settings: settings.dynamics, rng: &dynRNG)
        let dynSeconds = Stopwatch.now() - t0
        func error(_ t: Transitions) -> Double {
            guard t.count > 0 else { return .nan }
            let p = dynamics.predict(states: t.states, actions: t.actions)
            return Statistics.mean(LDMFlightDynamicsModel.velocityErrors(predicted: p, actual: t.next, stateDim: LDMFlightPlant.stateDim))
        }
        let inErr = error(test), outErr = error(wide)
        log("dynamics: \(Statistics.format(dynSeconds)) s, mean velocity error held-out \(Statistics.format(inErr)) m/s, out of region \(Statistics.format(outErr)) m/s")
        let m = Float(settings.ldmActionBox)
        var learnRNG = root.derived(13)
        let models = try LDMExperiment.prepare(states: train.states, actions: train.actions, stateDim: LDMFlightPlant.stateDim,
                                               actionLower: [-m, -m], actionUpper: [m, m], dynamics: dynamics.ldmDynamics,
                                               settings: settings.learning, rng: &learnRNG, log: log)
        let prepared = Prepared(dynamics: dynamics, models: models, trainingPairs: train.count, heldOutError: inErr,
                                outOfDistributionError: outErr, dynamicsSeconds: dynSeconds)
        return try visitRounds(prepared: prepared, trainStates: train.states, robot: robot, settings: settings, log: log)
    }

    /// Episode indices of the visit rounds start here (round r: `visitEpisodeBase` + 10,000 r).
    public static let visitEpisodeBase = 100_000

    /// `prepared` (learned with `ldmVisitRounds` 0) after `settings.ldmVisitRounds` rounds of
    /// training G again with the states the LDM filter visits appended to `trainStates` (the data
    /// states G was trained on). `afterRound(r, pieces)` sees the pieces after each round r
    /// (1-based), e.g. to validate them, and returns whether to go on; the result is the pieces
    /// after the last round trained.
    public static func visitRounds(prepared base: Prepared, trainStates: [Float], robot: RobotDescription, settings: LDMFlightSettings,
                                   log: (String) -> Void = { _ in },
                                   afterRound: (Int, Prepared) throws -> Bool = { _, _ in true }) throws -> Prepared {
        let root = RNG(seed: settings.seed)
        let m = Float(settings.ldmActionBox)
        var prepared = base
        var states = trainStates
        // the settings' G (a variant may change its network), with the base's energy cap
        var ldmSettings = settings.learning.ldm
        ldmSettings.energyCap = base.models.ldm.settings.energyCap
        for round in 0..<settings.ldmVisitRounds {
            let visited = visitedStates(prepared: prepared, robot: robot, settings: settings, round: round)
            states += visited
            var rng = root.derived(20 + UInt64(round))
            let t1 = Stopwatch.now()
            let ldm = try LearnedLDM.train(density: prepared.models.density, dynamics: prepared.dynamics.ldmDynamics, states: states,
                                           stateDim: LDMFlightPlant.stateDim, actionLower: [-m, -m], actionUpper: [m, m],
                                           settings: ldmSettings, rng: &rng)
            let seconds = Stopwatch.now() - t1
            prepared.models = prepared.models.replacingLDM(ldm, seconds: seconds)
            log("ldm visits round \(round + 1): \(visited.count / LDMFlightPlant.stateDim) visited states added "
                + "(\(states.count / LDMFlightPlant.stateDim) in all), G trained again in \(Statistics.format(seconds)) s, "
                + "final backup MSE \(String(format: "%.4f", ldm.finalLoss))")
            if try !afterRound(round + 1, prepared) { break }
        }
        return prepared
    }

    /// The compact states the LDM filter visits, at every level of `ldmVisitPercentiles` (every
    /// level when it is empty), over `ldmVisitEpisodes` episodes per level from episode index
    /// 100,000 + 10,000 x round (never the sweep's indices), in order (level, episode, tick).
    /// The visits are flown with the paper's argmin fallback whatever `fallbackRule` says, so the
    /// fallback rule stays a flight-time setting that saved models serve.
    public static func visitedStates(prepared: Prepared, robot: RobotDescription, settings flight: LDMFlightSettings, round: Int) -> [Float] {
        var settings = flight
        settings.fallbackRule = .argmin
        var out: [Float] = []
        let only = settings.ldmVisitPercentiles
        for level in prepared.models.levels where only.isEmpty || only.contains(level.percentile) {
            let spec = LDMFilterSpec(kind: .ldm, level: level)
            for e in 0..<settings.ldmVisitEpisodes {
                _ = episode(spec: spec, prepared: prepared, robot: robot, settings: settings,
                            index: visitEpisodeBase + 10_000 * round + e) { out += $0.state }
            }
        }
        return out
    }

    /// One executed control step, as `episode` reports it to its observer.
    public struct Tick: Sendable {
        /// Compact state before the step, the executed action, and the compact state after it.
        public var state: [Float]
        public var action: [Float]
        public var next: [Float]
        /// Nothing was admissible this tick (the filter's fallback flew).
        public var fallback: Bool
        /// The executed pair (state, action) is out of distribution (the OOD step measure).
        public var outOfDistribution: Bool
    }

    /// One episode's measurements and how it ended.
    public struct EpisodeOutcome: Sendable {
        public var metrics: LDMEpisodeMetrics
        public var crash: LDMFlightCrash?
    }

    /// A planner for the flight task (random shooting: one batch per tick, so the filter's
    /// fallback is exact).
    public static func makePlanner(settings: LDMFlightSettings) -> RandomShootingPlanner {
        var ps = RandomShootingPlanner.Settings()
        ps.samples = settings.samples
        let m = Float(settings.actionLimit)
        return RandomShootingPlanner(space: ActionSpace(horizon: settings.horizon, lower: [-m, -m], upper: [m, m]), settings: ps)
    }

    /// One closed-loop episode under `spec`. Episode `index` fixes the goal direction, the start
    /// velocity and the planner's random stream, the same for every condition (paired).
    /// How episode `index` starts under `spec`: its goal (`goalDistance` away in a random
    /// direction), the plant at hover with a random start velocity, a fresh planner, the task
    /// cost filtered by `spec` with the settings' fallback margin and constraint steps, and the
    /// planner's random stream. `episode` and the viewer (`swiftlet fly --ldm`) both start here.
    public struct EpisodeStart {
        public var rng: RNG
        public var goalDirection: SIMD2<Double>
        public var goal: SIMD2<Double>
        public var plant: LDMFlightPlant
        public var planner: RandomShootingPlanner
        public var cost: ConstrainedCost<LDMFlightCost, LDMFlightConstraint>
    }

    public static func start(spec: LDMFilterSpec, prepared: Prepared, robot: RobotDescription, settings: LDMFlightSettings,
                             index: Int) -> EpisodeStart {
        var rng = RNG(seed: settings.seed).derived(5000 + UInt64(index))
        let goalAngle = rng.uniform(0, 2 * .pi)
        let goalDir = SIMD2(cos(goalAngle), sin(goalAngle))
        let speed = settings.startSpeed * rng.uniform(), speedAngle = rng.uniform(0, 2 * .pi)
        var plant = LDMFlightPlant(robot: robot, settings: settings)
        plant.reset(velocity: Vec3(speed * cos(speedAngle), speed * sin(speedAngle), 0))
        let cost = prepared.models.makeFilter(spec)
            .flightConstraining(LDMFlightCost(model: prepared.dynamics, settings: settings), models: prepared.models,
                                fallbackMargin: settings.fallbackMargin, constraintSteps: settings.constraintSteps,
                                fallbackRule: settings.fallbackRule, fallbackSteps: settings.fallbackSteps)
        return EpisodeStart(rng: rng, goalDirection: goalDir, goal: settings.goalDistance * goalDir, plant: plant,
                            planner: makePlanner(settings: settings), cost: cost)
    }

    public static func episode(spec: LDMFilterSpec, prepared: Prepared, robot: RobotDescription, settings: LDMFlightSettings,
                               index: Int, observe: (Tick) -> Void = { _ in }) -> EpisodeOutcome {
        let start = start(spec: spec, prepared: prepared, robot: robot, settings: settings, index: index)
        var (rng, plant, planner, cost) = (start.rng, start.plant, start.planner, start.cost)
        let goalDir = start.goalDirection, goal = start.goal
        let models = prepared.models
        let ws = DensityWorkspace(), graph = LDMFlightGraph()
        let sd = LDMFlightPlant.stateDim
        var row = [Float](repeating: 0, count: sd + 2), logp = [Float](repeating: 0, count: 1)
        var steps = 0, ood = 0, fallbacks = 0, errorSum = 0.0
        var crash: LDMFlightCrash?
        for _ in 0..<settings.steps {
            let s = plant.compactState
            let p = SIMD2(plant.state.position.x, plant.state.position.y)
            cost.update(state: s, toGoal: SIMD2<Float>(Float(goal.x - p.x), Float(goal.y - p.y)))
            _ = planner.plan(&cost, rng: &rng)
            if cost.lastFallback { fallbacks += 1 }
            let a = [planner.nominal[0], planner.nominal[1]]
            for i in 0..<sd { row[i] = s[i] }
            row[sd] = a[0]; row[sd + 1] = a[1]
            row.withUnsafeBufferPointer { r in logp.withUnsafeMutableBufferPointer { models.density.logDensity(r, count: 1, into: $0, workspace: ws) } }
            let isOOD = models.isOutOfDistribution(logDensity: Double(logp[0]))
            if isOOD { ood += 1 }
            let predicted = prepared.dynamics.predict(states: s, actions: a, graph: graph)
            crash = plant.step(action: SIMD2(Double(a[0]), Double(a[1])))
            observe(Tick(state: s, action: a, next: plant.compactState, fallback: cost.lastFallback, outOfDistribution: isOOD))
            errorSum += LDMFlightDynamicsModel.velocityErrors(predicted: predicted, actual: plant.compactState, stateDim: sd)[0]
            steps += 1
            planner.shift()
            if crash != nil { break }
        }
        let flown = SIMD2(plant.state.position.x, plant.state.position.y)
        let progress = max(0, min(1, (flown * goalDir).sum() / settings.goalDistance))
        let metrics = LDMEpisodeMetrics(steps: steps, crashed: crash != nil, oodSteps: ood, fallbackSteps: fallbacks,
                                        progress: progress, modelError: errorSum / Double(max(1, steps)))
        return EpisodeOutcome(metrics: metrics, crash: crash)
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public var report: LDMReport
        public var prepared: Prepared
        /// Crash causes per condition name.
        public var crashCauses: [String: [LDMFlightCrash: Int]]
        /// Whether the LDM crash-rate estimates never rise as the percentile rises.
        public var ldmCrashesMonotone: Bool
    }

    final class Store: Sendable {
        let items: Mutex<[EpisodeOutcome?]>
        init(count: Int) { items = Mutex([EpisodeOutcome?](repeating: nil, count: count)) }
    }

    /// Everything: data, models, the sweep (episodes on `settings.threads` threads over a fixed
    /// strided partition, so results do not depend on the thread count) and the report.
    public static func run(_ settings: LDMFlightSettings, robot: RobotDescription, progress sink: Diagnostics.Progress.Sink = .standardError,
                           log: (String) -> Void = { _ in }) throws -> Outcome {
        try settings.validate()
        let prepared = try prepare(robot: robot, settings: settings, log: log)
        return try sweep(settings, prepared: prepared, robot: robot, progress: sink, log: log)
    }

    /// The sweep and the report on already learned pieces (`prepare`). The filter-stage settings
    /// (`constraintSteps`, `fallbackMargin`, `fallbackRule`) do not enter `prepare`, so one `Prepared` serves
    /// several of them and gives the same rows as separate runs.
    public static func sweep(_ settings: LDMFlightSettings, prepared: Prepared, robot: RobotDescription,
                             progress sink: Diagnostics.Progress.Sink = .standardError,
                             log: (String) -> Void = { _ in }) throws -> Outcome {
        try settings.validate()
        let specs = prepared.models.filterSpecs
        let e = settings.episodes, total = specs.count * e
        let store = Store(count: total)
        let progress = Diagnostics.Progress(label: "ldm flight", total: total, unit: "episodes", sink: sink)
        let threads = max(1, min(settings.threads, total))
        let t0 = Stopwatch.now()
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var k = t
            while k < total {
                let r = episode(spec: specs[k / e], prepared: prepared, robot: robot, settings: settings, index: k % e)
                store.items.withLock { $0[k] = r }
                progress.advance(note: specs[k / e].name)
                k += threads
            }
        }
        progress.finish()
        let flySeconds = Stopwatch.now() - t0
        let outcomes = store.items.withLock { $0.map { $0! } }
        var results: [LDMConditionResult] = []
        var causes: [String: [LDMFlightCrash: Int]] = [:]
        for (c, spec) in specs.enumerated() {
            let mine = Array(outcomes[(c * e)..<((c + 1) * e)])
            let r = LDMConditionResult(spec: spec, episodes: mine.map(\.metrics))
            var counts: [LDMFlightCrash: Int] = [:]
            for o in mine { if let k = o.crash { counts[k, default: 0] += 1 } }
            causes[spec.name] = counts
            log("\(spec.name): crash \(r.crashRate.formatted()), OOD \(r.oodFraction.formatted()), progress \(r.progress.formatted()), model error \(r.modelError.formatted())")
            results.append(r)
        }
        let ldmRates = results.filter { $0.spec.kind == .ldm }
            .sorted { ($0.spec.level?.percentile ?? 0) < ($1.spec.level?.percentile ?? 0) }.map(\.crashRate.estimate)
        let monotone = zip(ldmRates, ldmRates.dropFirst()).allSatisfy { $0 >= $1 }
        let models = prepared.models
        let actionText = settings.actionMode == .tilt
            ? "(roll, pitch) setpoints within +-\(Statistics.format(settings.maxTiltCommand * 180 / .pi)) deg"
            : "(roll, pitch) tilt rates within +-\(Statistics.format(settings.maxTiltRate * 180 / .pi)) deg/s integrated into the setpoint (clamped to +-\(Statistics.format(settings.maxTiltCommand * 180 / .pi)) deg; state entries 6-7 = the setpoint)"
        var notes = [
            "vehicle: \(robot.name), ideal rigid body, physics \(Statistics.format(settings.physicsRate)) Hz, control \(Statistics.format(settings.controlRate)) Hz; action = \(actionText) through the cascade's attitude and rate loops; near-hover altitude hold at \(settings.referenceAltitude) m (kp \(settings.altitudeP), kd \(settings.altitudeD), no tilt compensation)",
            "crash: body below \(settings.groundClearance) m, tilt above \(Statistics.format(settings.crashTilt * 180 / .pi)) deg, or a physics divergence warning",
            "data: \(prepared.trainingPairs) training pairs with |v_h| <= \(settings.dataSpeed) m/s and tilt <= \(Statistics.format(settings.dataTilt * 180 / .pi)) deg (commands within the same tilt)",
            "learned dynamics: MLP \(settings.dynamics.hidden) on Delta s per control step, \(settings.dynamics.steps) Adam steps (\(Statistics.format(prepared.dynamicsSeconds)) s); mean |v_pred - v_true| held-out \(Statistics.format(prepared.heldOutError)) m/s, out of region \(Statistics.format(prepared.outOfDistributionError)) m/s",
            "density \(settings.learning.density.rawValue) (\(Statistics.format(models.densitySeconds)) s); LDM \(settings.learning.ldm.steps) steps, gamma \(settings.learning.ldm.gamma), hidden \(settings.learning.ldm.hidden), energy cap \(Statistics.format(Double(models.ldm.energyCap))) nats, actions sampled within +-\(Statistics.format(settings.ldmActionBox * 180 / .pi)) \(settings.actionMode == .tilt ? "deg" : "deg/s") (\(Statistics.format(models.ldmSeconds)) s)",
            "task: goal \(settings.goalDistance) m away in a random horizontal direction; random shooting MPC, \(settings.samples) candidates, horizon \(settings.horizon); cost mean distance to goal / \(settings.goalDistance) + \(settings.altitudeWeight) x (\(settings.minimumAltitude) m - z)+ along the learned-model rollout; \(e) episodes x \(settings.steps) steps per condition (paired starts and goals); seed \(settings.seed); flying took \(Statistics.format(flySeconds)) s",
            settings.fallbackMargin > 0
                ? "fallback (nothing admissible): lowest task cost among the candidates within \(Statistics.format(settings.fallbackMargin)) nats of the minimal constraint value (both filters)"
                : settings.fallbackRule != .argmin
                ? "fallback (nothing admissible): \(settings.fallbackRule == .recoveryInData ? "recovery among the first actions in the data (log p >= the OOD level) when there are any" : "recovery"), argmin over the candidates of the backup unrolled \(settings.fallbackSteps) steps along the plan through the learned model, max(E(s_0, a_0), ..., E(s_{k-1}, a_{k-1}), G(s_k, a_k)) with E = -log p (E in place of G for greedy; both filters)"
                : "fallback (nothing admissible): argmin of the constraint (densest first action for greedy, lowest G for the LDM)",
            settings.constraintSteps > 1
                ? "filters checked along the first \(settings.constraintSteps) steps of each candidate's learned-model rollout (max over steps of G, or of -log p for greedy)"
                : "filters check the first action only (G(s, a_0), or -log p(s, a_0) for greedy)",
            "OOD step: log p(s, a) of the executed pair < \(Statistics.format(models.oodLevel.logLevel)) (training percentile \(Statistics.format(settings.learning.oodPercentile))); progress: distance flown towards the goal / goal distance, clipped to [0, 1]; model error: mean |v_pred - v_true| (m/s) of the one-step prediction along the flown path",
            "LDM crash rate never rises with the percentile: \(monotone ? "yes" : "no") (\(ldmRates.map { Statistics.format($0) }.joined(separator: ", ")))",
        ]
        for r in results {
            let c = causes[r.spec.name] ?? [:]
            if c.isEmpty { continue }
            notes.append("crash causes, \(r.spec.name): " + LDMFlightCrash.allCases.compactMap { k in c[k].map { "\(k.rawValue) \($0)" } }.joined(separator: ", "))
        }
        let report = LDMReport(title: "LDM safety filter: quadrotor with a learned model", notes: notes, results: results)
        return Outcome(report: report, prepared: prepared, crashCauses: causes, ldmCrashesMonotone: monotone)
    }
}
