import Autonomy
import Diagnostics
import Foundation
import Geometry
import Physics
import Runtime
import Viewer
import World

/// Settings of `swiftlet fly --swarm N`.
public struct SwarmFlyConfig: Sendable {
    /// Number of vehicles (1-64).
    public var count = 4
    /// World file or generator spec. The default is an open 60 m field with a few objects far
    /// from the spawns, so the ring has room.
    public var world = SwarmFlyConfig.defaultWorld
    public var robot = "Robots/cf2x.urdf"
    /// Domain profile name (`DomainProfile.names`).(downwash is on in both).
    public var domain = "sim"
    /// Seed of the first episode; a restart tries the next seeds.
    public var seed: UInt64 = 0
    /// Ring radius, m (at least this; larger when neighbours would be closer than 1 m).
    public var radius = 2.5
    /// Env settings: every vehicle's camera is rendered (the inset shows the followed one's), at
    /// 1 m altitude.
    public var env: EnvSettings = {
        var s = EnvSettings()
        s.depth = true
        s.altitude = 1
        return s
    }()
    /// Seconds (simulated) the ended swarm stays on screen before the next episode.
    public var endPause = 2.0
    /// `--record FILE.mcap`: episode 0 to FILE.mcap, later ones to FILE-1.mcap, ... (`SwarmLogger`).
    public var record: String? = nil
    /// `--policy`: nil flies the ring autopilot; else a policy spec as single-vehicle `fly
    /// --policy` takes it (privileged, straight, random, or a policy file), flown by every
    /// vehicle with its own instance (`SwarmPolicyPilot`) from a line abreast (`policyMode`).
    public var policy: String? = nil
    /// Policy mode: distance between neighbours of the line abreast (m) and the length ahead of
    /// every start that must be clear of the world (m).
    public var spacing = 1.5
    public var clearAhead = 1.0
    /// Threads of the swarm's step and, in policy mode, of the vehicles' policy ticks (the same
    /// flight for any count).
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public static let defaultWorld = "field:4:objects=8"

    public init() {}

    /// The settings of `fly --swarm N --policy SPEC`: `policy` flown by every vehicle, in the
    /// demo's dense forest (`FlyConfig.defaultWorlds[0]`: 200 trees and 50 boxes on 50 m x 50 m),
    /// with single-vehicle fly's env settings (its altitude, speed and camera, which the learned
    /// policy was trained for; depth on for the inset). The vehicles start side by side
    /// (`SwarmLayout.lineAbreast`, `spacing` apart) in the forest's free strip, all heading into
    /// it, so each sees and can meet its neighbours while it avoids the trees.
    public static func policyMode(_ policy: String) -> SwarmFlyConfig {
        var c = SwarmFlyConfig()
        c.policy = policy
        c.world = FlyConfig.defaultWorlds[0]
        c.env = FlyConfig().env
        return c
    }
}

/// The live simulation behind `swiftlet fly --swarm N`: a `SwarmEnv` flown by `SwarmRingRoute`,
/// or with `config.policy` by `SwarmPolicyPilot` (every vehicle its own policy instance; the
/// followed vehicle by hand when the autopilot is off), a trail per vehicle, and viewer
/// frames that follow one selected vehicle (V or `.` next, `,` previous) and draw the others.
///
/// Timing as `FlySimulation`: the swarm advances in whole control ticks and the shown poses are
/// interpolated between the last two tick states.
public struct SwarmFlySimulation {
    public let config: SwarmFlyConfig
    public let model: SwarmModel
    public private(set) var env: SwarmEnv
    public private(set) var route: SwarmRingRoute
    /// The policy every vehicle flies (`config.policy`); nil for the ring autopilot.
    var policyPilot: SwarmPolicyPilot? = nil
    /// The followed vehicle's last policy decision (its planner's candidates for the map).
    var decision: AutopilotWorker.Decision? = nil
    /// The vehicle the view follows.
    public private(set) var selected = 0
    /// Episodes started (the current one included) and the current episode's seed.
    public private(set) var episodes = 0
    public private(set) var seed: UInt64
    /// The seed of every episode started, in order: the start search flies the first clear seed
    /// at or after the one asked for, so `--seed 0` may fly seed 1 (and then equal `--seed 1`).
    public private(set) var seedsFlown: [UInt64] = []
    /// Control ticks and vehicle collisions (obstacle, ground, tilt or vehicle) over the run,
    /// and contacts between vehicles among them.
    public private(set) var totalTicks = 0
    public private(set) var collisions = 0
    public private(set) var contacts = 0
    /// Vehicle collisions with the world (obstacle, ground or tilt) over the run, and the
    /// horizontal distance all vehicles flew (m).
    public private(set) var worldCollisions = 0
    public private(set) var distance = 0.0
    /// Smallest distance between two vehicles and largest downwash force on one, over the run.
    public private(set) var minimumSeparation = Double.infinity
    public private(set) var peakDownwash = 0.0
    /// Time the current episode started (s, simulated) and the time it ended.
    var endedAt: Double? = nil
    var shownTime = 0.0
    var previous: [RobotObservation] = []
    var trails: [[Vec3]] = []
    let obstacles: [MapObstacle]
    public private(set) var view: ViewRenderer?
    /// The current episode's log (`config.record`), the logs written, and the first write error
    /// (recording stops there; `advance` and `finish` throw it).
    var logger: SwarmLogger? = nil
    public private(set) var logPaths: [String] = []
    var recordingFailure: Error? = nil
    /// Trail points kept per vehicle.
    static let trailLength = 1500

