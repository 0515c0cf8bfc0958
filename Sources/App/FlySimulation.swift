import Autonomy
import Diagnostics
import Foundation
import Geometry
import Physics
import Planning
import Recording
import Rendering
import Runtime
import Viewer
import World

/// Settings of `swiftlet fly` / `demo`.
public struct FlyConfig: Sendable {
    /// Worlds to cycle through with N (files or generator specs); the first is flown first.
    public var worlds: [String] = FlyConfig.defaultWorlds
    public var robot: String = "Robots/cf2x.urdf"
    /// Domain profile name (`DomainProfile.names`).
    public var domain: String = "sim"
    /// `--policy`: a built-in (privileged, straight, random) or a policy file.
    public var policy: String = "privileged"
    /// Seed of the first episode; episode e (0-based) resets with `seed + e`.
    public var seed: UInt64 = 0
    /// Log path: episode 0 goes to `FILE.mcap`, later episodes (R, N, auto-reset after an
    /// episode ends) to `FILE-1.mcap`, `FILE-2.mcap`, ...
    public var record: String? = nil
    /// How the logs write camera frames (`--image-encoding`): CDR `sensor_msgs/msg/Image` or JSON.
    public var imageEncoding: ImageMessageEncoding = .cdr
    /// Env settings (the viewer turns depth on for its inset; everything else as the headless env).
    public var env: EnvSettings = {
        var s = EnvSettings()
        s.depth = true
        return s
    }()
    /// Seconds (simulated) an ended episode stays on screen before the next one starts.
    public var endPause = 2.0
    /// Goal-reaching episodes (`fly --hint`): each episode draws a free goal about this far
    /// ahead of the spawn (`HIntExperiment.goal`), shows it, hands it to a goal-seeking
    /// autopilot, and ends when the robot is within `goalRadius` (m). nil: no goal.
    public var goalDistance: Double? = nil
    public var goalRadius = 0.75
    /// An experiment's own goal episodes (`fly --hint`); when set, `worlds`, `goalDistance`
    /// and `seed`'s meaning are replaced: episode e (from `firstEpisode`) is the experiment's
    /// episode e, in its world, from its start seed, to its goal, and R or N go to the next one.
    public var goalEpisodes: GoalEpisodes? = nil

    /// Generated worlds (no files needed), a dense forest first (the render bench's forest:
    /// 200 trees and 50 boxes on 50 m x 50 m, spawning inside it), then one of each other family.
    public static let defaultWorlds = ["forest:1:trees=200,boxes=50,size=50", "office:2", "warehouse:1", "hallway:3", "field:4"]

    public init() {}
}

/// Goal-reaching episodes laid out by an experiment: episode e runs in `scenes[e % count]` and
/// gets its env reset seed and goal from `setup` (which sees the env model of that world), so
/// the viewer flies exactly what the experiment evaluated. The policy is reset with the same
/// seed (the experiment's planner stream is derived from it).
public struct GoalEpisodes: Sendable {
    public var scenes: [Scene]
    /// Shown names of the scenes (e.g. their generator specs).
    public var names: [String]
    /// Episode index of the first episode flown.
    public var firstEpisode: Int
    public var setup: @Sendable (_ model: EnvModel, _ episode: Int) -> (seed: UInt64, goal: SIMD2<Double>)

    public init(scenes: [Scene], names: [String], firstEpisode: Int = 0,
                setup: @escaping @Sendable (_ model: EnvModel, _ episode: Int) -> (seed: UInt64, goal: SIMD2<Double>)) {
        precondition(!scenes.isEmpty && scenes.count == names.count, "GoalEpisodes needs one name per scene")
        self.scenes = scenes
        self.names = names
        self.firstEpisode = firstEpisode
        self.setup = setup
    }

    /// World index of episode `e`.
    public func world(of e: Int) -> Int { e % scenes.count }
}

