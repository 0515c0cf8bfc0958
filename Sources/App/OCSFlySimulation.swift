import Autonomy
import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Rendering
import Runtime
import Viewer
import World

/// The OCS closed loop in the window (`swiftlet fly --ocs`): the GtS action model quadrotor
/// (0.4 m/s, 0.4 m, 4 Hz, sim domain, level camera, one frame) in the held-out worlds, the
/// policy deciding each control step from the *corrupted* camera image with
/// `OCSClosedLoop.decide` (fly the primitive's yaw rate, or hover when it abstains), exactly as
/// `OCSClosedLoop.run` flies it: episode e of world w here is the closed loop's episode (w, e)
/// for `config.seed`, and at a fixed rung and severity every step is the same.
///
/// `decision` is always the policy's decision on the current observation under the current
/// corruption (what it sees now, and what it flies at the next control tick); changing the
/// corruption re-decides at once.
public struct OCSFlySimulation {
    /// The rungs the camera can be corrupted with (the pixel rungs; textures and shapes change
    /// the world, not the image).
    public static let rungs = OCSRung.allCases.filter { $0.corruption != nil }

    public let config: OCSFlyConfig
    public let policy: OCSFlightPolicy
    public let worldNames: [String]
    public private(set) var env: Env
    public private(set) var worldIndex = 0
    /// Episode index within the current world (the closed loop's e).
    public private(set) var episodeIndex = 0
    public private(set) var rung: OCSRung
    public private(set) var severity: Int
    public private(set) var decision: OCSClosedLoopDecision
    /// Autopilot steps and hovers this episode and over the run; episodes ended by a collision.
    public private(set) var steps = 0
    public private(set) var hovers = 0
    public private(set) var totalSteps = 0
    public private(set) var totalHovers = 0
    public private(set) var collisions = 0
    /// Episodes started (the current one included).
    public private(set) var episodes = 1
    /// Horizontal path flown this episode (m).
    public private(set) var distance = 0.0
    /// Why the current episode ended (nil while it runs).
    public private(set) var endReason: String?
    public private(set) var view: ViewRenderer?
    let robot: RobotDescription
    let viewSize: (width: Int, height: Int)?
    var previous: RobotObservation
    var shownTime = 0.0
    var endedAt: Double?
    var trail: [Vec3] = []
    var obstacles: [MapObstacle] = []

    /// Loads world 0 and starts its episode 0. `viewSize` nil skips the 3D renderer.
    public init(config: OCSFlyConfig, policy: OCSFlightPolicy, robot: RobotDescription,
                viewSize: (width: Int, height: Int)? = (960, 540)) throws {
        guard config.rung.corruption != nil else {
            throw InputError("--corruption", "\(config.rung.rawValue) is not a pixel rung (expected \(Self.rungs.map(\.rawValue).joined(separator: ", ")))")
        }
        guard (0...ImageCorruption.maxSeverity).contains(config.severity) else {
            throw InputError("--corruption", "severity must be in 0...\(ImageCorruption.maxSeverity), got \(config.severity)")
        }
        guard config.worlds >= 1, config.episodeTime > 0 else { throw InputError("--ocs", "needs at least one world and a positive episode time") }
        let data = config.data
        guard policy.actions == data.yawRatesDegrees.count, policy.imageSize == (data.imageHeight, data.imageWidth) else {
            throw InputError("--ocs", "the policy (\(policy.actions) primitives, \(policy.imageSize.width)x\(policy.imageSize.height) images) does not fit the camera "
                             + "(\(data.yawRatesDegrees.count) primitives, \(data.imageWidth)x\(data.imageHeight))")
        }
        self.config = config
        self.policy = policy
        self.robot = robot
        self.viewSize = viewSize
        rung = config.rung
        severity = config.severity
        worldNames = WorldCatalog.heldOutSpecs(count: config.worlds)
        env = Env(model: try Self.model(worldNames[0], config: config, robot: robot))
        previous = env.state.observation.robot
        decision = OCSClosedLoopDecision(image: [], predictions: OCSPredictions(outputs: [], featureNorms: [], width: 1), action: nil)
        loadWorld()
        startEpisode()
    }

