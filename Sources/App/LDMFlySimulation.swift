import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Planning
import Viewer

/// Settings of `swiftlet fly --ldm`.
public struct LDMFlyConfig: Sendable {
    /// The flight experiment's settings (the viewer trains with them at startup).
    public var settings: LDMFlightSettings = .smoke
    /// The filter flown first (N cycles none -> greedy -> LDM at the same level).
    public var filter: SafetyFilterKind = .ldm
    /// Filter level: percentile of the training log-densities (c), 0...100.
    public var percentile = 5.0
    /// Seconds (simulated) an ended episode stays on screen before the next one starts.
    public var endPause = 2.0
    /// Candidates drawn per tick (a uniform sample of the batch, plus the executed one).
    public var maxCandidates = 64
    /// `--ldm-models DIR`: fly the models saved there (their settings must match), or train and
    /// save them there when DIR holds none.
    public var modelsDirectory: String?
    /// Saved models to use when their settings match (the bundled `Assets/ldm/<preset>`); any
    /// mismatch or missing file means training instead, with a note.
    public var bundledModels: String?

    public init() {}
}

/// The LDM flight experiment's quadrotor in the window (`swiftlet fly --ldm`): the plant, the
/// random-shooting MPC through the learned dynamics and the safety filter, run exactly as
/// `LDMFlightExperiment.episode` runs them (episode k here is the experiment's episode k under
/// the same settings and models: same goal, start velocity and planner stream), one control
/// tick per 1/controlRate s of display time, the shown pose interpolated between ticks.
///
/// Display frame: the world turned about z so that the episode's goal lies along +x (the LDM
/// task has no obstacles, so only the goal direction matters). The shown heading is +x, the
/// goal direction, so the chase camera looks towards the goal: the viewer draws no vehicle
/// body, the heading only aims the camera (the plant's tilt is on the HUD's data-region line,
/// its yaw rate on the yaw line).
public struct LDMFlySimulation {
    public let config: LDMFlyConfig
    public let prepared: LDMFlightExperiment.Prepared
    public let robot: RobotDescription
    /// none, greedy and LDM at `config.percentile`.
    public let specs: [LDMFilterSpec]
    public private(set) var specIndex: Int
    public private(set) var episodeIndex = 0
    /// Steps of this episode, and of them out-of-distribution executed pairs and fallbacks.
    public private(set) var steps = 0
    public private(set) var oodSteps = 0
    public private(set) var fallbacks = 0
    /// Crashes, steps, out-of-distribution steps and fallbacks over all episodes.
    public private(set) var crashes = 0
    public private(set) var totalSteps = 0
    public private(set) var totalOOD = 0
    public private(set) var totalFallbacks = 0
    /// The last tick's plan view (nil before the first autopilot tick and after manual ticks).
    public private(set) var planView: LDMFlightPlanView?
    /// log p(s, a) of the last executed pair, and whether it was out of distribution.
    public private(set) var lastLogDensity = Double.nan
    public private(set) var lastOOD = false
    /// Why the current episode ended (nil while it runs).
    public private(set) var endReason: String?
    /// Goal (world x, y; m), its unit direction, and the display rotation angle (rad).
    public private(set) var goal = SIMD2<Double>(0, 0)
    public private(set) var goalDirection = SIMD2<Double>(1, 0)
    var plant: LDMFlightPlant
    var previous: QuadrotorState
    var planner: RandomShootingPlanner
    var cost: ConstrainedCost<LDMFlightCost, LDMFlightConstraint>
    var rng: RNG
    var trail: [Vec3] = []
    var shownTime = 0.0
    var endedAt: Double?
    let workspace = DensityWorkspace()

    /// Collects the data and trains the dynamics, density and LDM (`LDMFlightExperiment.prepare`,
    /// with the one filter level `config.percentile`); `log` gets one line per stage.
    public static func prepare(_ config: LDMFlyConfig, robot: RobotDescription,
                               log: (String) -> Void = { _ in }) throws -> LDMFlightExperiment.Prepared {
        try checkLevel(config)
        var settings = config.settings
        settings.learning.percentiles = [config.percentile]
        try settings.validate()
        return try LDMFlightExperiment.prepare(robot: robot, settings: settings, log: log)
    }

    /// Refuses a filter level outside 0...100 (NaN included) before anything is loaded or trained.
    static func checkLevel(_ config: LDMFlyConfig) throws {
        guard (0...100).contains(config.percentile) else {
            throw InputError("--ldm-level", "percentile must be in 0...100, got \(config.percentile)")
        }
    }