    /// Builds the swarm and starts the first episode. `viewSize` nil skips the 3D renderer.
    /// `registry` resolves `config.policy`.
    public init(config: SwarmFlyConfig, registry: PolicyRegistry = .standard,
                viewSize: (width: Int, height: Int)? = (960, 540)) throws {
        guard (1...64).contains(config.count) else { throw InputError("--swarm", "expected 1 to 64 vehicles, got \(config.count)") }
        let profile = try DomainProfile.named(config.domain, source: "--domain")
        let scene = try SceneLoader.resolve(config.world, flag: "--world")
        let robot = try URDFLoader.load(path: config.robot)
        let n = config.count
        // the ring: at least `radius`, neighbours at least 1 m apart along it
        let radius = max(config.radius, SwarmLayout.ringRadius(count: n, spacing: 1))
        if let policy = config.policy {
            // every vehicle flies the policy from a line abreast
            let spec = try registry.resolve(policy)
            if let why = spec.validate(config.env) { throw InputError("--policy", at: spec.name, why) }
            model = try SwarmModel(scene: scene, robot: robot, settings: config.env, domain: profile,
                                   swarm: SwarmSettings(count: n, layout: .lineAbreast, spacing: config.spacing, cameras: true))
            policyPilot = SwarmPolicyPilot(spec: spec, count: n, workers: config.workers)
        } else {
            let spacing = n < 2 ? 1 : 2 * radius * sin(Double.pi / Double(n))
            model = try SwarmModel(scene: scene, robot: robot, settings: config.env, domain: profile,
                                   swarm: SwarmSettings(count: n, layout: .ring, spacing: spacing, cameras: true))
        }
        self.config = config
        env = SwarmEnv(model: model, workers: config.workers)
        route = SwarmRingRoute(centre: .zero, radius: radius, altitude: config.env.altitude, count: n, heading: 0)
        seed = config.seed
        obstacles = FlySimulation.mapObstacles(scene)
        if let viewSize { view = ViewRenderer(scene: scene, width: viewSize.width, height: viewSize.height) }
        try start(from: config.seed)
    }