/// The live simulation behind `swiftlet fly`: an `Env` (exactly the headless environment), the
/// autopilot policy or manual setpoints, a trail, the planner's candidates and an optional
/// recorder. The viewer asks it for frames; it never draws.
///
/// Timing: the env advances in whole control ticks (0.25 s at the default 4 Hz, 125 physics
/// substeps), so a flight in the window is bit-identical to the same commands in a headless
/// run. The display time advances by the viewer's `simDt` per frame; whenever it passes the
/// env's time, the next tick runs (policy or pilot input sampled at that instant) and the shown
/// pose is interpolated between the last two tick states. Manual input therefore takes effect at
/// the next control tick (at most one control period of latency).
public struct FlySimulation {
    public let config: FlyConfig
    public private(set) var env: Env
    public private(set) var worldIndex = 0
    /// Episodes started so far (the current one included).
    public private(set) var episodeIndex = 0
    public private(set) var collisions = 0
    public private(set) var candidates: [CandidatePath] = []
    public private(set) var trail: [Vec3] = []
    /// Log files written (or being written).
    public private(set) var logPaths: [String] = []
    /// Why the current episode ended (nil while it runs).
    public private(set) var endReason: String? = nil
    /// This episode's goal (world x, y; m) when `config.goalDistance` is set.
    public private(set) var goal: SIMD2<Double>? = nil
    /// Episodes that reached their goal.
    public private(set) var goalsReached = 0
    /// Method-specific HUD lines of the last autopilot decision.
    public private(set) var hudExtra: [HUDLine] = []
    /// Total horizontal distance flown over all episodes (m) and control ticks run.
    public private(set) var totalDistance = 0.0
    public private(set) var totalTicks = 0
    let spec: PolicySpec
    var autopilot: AutopilotWorker
    var shownTime = 0.0
    var previous: RobotObservation
    var endedAt: Double? = nil
    var logger: EpisodeLogger? = nil
    var obstacles: [MapObstacle]
    public private(set) var view: ViewRenderer?
    let viewSize: (width: Int, height: Int)?
    /// Compute the autopilot's next decision on a worker thread between ticks (`advance` only).
    public var prefetch = true

    /// Loads the first world and starts episode 0. `viewSize` nil skips the 3D renderer (headless).
    public init(config: FlyConfig, registry: PolicyRegistry = .standard, viewSize: (width: Int, height: Int)? = (960, 540)) throws {
        guard !config.worlds.isEmpty else { throw InputError("--world", "no world given") }
        let profile = try DomainProfile.named(config.domain, source: "--domain")
        self.config = config
        self.viewSize = viewSize
        spec = try registry.resolve(config.policy)
        if let why = spec.validate(config.env) { throw InputError("--policy", at: spec.name, why) }
        autopilot = AutopilotWorker(policy: spec.make())
        if let plan = config.goalEpisodes {
            episodeIndex = plan.firstEpisode
            worldIndex = plan.world(of: episodeIndex)
        }
        let model = try FlySimulation.model(worldIndex, config: config, profile: profile)
        env = Env(model: model)
        previous = env.state.observation.robot
        obstacles = FlySimulation.mapObstacles(model.scene)
        if let viewSize { view = ViewRenderer(scene: model.scene, width: viewSize.width, height: viewSize.height) }
        try startEpisode()
    }

    static func model(_ index: Int, config: FlyConfig, profile: DomainProfile) throws -> EnvModel {
        let scene = try config.goalEpisodes.map { $0.scenes[index] } ?? SceneLoader.resolve(config.worlds[index], flag: "--world")
        let robot = try URDFLoader.load(path: config.robot)
        return try EnvModel(scene: scene, robot: robot, settings: config.env, domain: profile)
    }