    static func model(_ name: String, config: OCSFlyConfig, robot: RobotDescription) throws -> EnvModel {
        try EnvModel(scene: try WorldGenerators.make(name), robot: robot,
                     settings: OCSClosedLoop.envSettings(config.data, episodeTime: config.episodeTime), domain: .sim)
    }

    mutating func loadWorld() {
        obstacles = FlySimulation.mapObstacles(env.model.scene)
        if let viewSize { view = ViewRenderer(scene: env.model.scene, width: viewSize.width, height: viewSize.height) }
    }

    /// The current episode's reset seed (the closed loop's for world `worldIndex`, episode `episodeIndex`).
    public var episodeSeed: UInt64 { OCSClosedLoop.episodeSeed(config.seed, world: worldIndex, episode: episodeIndex) }
    public var isDone: Bool { endedAt != nil }

    mutating func startEpisode() {
        env.reset(seed: episodeSeed)
        previous = env.state.observation.robot
        shownTime = previous.time
        steps = 0
        hovers = 0
        distance = 0
        endedAt = nil
        endReason = nil
        trail = [previous.position]
        redecide()
    }

    /// The policy's decision on the current observation under the current corruption.
    mutating func redecide() {
        decision = OCSClosedLoop.decide(env.state.observation, policy: policy, corruption: rung.corruption!, severity: severity,
                                        episodeSeed: episodeSeed)
    }

    /// Next episode in this world (R, or after an episode ends), or episode 0 of the next world (N).
    public mutating func restart(nextWorld: Bool) throws {
        if nextWorld {
            worldIndex = (worldIndex + 1) % worldNames.count
            episodeIndex = 0
            env = Env(model: try Self.model(worldNames[worldIndex], config: config, robot: robot))
            loadWorld()
        } else {
            episodeIndex += 1
        }
        episodes += 1
        startEpisode()
    }

    /// Sets the camera corruption (severity clamped to 0...5) and re-decides on the current image.
    public mutating func setCorruption(rung: OCSRung, severity: Int) {
        precondition(rung.corruption != nil, "not a pixel rung")
        self.rung = rung
        self.severity = max(0, min(ImageCorruption.maxSeverity, severity))
        redecide()
    }

    /// The mode's keys: `,` / `.` severity down / up, V the next pixel rung (noise, blur, fog,
    /// brightness). Other keys are ignored.
    public mutating func handle(keys: [ViewerKey]) {
        for key in keys {
            switch key {
            case .comma: setCorruption(rung: rung, severity: severity - 1)
            case .period: setCorruption(rung: rung, severity: severity + 1)
            case .v:
                let rs = Self.rungs
                setCorruption(rung: rs[((rs.firstIndex(of: rung) ?? 0) + 1) % rs.count], severity: severity)
            default: break
            }
        }
    }

    /// Advances the display time by `dt` simulated seconds, running every control tick it passes
    /// (the policy, or `pilot`'s setpoints when `autopilot` is false).
    public mutating func advance(by dt: Double, pilot: PilotInput, autopilot: Bool) throws {
        shownTime += dt
        if let end = endedAt {
            if shownTime - end >= config.endPause { try restart(nextWorld: false) }
            return
        }
        while endedAt == nil && shownTime >= env.state.observation.robot.time {
            tick(autopilot ? nil : pilot)
        }
        if endedAt != nil { shownTime = min(shownTime, env.state.observation.robot.time) }
    }

    /// One control tick: the policy's decision on the current (corrupted) image flown for the
    /// step as `OCSClosedLoop.run` flies it, or the manual setpoints (the policy's view and
    /// decision stay on screen but are not flown or counted).
    public mutating func tick(_ pilot: PilotInput?) {
        precondition(endedAt == nil, "tick after the episode ended")
        let before = env.state.observation.robot
        let action: EnvAction
        if let pilot {
            action = FlySimulation.manualAction(pilot, robot: before, model: env.model)
        } else {
            action = OCSClosedLoop.action(decision.action, data: config.data)
            steps += 1
            totalSteps += 1
            if decision.action == nil { hovers += 1; totalHovers += 1 }
        }
        let r = env.step(action)
        previous = before
        let now = r.observation.robot
        let d = now.position - before.position
        distance += (d.x * d.x + d.y * d.y).squareRoot()
        trail.append(now.position)
        if trail.count > 4000 { trail.removeFirst(trail.count - 4000) }
        if r.done {
            endedAt = now.time
            if r.collided { collisions += 1 }
            endReason = FlySimulation.describe(r.events)
        }
        redecide()
    }