    /// The models to fly: loaded from `config.modelsDirectory` or `config.bundledModels` when they
    /// hold models of these settings (`LDMFlightModelFiles`), trained otherwise (and saved into
    /// `modelsDirectory` when given). `log` says which.
    public static func loadOrTrain(_ config: LDMFlyConfig, robot: RobotDescription,
                                   log: (String) -> Void = { _ in }) throws -> LDMFlightExperiment.Prepared {
        // a bad level said "the bundled models do not fit" and "training ..." before this error
        try checkLevel(config)
        var settings = config.settings
        settings.learning.percentiles = [config.percentile]
        func train() throws -> LDMFlightExperiment.Prepared {
            log("training the LDM flight models (\(settings.dataPairs) pairs, \(settings.learning.ldm.steps) LDM steps) ...")
            let start = Stopwatch.now()
            let prepared = try prepare(config, robot: robot, log: log)
            log(String(format: "models ready in %.1f s", Stopwatch.now() - start))
            return prepared
        }
        if let dir = config.modelsDirectory {
            if LDMFlightModelFiles.exists(in: dir) {
                log("loading the LDM flight models from \(dir)")
                return try LDMFlightModelFiles.load(from: dir, settings: settings)
            }
            let prepared = try train()
            try LDMFlightModelFiles.save(prepared, settings: settings, to: dir)
            log("saved the models to \(dir)")
            return prepared
        }
        if let dir = config.bundledModels, LDMFlightModelFiles.exists(in: dir) {
            do {
                let prepared = try LDMFlightModelFiles.load(from: dir, settings: settings)
                log("flying the bundled models \(dir) (trained with these settings; --ldm-models DIR for others)")
                return prepared
            } catch {
                log("the bundled models \(dir) do not fit these settings (\(error)); training instead")
            }
        }
        return try train()
    }

    public init(config: LDMFlyConfig, prepared: LDMFlightExperiment.Prepared, robot: RobotDescription) throws {
        guard let level = prepared.models.levels.first(where: { $0.percentile == config.percentile }) ?? prepared.models.levels.first else {
            throw InputError("--ldm-level", "the prepared models have no filter level")
        }
        self.config = config
        self.prepared = prepared
        self.robot = robot
        specs = [LDMFilterSpec(kind: .none, level: nil), LDMFilterSpec(kind: .greedy, level: level), LDMFilterSpec(kind: .ldm, level: level)]
        let index = specs.firstIndex { $0.kind == config.filter } ?? 2
        specIndex = index
        let start = LDMFlightExperiment.start(spec: specs[index], prepared: prepared, robot: robot, settings: config.settings, index: 0)
        (plant, planner, cost, rng) = (start.plant, start.planner, start.cost, start.rng)
        previous = plant.state
        startEpisode()
    }

    public var spec: LDMFilterSpec { specs[specIndex] }
    public var settings: LDMFlightSettings { config.settings }
    public var isDone: Bool { endedAt != nil }
    /// Simulated time of the plant (s).
    public var time: Double { plant.state.time }

    /// Episode `episodeIndex` as `LDMFlightExperiment.episode` sets it up.
    mutating func startEpisode() {
        let start = LDMFlightExperiment.start(spec: spec, prepared: prepared, robot: robot, settings: settings, index: episodeIndex)
        (goalDirection, goal, plant, planner, cost, rng) = (start.goalDirection, start.goal, start.plant, start.planner, start.cost, start.rng)
        previous = plant.state
        shownTime = plant.state.time
        steps = 0; oodSteps = 0; fallbacks = 0
        planView = nil
        lastLogDensity = .nan
        lastOOD = false
        endedAt = nil
        endReason = nil
        trail = [plant.state.position]
    }

    /// Starts episode `episodeIndex + 1`, or the same episode again under the next filter
    /// (none -> greedy -> LDM) with `nextFilter`, so the filters can be compared on one start.
    public mutating func restart(nextFilter: Bool) {
        if nextFilter {
            specIndex = (specIndex + 1) % specs.count
        } else {
            episodeIndex += 1
        }
        startEpisode()
    }

    /// Moves the display clock to the plant's latest tick (after calling `tick` directly).
    public mutating func catchUp() {
        shownTime = plant.state.time
    }