    /// Seed of the current episode.
    public var seed: UInt64 { episodeSeed }
    public var world: String { config.goalEpisodes.map { $0.names[worldIndex] } ?? config.worlds[worldIndex] }
    /// The current episode's env reset seed (`config.seed + episodeIndex`, or the experiment's).
    var episodeSeed: UInt64 = 0
    /// The autopilot's HUD label ("privileged (true geometry)" for the stand-in planner).
    public var autopilotLabel: String { Self.autopilotLabel(spec, learned: autopilot.isLearned) }

    /// The HUD label of an autopilot flying `spec`: the privileged planner, "learned MPC NAME" for
    /// a learned policy, else the spec's label (also the swarm's, `SwarmFlySimulation`).
    static func autopilotLabel(_ spec: PolicySpec, learned: Bool) -> String {
        if spec.isPrivileged { return "privileged planner (true geometry)" }
        return learned ? "learned MPC \(spec.name)" : spec.label
    }
    /// The episode ended (the env ended it, or the goal was reached).
    public var isDone: Bool { env.state.done || endedAt != nil }

    mutating func startEpisode() throws {
        autopilot.discard()
        goal = nil
        var policySeed: UInt64
        if let plan = config.goalEpisodes {
            let setup = plan.setup(env.model, episodeIndex)
            episodeSeed = setup.seed
            env.reset(seed: episodeSeed)
            goal = setup.goal
            policySeed = episodeSeed
        } else {
            episodeSeed = config.seed &+ UInt64(episodeIndex)
            env.reset(seed: episodeSeed)
            if let d = config.goalDistance {
                var rng = RNG(seed: episodeSeed, stream: 0x476F_616C)
                goal = HIntExperiment.goal(scene: env.model.scene, from: env.state.observation.robot, distance: d, rng: &rng)
            }
            policySeed = RNG.mix(episodeSeed, 0x504F)
        }
        var policy = spec.make()
        policy.reset(seed: policySeed)
        if let goal, let seeker = policy as? HIntPolicy { seeker.goal = goal }
        autopilot = AutopilotWorker(policy: policy)
        previous = env.state.observation.robot
        shownTime = previous.time
        endedAt = nil
        endReason = nil
        trail = [previous.position]
        candidates = []
        hudExtra = []
        if let base = config.record {
            let path = FlySimulation.logPath(base, episode: logPaths.count)
            logger = try EpisodeLogger(path: path, env: env, source: EpisodeSource(world: world, robot: config.robot, command: "fly",
                                                                                   policy: spec.name,
                                                                                   spawns: config.goalEpisodes.map { _ in env.model.scene.spawns }),
                                        imageEncoding: config.imageEncoding)
            logPaths.append(path)
        }
    }

    /// `FILE.mcap` for the first log, `FILE-k.mcap` after.
    public static func logPath(_ base: String, episode k: Int) -> String {
        guard k > 0 else { return base }
        let ext = (base as NSString).pathExtension
        let stem = ext.isEmpty ? base : String(base.dropLast(ext.count + 1))
        return "\(stem)-\(k)" + (ext.isEmpty ? "" : ".\(ext)")
    }

    /// Closes the current log (call before exiting).
    public mutating func finish() throws {
        try logger?.close()
        logger = nil
    }

    /// Ends the current episode and starts the next one (same world, or the next with `nextWorld`).
    public mutating func restart(nextWorld: Bool) throws {
        if let logger, !env.state.done {
            try logger.note(.reset, time: env.state.observation.robot.time, step: env.state.controlSteps,
                            detail: nextWorld ? "next world" : "reset by the user")
        }
        try finish()
        episodeIndex += 1
        let next = config.goalEpisodes.map { $0.world(of: episodeIndex) }
            ?? (nextWorld ? (worldIndex + 1) % config.worlds.count : worldIndex)
        if next != worldIndex {
            worldIndex = next
            let model = try FlySimulation.model(worldIndex, config: config, profile: env.model.domain)
            env = Env(model: model)
            obstacles = FlySimulation.mapObstacles(model.scene)
            if let viewSize { view = ViewRenderer(scene: model.scene, width: viewSize.width, height: viewSize.height) }
        }
        try startEpisode()
    }