    /// Starts an episode from the first of 16 seeds from `first` whose start is clear of the
    /// world: the ring, or in policy mode the spawns and the `clearAhead` m ahead of each.
    mutating func start(from first: UInt64) throws {
        var why = ""
        let policyMode = policyPilot != nil, clearAhead = config.clearAhead, model = model
        if let s = env.resetToClearStart(from: first, why: &why, obstruction: { state in
            if policyMode {
                let starts = state.vehicles.map(\.observation.robot)
                return SwarmEnv.obstructionAhead(model.env, starts: starts, distance: clearAhead).map { "seed \(state.seed): \($0)" }
            }
            let r = SwarmRingRoute(model: model, start: state.vehicles[0].observation.robot)
            return r.obstruction(model.env).map {
                String(format: "the swarm's ring (radius %.1f m around (%.1f, %.1f)) %@", r.radius, r.centre.x, r.centre.y, $0)
            }
        }) {
            let r = SwarmRingRoute(model: model, start: env.state.vehicles[0].observation.robot)
            seed = s
            seedsFlown.append(s)
            route = r
            policyPilot?.reset(episodeSeed: s)
            decision = nil
            episodes += 1
            previous = env.state.vehicles.map(\.observation.robot)
            trails = previous.map { [$0.position] }
            shownTime = previous[0].time
            endedAt = nil
            if let base = config.record {
                let path = FlySimulation.logPath(base, episode: logPaths.count)
                let source = policyPilot.map { EpisodeSource(world: config.world, robot: config.robot, command: "fly --swarm --policy",
                                                       policy: $0.spec.name) }
                    ?? EpisodeSource(world: config.world, robot: config.robot, command: "fly --swarm", policy: "swarm ring")
                logger = try SwarmLogger(path: path, model: model, state: env.state, source: source)
                logPaths.append(path)
            }
            return
        }
        let advice = policyPilot == nil ? "try an open world such as \(SwarmFlyConfig.defaultWorld)" : "try fewer vehicles or a sparser world"
        throw InputError("--world", "\(config.world): no clear start for \(config.count) vehicles in seeds \(first)-\(first &+ 15) (last: \(why)); \(advice)")
    }

    /// Starts the next episode (the next seed).
    public mutating func restart() throws {
        if let logger, !isDone { try logger.note(.reset, state: env.state, detail: "reset by the user") }
        try finish()
        try start(from: seed &+ 1)
    }

    /// Closes the current log (call before exiting); throws the first recording error.
    public mutating func finish() throws {
        let open = logger
        logger = nil
        try open?.close()
        if let recordingFailure { throw recordingFailure }
    }

    /// Handles the mode's keys: V or `.` follow the next vehicle, `,` the previous one.
    public mutating func handle(keys: [ViewerKey]) {
        let n = model.count
        for key in keys {
            switch key {
            case .v, .period: selected = (selected + 1) % n
            case .comma: selected = (selected + n - 1) % n
            default: continue
            }
            decision = nil   // another vehicle's plan: the next tick brings the followed one's
        }
    }

    /// Whether every vehicle has finished.
    public var isDone: Bool { env.state.done }

    /// Mean horizontal distance a vehicle flew per episode over the run, m (the current episode
    /// counted as far as it went).
    public var meanDistance: Double { episodes == 0 ? 0 : distance / Double(model.count * episodes) }

    /// Simulated time of the swarm (s).
    public var time: Double { env.state.vehicles.map(\.observation.robot.time).max() ?? 0 }

    /// Advances the shown time by `dt` simulated seconds, running every control tick it passes.
    /// With `pilot` (autopilot off) the followed vehicle flies the manual setpoints.
    public mutating func advance(by dt: Double, pilot: PilotInput?) throws {
        shownTime += dt
        if let end = endedAt {
            if shownTime - end >= config.endPause { try restart() }
            return
        }
        while !isDone && shownTime >= time { tick(pilot) }
        if let recordingFailure { throw recordingFailure }
        if isDone {
            endedAt = time
            shownTime = min(shownTime, time)
        }
    }

    /// One control tick of every flying vehicle; returns the swarm's step (what ended whom).
    @discardableResult
    public mutating func tick(_ pilot: PilotInput? = nil) -> SwarmStepResult {
        let before = env.state.vehicles.map(\.observation.robot)
        let t = before.map(\.time).max() ?? 0
        let period = model.env.controlPeriod
        var actions: [EnvAction]
        if var policies = policyPilot {
            // every flying vehicle's policy from its own observation; the followed one by hand
            let step = policies.decide(env.state, model: model.env, followed: selected, manual: pilot == nil ? nil : selected)
            policyPilot = policies
            actions = step.actions
            decision = step.followed
            if let pilot { actions[selected] = FlySimulation.manualAction(pilot, robot: before[selected], model: model.env) }
        } else {
            actions = (0..<model.count).map { i -> EnvAction in
                if i == selected, let pilot { return FlySimulation.manualAction(pilot, robot: before[i], model: model.env) }
                return route.action(i, at: t, period: period)
            }
        }
        let result = env.step(actions)
        if let logger {
            do {
                try logger.tick(actions: actions, before: before, result: result, state: env.state)
            } catch {
                recordingFailure = error
                self.logger = nil
            }
        }
        totalTicks += 1
        for (i, r) in result.vehicles.enumerated() {
            guard let r else { continue }
            previous[i] = before[i]
            trails[i].append(r.result.observation.robot.position)
            if trails[i].count > Self.trailLength { trails[i].removeFirst(trails[i].count - Self.trailLength) }
            if r.collided { collisions += 1 }
            if r.contact != nil { contacts += 1 }
            if r.result.collided { worldCollisions += 1 }
            distance += r.result.reward
        }
        minimumSeparation = min(minimumSeparation, env.state.minimumSeparation)
        peakDownwash = max(peakDownwash, env.state.stepPeakDownwash.max() ?? 0)
        return result
    }