    /// Starts episode `episode` under the filter of kind `filter` (at the configured level).
    public mutating func select(filter: SafetyFilterKind, episode: Int) {
        specIndex = specs.firstIndex { $0.kind == filter } ?? specIndex
        episodeIndex = max(0, episode)
        startEpisode()
    }

    /// Advances the display time by `dt` simulated seconds, running every control tick it
    /// passes (the autopilot, or `pilot`'s velocity setpoints when `autopilot` is false).
    public mutating func advance(by dt: Double, pilot: PilotInput, autopilot: Bool) {
        shownTime += dt
        if let end = endedAt {
            if shownTime - end >= config.endPause { restart(nextFilter: false) }
            return
        }
        while endedAt == nil && shownTime >= plant.state.time {
            tick(autopilot ? nil : pilot)
        }
        if endedAt != nil { shownTime = min(shownTime, plant.state.time) }
    }

    /// One control tick. The autopilot's tick is `LDMFlightExperiment.episode`'s loop body (same
    /// cost update, plan, action and plant step, in either action mode; a test flies both and
    /// compares); manual ticks turn the pilot's velocity setpoints (heading = display frame) into
    /// a tilt target, commanded directly (`.tilt`) or as the rate that reaches it in one step
    /// (`.tiltRate`, clamped to the rate box), and bypass the filter.
    public mutating func tick(_ pilot: PilotInput?) {
        precondition(endedAt == nil, "tick after the episode ended")
        let s = plant.compactState
        let action: SIMD2<Double>
        if let pilot {
            // setpoints in the display frame (x towards the goal) -> world
            let d = goalDirection
            let want = SIMD2(d.x * pilot.forward - d.y * pilot.left, d.y * pilot.forward + d.x * pilot.left)
            let v = SIMD2(plant.state.velocity.x, plant.state.velocity.y)
            let target = LDMFlightPlant.tiltCommand(acceleration: 2 * (want - v), gravity: plant.controller.gravity,
                                                    limit: settings.maxTiltCommand)
            switch settings.actionMode {
            case .tilt: action = target
            case .tiltRate:
                let m = settings.maxTiltRate, rate = (target - plant.setpoint) / settings.controlPeriod
                action = SIMD2(max(-m, min(m, rate.x)), max(-m, min(m, rate.y)))
            }
            planView = nil
        } else {
            let p = SIMD2(plant.state.position.x, plant.state.position.y)
            cost.update(state: s, toGoal: SIMD2<Float>(Float(goal.x - p.x), Float(goal.y - p.y)))
            _ = planner.plan(&cost, rng: &rng)
            if cost.lastFallback { fallbacks += 1; totalFallbacks += 1 }
            planView = LDMFlightPlanView.make(planner: planner, cost: cost, filter: spec.name, position: plant.state.position,
                                              maxCandidates: config.maxCandidates)
            action = SIMD2(Double(planner.nominal[0]), Double(planner.nominal[1]))
        }
        // density of the executed pair
        var row = s + [Float(action.x), Float(action.y)]
        var logp: [Float] = [0]
        row.withUnsafeMutableBufferPointer { r in
            logp.withUnsafeMutableBufferPointer { prepared.models.density.logDensity(UnsafeBufferPointer(r), count: 1, into: $0, workspace: workspace) }
        }
        lastLogDensity = Double(logp[0])
        lastOOD = prepared.models.isOutOfDistribution(logDensity: lastLogDensity)
        if lastOOD { oodSteps += 1; totalOOD += 1 }
        previous = plant.state
        let crash = plant.step(action: action)
        steps += 1
        totalSteps += 1
        if pilot == nil { planner.shift() }
        trail.append(plant.state.position)
        if let crash {
            crashes += 1
            endedAt = plant.state.time
            endReason = "crash: \(crash.rawValue)"
        } else if steps >= settings.steps {
            endedAt = plant.state.time
            endReason = "\(steps) steps flown"
        }
    }

    /// Fraction of the goal distance flown towards the goal (0...1), as the experiment measures it.
    public var progress: Double {
        let p = SIMD2(plant.state.position.x, plant.state.position.y)
        return max(0, min(1, (p * goalDirection).sum() / settings.goalDistance))
    }

    /// World -> display frame (turned so the goal lies along +x).
    public func display(_ p: Vec3) -> Vec3 {
        let d = goalDirection
        return Vec3(d.x * p.x + d.y * p.y, -d.y * p.x + d.x * p.y, p.z)
    }