    /// Advances the shown time by `dt` simulated seconds, running every control tick it passes.
    public mutating func advance(by dt: Double, pilot: PilotInput?, autopilot: Bool) throws {
        shownTime += dt
        if let end = endedAt {
            if shownTime - end >= config.endPause { try restart(nextWorld: false) }
            return
        }
        var ticked = false
        while !isDone && shownTime >= env.state.observation.robot.time {
            try tick(autopilot ? nil : (pilot ?? .hover))
            ticked = true
        }
        // think about the next tick while the frames interpolate towards it
        if ticked && autopilot && prefetch && !isDone {
            self.autopilot.prefetch(step: env.state.controlSteps, observation: env.state.observation, model: env.model)
        } else if !autopilot {
            self.autopilot.discard()
        }
        if isDone { shownTime = min(shownTime, env.state.observation.robot.time) }
    }

    /// Moves the display clock to the env's latest tick (after calling `tick` directly).
    public mutating func catchUp() {
        shownTime = env.state.observation.robot.time
    }

    /// One control tick: the autopilot (when `pilot` is nil) or the manual setpoints decide the action.
    public mutating func tick(_ pilot: PilotInput?) throws {
        precondition(!env.state.done, "tick after the episode ended")
        let before = env.state.observation.robot
        let step = env.state.controlSteps
        let action: EnvAction
        if let pilot {
            action = FlySimulation.manualAction(pilot, robot: before, model: env.model)
            candidates = []
            hudExtra = []
        } else {
            let d = autopilot.decide(step: step, observation: env.state.observation, model: env.model)
            action = .yawRate(d.action)
            hudExtra = d.hud
            if d.hasBatch {
                candidates = d.candidates
                if let logger, !candidates.isEmpty {
                    let chosen = candidates.first(where: \.isChosen) ?? candidates[0]
                    // logged at every second step, to the millimetre (the 3D panels need no more)
                    let logged = candidates.map { c in
                        c.points.enumerated().compactMap { k, p in
                            k % 2 == 0 || k == c.points.count - 1
                                ? Vec3((p.x * 1000).rounded() / 1000, (p.y * 1000).rounded() / 1000, (p.z * 1000).rounded() / 1000) : nil
                        }
                    }
                    try logger.plan(time: before.time, step: step, paths: logged,
                                    probabilities: candidates.map(\.collisionProbability),
                                    planner: d.planner,
                                    chosenProbability: chosen.collisionProbability, bestCost: d.bestCost)
                }
            }
        }
        let result = env.step(action)
        try logger?.tick(action: action, before: before, step: step, env: env, result: result)
        previous = before
        totalDistance += result.reward
        totalTicks += 1
        let now = env.state.observation.robot
        trail.append(now.position)
        if trail.count > 4000 { trail.removeFirst(trail.count - 4000) }
        // a collision ends the episode first, then reaching the goal, then the env's other
        // limits (the order HIntExperiment.episode scores them in)
        let reached = goal.map { hypot(now.position.x - $0.x, now.position.y - $0.y) <= config.goalRadius } ?? false
        if (result.done && !reached) || (result.done && result.collided) {
            endedAt = now.time
            if result.terminated { collisions += 1 }
            endReason = FlySimulation.describe(result.events)
            try finish()
        } else if reached {
            endedAt = now.time
            goalsReached += 1
            endReason = "reached the goal"
            try finish()
        }
    }

    /// Manual setpoints as a velocity command (heading frame -> world), or the yaw rate for ground robots.
    public static func manualAction(_ pilot: PilotInput, robot: RobotObservation, model: EnvModel) -> EnvAction {
        guard model.isQuadrotor else { return .yawRate(pilot.yawRate) }
        let yaw = robot.yaw
        let c = cos(yaw), s = sin(yaw)
        let v = Vec3(c * pilot.forward - s * pilot.left, s * pilot.forward + c * pilot.left, pilot.climbRate)
        return .vehicle(.flight(.velocity(v, yawRate: pilot.yawRate)))
    }

