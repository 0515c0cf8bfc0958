import Foundation
import Geometry
import Physics
import Recording
import Runtime
import World

/// What an episode log says about the environment, enough to rebuild it for `replay --verify`:
/// world spec, robot file, domain profile, env settings (JSON in `extra["env_settings"]`).
public struct EpisodeSource: Sendable {
    /// World file path or generator spec, as given to `SceneLoader.resolve`.
    public var world: String
    /// Robot file path (URDF).
    public var robot: String
    /// Who made the episode: "fly", "collect", "eval", "demo".
    public var command: String
    /// Policy that flew it (or "manual" / exploration name).
    public var policy: String
    /// The scene's spawn poses when they are not the world file's (an experiment's own starts);
    /// logged so a replay rebuilds the same starts.
    public var spawns: [Spawn]?

    public init(world: String, robot: String, command: String, policy: String, spawns: [Spawn]? = nil) {
        self.world = world
        self.robot = robot
        self.command = command
        self.policy = policy
        self.spawns = spawns
    }

    /// `spawns` as the log's `extra["spawns"]`: JSON rows [x, y, z, yaw] (exact doubles).
    public static func encodeSpawns(_ spawns: [Spawn]) -> String {
        let rows = spawns.map { [$0.position.x, $0.position.y, $0.position.z, $0.yaw] }
        return String(decoding: (try? JSONEncoder().encode(rows)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The spawns of `extra["spawns"]`, nil when the text is not rows of four numbers.
    public static func decodeSpawns(_ text: String) -> [Spawn]? {
        guard let rows = try? JSONDecoder().decode([[Double]].self, from: Data(text.utf8)),
              rows.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isFinite) }) else { return nil }
        return rows.map { Spawn(position: Vec3($0[0], $0[1], $0[2]), yaw: $0[3]) }
    }
}

/// How an env action is written on `/swiftlet/command`: five numbers
/// `[mode, yaw_rate, vx, vy, vz]`. Mode 0 is the GtS action `.yawRate(yaw_rate)` (velocities 0);
/// mode 1 is a velocity command `.vehicle(.flight(.velocity((vx, vy, vz), yawRate: yaw_rate)))`
/// (manual flight; world frame, m/s and rad/s). Doubles round-trip bit-exactly through the log.
public enum LoggedAction {
    public static let names = ["mode", "yaw_rate", "vx", "vy", "vz"]

    public static func encode(_ action: EnvAction) -> [Double]? {
        switch action {
        case .yawRate(let r): return [0, r, 0, 0, 0]
        case .vehicle(.flight(.velocity(let v, let r))): return [1, r, v.x, v.y, v.z]
        default: return nil
        }
    }

    public static func decode(_ values: [Double]) -> EnvAction? {
        guard values.count == 5 else { return nil }
        switch values[0] {
        case 0: return .yawRate(values[1])
        case 1: return .vehicle(.flight(.velocity(Vec3(values[2], values[3], values[4]), yawRate: values[1])))
        default: return nil
        }
    }
}

/// Records one env episode into an MCAP log: metadata, calibration, obstacles once, then per
/// control tick the command (at the tick's start time), pose, transforms world -> body -> camera,
/// motor speeds (at its end time), the newest camera image (mono8) and depth (32FC1, when the env
/// renders depth), planner paths and events.
///
/// Pose k in the log is the state after k commands (pose 0 is the reset state), which is what
/// `ReplayVerifier` compares against.
public final class EpisodeLogger {
    public let path: String
    let recorder: EpisodeRecorder
    let model: EnvModel
    let pose_BC: Pose
    public private(set) var ticks = 0
    public private(set) var closed = false

    /// Opens `path` and writes the episode header and the reset state of `env` (call right after
    /// `env.reset(seed:)`). `imageEncoding`: camera frames as CDR `sensor_msgs/msg/Image` or JSON.
    public convenience init(path: String, env: Env, source: EpisodeSource, imageEncoding: ImageMessageEncoding = .cdr) throws {
        try self.init(path: path, model: env.model, seed: env.state.seed, initial: env.state.observation, source: source,
                      imageEncoding: imageEncoding)
    }

    /// Opens `path` for an episode of `model` reset with `seed` whose first observation is `initial`.
    public init(path: String, model: EnvModel, seed: UInt64, initial: Observation, source: EpisodeSource,
                imageEncoding: ImageMessageEncoding = .cdr) throws {
        self.path = path
        self.model = model
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let sorted = JSONEncoder()
        sorted.outputFormatting = [.sortedKeys]   // the same log bytes for the same episode
        let settings = String(decoding: try sorted.encode(model.settings), as: UTF8.self)
        var extra: [String: String] = [
            "env_settings": settings, "command": source.command, "policy": source.policy,
            "physics_rate_hz": "\(model.settings.physicsRate)", "control_rate_hz": "\(model.settings.controlRate)",
            "camera_rate_hz": "\(model.settings.controlRate)", "scene_name": model.scene.name,
        ]
        if let spawns = source.spawns { extra["spawns"] = EpisodeSource.encodeSpawns(spawns) }
        let meta = EpisodeMetadata(world: source.world, seed: seed, robot: source.robot, profile: model.domain.name,
                                   dt: model.controlPeriod, commandNames: LoggedAction.names, extra: extra)
        // the closing fsync runs on the writer queue: the next episode does not wait for the disk
        recorder = try EpisodeRecorder(path: path, metadata: meta, options: MCAPWriter.Options(deferFinalSync: true),
                                       imageEncoding: imageEncoding)
        pose_BC = Pose(position: model.camera.mount.position,
                       orientation: model.camera.mount.orientation * EpisodeRecorder.opticalFromForward)
        let intr = model.camera.intrinsics
        let f = intr.focalPixels
        try recorder.calibration(time: 0, width: intr.width, height: intr.height, fx: f, fy: f,
                                 cx: Double(intr.width) / 2 - 0.5, cy: Double(intr.height) / 2 - 0.5)
        try recorder.obstacles(time: 0, EpisodeLogger.sceneObstacles(model.scene))
        let robot = initial.robot
        try recorder.pose(time: robot.time, robot.pose)
        try recorder.transforms(time: robot.time, pose_WB: robot.pose, pose_BC: pose_BC)
        try images(initial, time: robot.time)
    }