    /// Vehicle `i` shown at the display time.
    func shown(_ i: Int) -> (pose: Pose, velocity: Vec3, yawRate: Double) {
        FlySimulation.interpolate(previous[i], env.state.vehicles[i].observation.robot, at: shownTime)
    }

    /// The autopilot's label: the ring, or the policy every vehicle flies ("learned MPC NAME",
    /// "privileged (true geometry)", "straight", ...).
    public var autopilotLabel: String {
        guard let policyPilot else { return "swarm ring (downwash crossings)" }
        return "swarm: " + FlySimulation.autopilotLabel(policyPilot.spec, learned: policyPilot.policies.first is LearnedPolicy)
    }

    /// The HUD lines of the swarm: followed vehicle (its layer, or the policy it flies), its
    /// downwash, separation, contacts, and the followed policy's own lines.
    public var hudLines: [HUDLine] {
        let i = selected
        let v = env.state.vehicles[i]
        let state = v.terminated ? "  CRASHED" : v.truncated ? "  ENDED" : ""
        let role = policyPilot.map { "POLICY \($0.spec.label)" } ?? (route.isUpper(i) ? "upper" : "lower")
        return [HUDLine("VEHICLE \(i + 1)/\(model.count) \(role)\(state)", isAlert: v.terminated),
                HUDLine(String(format: "DOWNWASH %.3f N (step peak %.3f)", env.state.downwashForce(i), env.state.stepPeakDownwash[i]),
                        isAlert: env.state.stepPeakDownwash[i] >= 0.0005),
                HUDLine(String(format: "MIN SEP  %.2f m", env.state.minimumSeparation)),
                HUDLine("CONTACTS \(env.state.contactCount)", isAlert: env.state.contactCount > 0)] + (decision?.hud ?? [])
    }

    /// The viewer frame for the current state: the selected vehicle followed, the others drawn.
    public func frame() -> ViewerFrame {
        let i = selected
        let s = shown(i)
        let vehicleModel = model.env
        let w = vehicleModel.settings.imageWidth, h = vehicleModel.settings.imageHeight, n = w * h
        let obs = env.state.vehicles[i].observation
        let newest = (vehicleModel.settings.frameStack - 1) * n
        let gray = GrayImage(width: w, height: h, pixels: Array(obs.frames[newest ..< newest + n]))
        let depth = vehicleModel.settings.depth ? DepthImage(width: w, height: h, metres: obs.depth) : nil
        let others = (0..<model.count).filter { $0 != i }.map { k -> ViewerVehicle in
            var trail = trails[k]
            let pose = shown(k).pose
            if trail.count > 1 { trail[trail.count - 1] = pose.position }
            return ViewerVehicle(pose: pose, trail: trail, crashed: env.state.vehicles[k].terminated)
        }
        var trail = trails[i]
        if trail.count > 1 { trail[trail.count - 1] = s.pose.position }
        var status = "\(vehicleModel.scene.name)  seed \(seed)  \(model.count) vehicles"
        if endedAt != nil { status = "every vehicle finished; next episode in \(String(format: "%.0f", config.endPause)) s" }
        return ViewerFrame(simTime: shownTime, robotPose: s.pose, speed: s.velocity.length, altitude: s.pose.position.z,
                           yawRate: s.yawRate, modeLabel: autopilotLabel, collisions: collisions, trail: trail,
                           obstacles: obstacles, candidates: decision?.candidates ?? [],
                           monocular: gray, depth: depth, depthRange: 0.2...Float(vehicleModel.settings.maxRange),
                           view: view?.mainView ?? .horizon,
                           mapRegion: policyPilot == nil ? (center: route.centre, side: max(16, 2 * route.radius + 8)) : nil,
                           status: status, hudExtra: hudLines, vehicles: others)
    }
}