    /// Moves the display clock to the env's latest tick (after calling `tick` directly).
    public mutating func catchUp() { shownTime = env.state.observation.robot.time }

    /// The five primitives' paths from the current state (the GtS action model: forward speed,
    /// the primitive's yaw rate held for the data's horizon), coloured by `OCSFlightPolicy.risk`;
    /// the primitive about to be flown is marked chosen (none when the policy hovers).
    public var candidatePaths: [CandidatePath] {
        let data = config.data
        let risk = policy.risk(decision.predictions, 0, rewards: config.ocs.rewards)
        let start = env.state.observation.robot
        return data.yawRatesDegrees.enumerated().map { k, rate in
            let yawRates = [Double](repeating: rate * .pi / 180, count: data.horizon)
            let path = FlySimulation.rollout(yawRates: yawRates, start: start, model: env.model)
            return CandidatePath(points: path.points, collisionProbability: risk[k], isChosen: decision.action == k)
        }
    }

    /// The mode's HUD lines: corruption, the policy's outputs (primitives in yaw-rate order,
    /// -40 ... +40 deg/s, then abstain / the threshold / hover), its decision (TURN x deg/s, or
    /// HOVER as an alert) and the hover fraction (this episode, then the run).
    public var hudLines: [HUDLine] {
        let data = config.data
        let k = data.yawRatesDegrees.count
        let row = decision.predictions.row(0).map(Double.init)
        func values(_ v: ArraySlice<Double>, signed: Bool) -> String { v.map { String(format: signed ? "%+.2f" : "%.2f", $0) }.joined(separator: " ") }
        var lines = [HUDLine("CAMERA \(rung.rawValue) severity \(severity)/\(ImageCorruption.maxSeverity)  (, . severity  V rung)")]
        switch policy {
        case .rewardRegression:
            lines.append(HUDLine("REWARD " + values(row[..<k], signed: true) + " ABSTAIN " + values(row[k...], signed: true)))
        case let .classifier(_, threshold):
            lines.append(HUDLine("P(COLL) " + values(row[...], signed: false) + String(format: " TAU %.2f", threshold)))
        case .hedging:
            lines.append(HUDLine("P(ACT) " + values(row[..<k], signed: false) + " HOVER " + values(row[k...], signed: false)))
        }
        if let a = decision.action {
            lines.append(HUDLine(String(format: "DECISION TURN %+.0f deg/s", data.yawRatesDegrees[a])))
        } else {
            lines.append(HUDLine("DECISION HOVER (abstains)", isAlert: true))
        }
        lines.append(HUDLine(String(format: "HOVER %d/%d steps (%.2f)  run %.2f  %.1f m", hovers, steps, Self.fraction(hovers, steps),
                                    Self.fraction(totalHovers, totalSteps), distance)))
        return lines
    }

    static func fraction(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }

    /// The viewer frame at the current display time: the camera inset is the corrupted image
    /// the policy sees.
    public func frame() -> ViewerFrame {
        let shown = FlySimulation.interpolate(previous, env.state.observation.robot, at: shownTime)
        let data = config.data
        let w = data.imageWidth, h = data.imageHeight
        var trailShown = trail
        if trailShown.count > 1 { trailShown[trailShown.count - 1] = shown.pose.position }
        var status = "\(worldNames[worldIndex])  episode \(episodeIndex)  (R next episode, N next world)"
        if let endReason { status = "episode ended: \(endReason); next episode in \(String(format: "%.0f", config.endPause)) s" }
        return ViewerFrame(simTime: shownTime, robotPose: shown.pose, speed: shown.velocity.length, altitude: shown.pose.position.z,
                           yawRate: shown.yawRate, modeLabel: policy.name, collisions: collisions, trail: trailShown,
                           obstacles: obstacles, candidates: candidatePaths,
                           monocular: GrayImage(width: w, height: h, pixels: decision.image),
                           depth: DepthImage(width: w, height: h, metres: env.state.observation.depth),
                           depthRange: 0.2...Float(env.model.settings.maxRange), view: view?.mainView ?? .horizon,
                           status: status, hudExtra: hudLines)
    }
}