    /// One control tick: `action` was applied at `before` (time, step) and led to `env`'s state.
    public func tick(action: EnvAction, before: RobotObservation, step: Int, env: Env, result: StepResult) throws {
        let rpm = env.model.isQuadrotor ? env.state.quadrotor.rotorRPM : nil
        try tick(action: action, before: before, step: step, after: env.state.observation, motorRPM: rpm, events: result.events)
    }

    /// One control tick from plain values (what the collect/eval observer sees).
    public func tick(action: EnvAction, before: RobotObservation, step: Int, after: Observation, motorRPM: SIMD4<Double>?,
                     events: [EnvEvent]) throws {
        guard let values = LoggedAction.encode(action) else { return }
        let robot = after.robot
        try recorder.command(time: before.time, step: step, values: values)
        try recorder.pose(time: robot.time, robot.pose)
        try recorder.transforms(time: robot.time, pose_WB: robot.pose, pose_BC: pose_BC)
        if let r = motorRPM { try recorder.motorSpeeds(time: robot.time, [r.x, r.y, r.z, r.w]) }
        try images(after, time: robot.time)
        for e in events { try event(e, time: robot.time, step: step + 1) }
        ticks += 1
    }

    /// Planned paths with predicted collision probabilities and a diagnostics line.
    public func plan(time: Double, step: Int, paths: [[Vec3]], probabilities: [Double], planner: String,
                     chosenProbability: Double, bestCost: Double) throws {
        try recorder.plannedPaths(time: time, paths, collisionProbabilities: probabilities)
        try recorder.planner(time: time, step: step, PlannerDiagnostics(planner: planner, bestCost: bestCost,
                                                                        collisionProbability: chosenProbability,
                                                                        candidates: paths.count, iterations: 1))
    }

    /// A free-form event (reset, warning).
    public func note(_ kind: EpisodeEventKind, time: Double, step: Int, detail: String) throws {
        try recorder.event(time: time, step: step, kind: kind, detail: detail)
    }

    /// Writes the summary and footer.
    public func close() throws {
        guard !closed else { return }
        closed = true
        try recorder.close()
    }

    func images(_ observation: Observation, time: Double) throws {
        let w = model.settings.imageWidth, h = model.settings.imageHeight, n = w * h
        let newest = (model.settings.frameStack - 1) * n
        try observation.frames.withUnsafeBytes { f in
            try recorder.image(time: time, width: w, height: h, encoding: .mono8,
                               pixels: UnsafeRawBufferPointer(rebasing: f[newest ..< newest + n]))
        }
        if model.settings.depth {
            try observation.depth.withUnsafeBytes { d in
                try recorder.image(time: time, width: w, height: h, encoding: .depth32F, pixels: d)
            }
        }
    }

    func event(_ e: EnvEvent, time: Double, step: Int) throws {
        let d = EpisodeLogger.describe(e)
        try recorder.event(time: time, step: step, kind: d.kind, detail: d.detail, position: d.position)
    }

    /// How an env event is logged: collisions and tilts as `collision` with where they happened,
    /// anything else as a `warning` naming it.
    static func describe(_ e: EnvEvent) -> (kind: EpisodeEventKind, detail: String, position: Vec3?) {
        switch e {
        case let .collision(obstacle, position):
            return (.collision, obstacle < 0 ? "ground" : "obstacle \(obstacle)", position)
        case let .tilt(roll, pitch, position):
            return (.collision, String(format: "tilt roll %.2f pitch %.2f rad", roll, pitch), position)
        default:
            return (.warning, "\(e)", nil)
        }
    }

    /// The scene's obstacles as recorder shapes.
    public static func sceneObstacles(_ scene: Scene) -> [SceneObstacle] {
        scene.obstacles.map { o in
            switch o.shape {
            case .box(let b):
                return .box(center: b.center, size: 2 * b.halfExtents, orientation: Quaternion(roll: 0, pitch: 0, yaw: b.yaw))
            case .cylinder(let c):
                return .cylinder(center: Vec3(c.x, c.y, 0.5 * (c.zMin + c.zMax)), radius: c.radius,
                                 height: c.zMax - c.zMin, orientation: .identity)
            case .sphere(let s):
                return .sphere(center: s.center, radius: s.radius)
            }
        }
    }
}