    static func describe(_ events: [EnvEvent]) -> String {
        for e in events {
            switch e {
            case let .collision(o, _): return o < 0 ? "collision with the ground" : "collision with obstacle \(o)"
            case .tilt: return "tilted past the limit"
            case .leftBounds: return "left the world"
            case .timeLimit: return "time limit"
            case .distanceLimit: return "distance limit"
            case .numericalReset: return "numerical reset"
            }
        }
        return "ended"
    }

    /// The pose shown at the current display time: interpolated between the last two tick states.
    public var shownRobot: (pose: Pose, velocity: Vec3, yawRate: Double) {
        FlySimulation.interpolate(previous, env.state.observation.robot, at: shownTime)
    }

    /// The robot shown at display time `time` between two tick states (position, attitude and
    /// velocity interpolated; the yaw rate is `now`'s).
    public static func interpolate(_ previous: RobotObservation, _ now: RobotObservation, at time: Double)
        -> (pose: Pose, velocity: Vec3, yawRate: Double) {
        let span = now.time - previous.time
        let u = span > 0 ? max(0, min(1, (time - previous.time) / span)) : 1
        let p = previous.position + u * (now.position - previous.position)
        var q1 = now.attitude
        let q0 = previous.attitude
        if q0.x * q1.x + q0.y * q1.y + q0.z * q1.z + q0.w * q1.w < 0 { q1 = q1 * -1 }
        let q = (q0 * (1 - u) + q1 * u).normalized
        return (Pose(position: p, orientation: q), previous.velocity + u * (now.velocity - previous.velocity), now.bodyRate.z)
    }

    /// The viewer frame for the current state.
    public func frame() -> ViewerFrame {
        let shown = shownRobot
        let model = env.model
        let w = model.settings.imageWidth, h = model.settings.imageHeight, n = w * h
        let newest = (model.settings.frameStack - 1) * n
        let gray = GrayImage(width: w, height: h, pixels: Array(env.state.observation.frames[newest ..< newest + n]))
        let depth = model.settings.depth ? DepthImage(width: w, height: h, metres: env.state.observation.depth) : nil
        var trailShown = trail
        if trailShown.count > 1 { trailShown[trailShown.count - 1] = shown.pose.position }
        var status = "\(env.model.scene.name)  seed \(seed)  episode \(episodeIndex)"
        if let endReason { status = "episode ended: \(endReason); next episode in \(String(format: "%.0f", config.endPause)) s" }
        if let log = logPaths.last, logger != nil { status += "  REC \(log)" }
        return ViewerFrame(simTime: shownTime, robotPose: shown.pose,
                           speed: (shown.velocity.x * shown.velocity.x + shown.velocity.y * shown.velocity.y + shown.velocity.z * shown.velocity.z).squareRoot(),
                           altitude: shown.pose.position.z, yawRate: shown.yawRate, modeLabel: autopilotLabel,
                           collisions: collisions, trail: trailShown, obstacles: obstacles, candidates: candidates,
                           monocular: gray, depth: depth, depthRange: 0.2...Float(model.settings.maxRange),
                           view: view?.mainView ?? .horizon, status: status,
                           goal: goal.map { Vec3($0.x, $0.y, 0) }, goalRadius: config.goalRadius,
                           hudExtra: hudExtra + goalLine)
    }

    /// "GOAL 2.4 m" while a goal is set.
    var goalLine: [HUDLine] {
        guard let goal else { return [] }
        let p = shownRobot.pose.position
        return [HUDLine(String(format: "GOAL %.1f m  reached %d", hypot(p.x - goal.x, p.y - goal.y), goalsReached))]
    }