    /// The viewer frame at the current display time.
    public func frame() -> ViewerFrame {
        let now = plant.state
        let span = now.time - previous.time
        let u = span > 0 ? max(0, min(1, (shownTime - previous.time) / span)) : 1
        let position = previous.position + u * (now.position - previous.position)
        let velocity = previous.velocity + u * (now.velocity - previous.velocity)
        var shownTrail = trail.map(display)
        if shownTrail.count > 1 { shownTrail[shownTrail.count - 1] = display(position) }
        var candidates = planView.map(LDMFlySimulation.candidatePaths) ?? []
        for i in candidates.indices { candidates[i].points = candidates[i].points.map(display) }
        let g = settings.goalDistance
        var status = "LDM flight  episode \(episodeIndex)  filter \(spec.name)  (N: next filter, R: next episode)"
        if let endReason { status = "episode ended: \(endReason); next episode in \(String(format: "%.0f", config.endPause)) s" }
        return ViewerFrame(simTime: shownTime, robotPose: Pose(position: display(position), orientation: .identity),
                           speed: velocity.length, altitude: position.z, yawRate: now.bodyRate.z, modeLabel: "LDM flight MPC",
                           collisions: crashes, trail: shownTrail, candidates: candidates, view: .horizon,
                           mapRegion: (center: SIMD2(g / 2, 0), side: 1.25 * g), status: status,
                           goal: Vec3(g, 0, 0), goalRadius: 1, hudExtra: hudLines)
    }

    /// The safety filter's lines: `LDMFlightPlanView.hudText` (an alert on FALLBACK), the data
    /// region (|v_h| and tilt against the training region; an alert outside), the executed
    /// pair's log-density (an alert when out of distribution) and the episode's counts.
    public var hudLines: [HUDLine] {
        var lines: [HUDLine] = []
        if let v = planView { lines.append(HUDLine(v.hudText, isAlert: v.fallback)) } else { lines.append(HUDLine("manual: filter off")) }
        lines += LDMFlySimulation.regionLines(speed: plant.horizontalSpeed, tilt: plant.tilt, settings: settings,
                                              logDensity: lastLogDensity, oodLevel: prepared.models.oodLevel.logLevel)
        lines.append(HUDLine(String(format: "STEP %d/%d  OOD %d  FALLBACK %d  GOAL %.0f%%", steps, settings.steps, oodSteps,
                                    fallbacks, 100 * progress)))
        return lines
    }

    /// "DATA |v| 1.42/1.0 m/s  tilt 9/15 deg" (alert outside the training region) and
    /// "log p -3.1 (OOD < -7.2)" (alert when below the OOD level).
    public static func regionLines(speed: Double, tilt: Double, settings: LDMFlightSettings, logDensity: Double,
                                   oodLevel: Double) -> [HUDLine] {
        let outside = speed > settings.dataSpeed || tilt > settings.dataTilt
        var lines = [HUDLine(String(format: "DATA |v| %.2f/%.1f m/s  tilt %.0f/%.0f deg", speed, settings.dataSpeed,
                                    tilt * 180 / .pi, settings.dataTilt * 180 / .pi), isAlert: outside)]
        if logDensity.isFinite {
            let ood = logDensity < oodLevel
            lines.append(HUDLine(String(format: "log p %.1f %@ %.1f%@", logDensity, ood ? "<" : ">=", oodLevel, ood ? "  OOD" : ""),
                                 isAlert: ood))
        }
        return lines
    }

    /// The plan view as viewer paths: rejected candidates grey (`isRejected`); admitted ones
    /// coloured by their margin below the threshold, green far below, yellow at it
    /// (`collisionProbability = 0.5 exp(-(threshold - value) / 1 nat)`; 0, green, without a
    /// filter); the executed one thick, red when the filter fell back (nothing was admissible).
    public static func candidatePaths(_ view: LDMFlightPlanView) -> [CandidatePath] {
        let unfiltered = view.filter.hasPrefix(SafetyFilterKind.none.rawValue)
        return view.candidates.map { c in
            let margin = Double(view.threshold) - Double(c.value)
            let shade = unfiltered || !margin.isFinite ? 0 : 0.5 * exp(-max(0, margin))
            let p = c.chosen && view.fallback ? 1 : shade
            return CandidatePath(points: c.points, collisionProbability: p, isChosen: c.chosen, isRejected: !c.admissible && !c.chosen)
        }
    }
}