    /// Footprints of the scene's obstacles for the map (boxes by their rotated corners' bounds).
    public static func mapObstacles(_ scene: Scene) -> [MapObstacle] {
        scene.obstacles.map { o in
            switch o.shape {
            case .cylinder(let c): return .circle(center: SIMD2(c.x, c.y), radius: c.radius)
            case .sphere(let s): return .circle(center: SIMD2(s.center.x, s.center.y), radius: s.radius)
            case .box:
                let b = o.shape.bounds
                return .rect(min: SIMD2(b.min.x, b.min.y), max: SIMD2(b.max.x, b.max.y))
            }
        }
    }

    /// Display paths for a planner's last batch: its ranked (elite) sequences and an even spread
    /// of the others, rolled out as the GtS action model (constant forward speed, yaw rate per
    /// control period) from `start`. Ranked[0] (the best) is marked chosen.
    ///
    /// Collision probability shown: with `fromGeometry` (the privileged planner, which knows the
    /// geometry) the fraction of the horizon the rolled-out path spends in collision with the
    /// robot's shape (1 = hits at once, 0 = clear); otherwise the candidate's cost, clamped to
    /// 0...1, which for the learned policy is the model's mean predicted P(collision by step h)
    /// plus its small yaw penalty.
    public static func candidatePaths(_ batch: CandidateBatch, start: RobotObservation, model: EnvModel,
                                      fromGeometry: Bool = true, elites: Int = 8, spread: Int = 10) -> [CandidatePath] {
        guard batch.count > 0, batch.actionDim == 1 else { return [] }
        var picks: [Int] = []
        for k in 0..<min(elites, batch.rankedCount) { picks.append(Int(batch.ranked[k])) }
        if batch.count > 0 {
            for k in 0..<spread {
                let i = (k * batch.count) / spread
                if !picks.contains(i) && batch.costs[i].isFinite { picks.append(i) }
            }
        }
        return picks.enumerated().map { (rank, i) in
            let seq = batch.sequence(i)
            let path = rollout(yawRates: seq.map(Double.init), start: start, model: model, checkCollisions: fromGeometry)
            let n = Double(seq.count)
            let prob = fromGeometry ? (path.firstHit.map { (n - Double($0)) / n } ?? 0)
                                    : Double(max(0, min(1, batch.costs[i])))
            return CandidatePath(points: path.points, collisionProbability: prob, isChosen: rank == 0 && batch.rankedCount > 0)
        }
    }

    /// A yaw-rate sequence (rad/s, one per control period) rolled out as the GtS action model
    /// (constant forward speed, at the flight altitude for a quadrotor) from `start`: the start
    /// and one point per step (world, m), and with `checkCollisions` the first step whose end
    /// point leaves the world or overlaps an obstacle with the robot's shape.
    public static func rollout(yawRates: [Double], start: RobotObservation, model: EnvModel,
                               checkCollisions: Bool = false) -> (points: [Vec3], firstHit: Int?) {
        let z = model.isQuadrotor ? model.settings.altitude : start.position.z
        let speed = model.settings.forwardSpeed, period = model.controlPeriod
        let sub = 2
        let dt = period / Double(sub)
        var x = start.position.x, y = start.position.y, yaw = start.yaw
        var points = [Vec3(x, y, z)]
        var firstHit: Int? = nil
        for (h, a) in yawRates.enumerated() {
            for _ in 0..<sub {
                yaw += a * dt
                x += speed * cos(yaw) * dt
                y += speed * sin(yaw) * dt
            }
            let p = Vec3(x, y, z)
            points.append(p)
            if checkCollisions && firstHit == nil && (!model.scene.inBounds(p) || model.scene.overlaps(model.shape, at: Pose(position: p + model.shapeOffset, orientation: Quaternion(roll: 0, pitch: 0, yaw: yaw)))) {
                firstHit = h
            }
        }
        return (points, firstHit)
    }
}
