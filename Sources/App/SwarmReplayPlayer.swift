import Diagnostics
import Foundation
import Geometry
import Recording
import Viewer
import World

/// The replay window's frames of a swarm log: the followed vehicle as the robot (V or `.`
/// next, `,` previous), the others as `ViewerFrame.vehicles` with their trails (red once
/// crashed), as `fly --swarm` draws them. Frame k is swarm step k: every vehicle at its pose
/// after k commands, or where it stopped.
public struct SwarmReplayPlayer {
    public let log: SwarmLog
    public let path: String
    /// The followed vehicle.
    public private(set) var selected = 0
    /// Time of each swarm step (s): the poses of the vehicle that flew longest.
    public let times: [Double]
    let obstacles: [MapObstacle]
    public let view: ViewRenderer?
    let region: (center: SIMD2<Double>, side: Double)
    /// The step of each vehicle's first collision (nil: none), and every collision's step.
    let crashedAt: [Int?]
    let collisionSteps: [Int]

    /// Loads the logged world for the 3D view (`viewSize` nil skips the renderer; the built-in
    /// horizon when the world cannot be loaded). Throws when no vehicle has a pose.
    public init(log: SwarmLog, path: String, viewSize: (width: Int, height: Int)? = nil) throws {
        guard let longest = log.vehicles.max(by: { $0.poses.count < $1.poses.count }), !longest.poses.isEmpty else {
            throw InputError(path, "no poses to replay")
        }
        self.log = log
        self.path = path
        times = longest.poses.map(\.time)
        let scene = log.metadata.flatMap { try? SceneLoader.resolve($0.world) }
        view = viewSize.flatMap { size in scene.map { ViewRenderer(scene: $0, width: size.width, height: size.height) } }
        obstacles = scene.map(FlySimulation.mapObstacles) ?? []
        crashedAt = log.vehicles.map { v in v.events.filter { $0.kind == .collision }.map(\.step).min() }
        collisionSteps = log.vehicles.flatMap { $0.events.filter { $0.kind == .collision }.map(\.step) }
        // the map: every logged position with a margin
        let all = log.vehicles.flatMap { $0.poses.map(\.pose.position) }
        let lo = all.reduce(all[0]) { Vec3(min($0.x, $1.x), min($0.y, $1.y), 0) }
        let hi = all.reduce(all[0]) { Vec3(max($0.x, $1.x), max($0.y, $1.y), 0) }
        region = (SIMD2((lo.x + hi.x) / 2, (lo.y + hi.y) / 2), max(16, max(hi.x - lo.x, hi.y - lo.y) + 8))
    }

    /// Follow-vehicle keys: V or `.` the next vehicle, `,` the previous one.
    public mutating func handle(keys: [ViewerKey]) {
        let n = log.vehicles.count
        for key in keys {
            switch key {
            case .v, .period: selected = (selected + 1) % n
            case .comma: selected = (selected + n - 1) % n
            default: break
            }
        }
    }

    /// Vehicle `i`'s trail up to step `k` (its positions, oldest first).
    func trail(_ i: Int, _ k: Int) -> [Vec3] {
        let p = log.vehicles[i].poses
        return p.isEmpty ? [] : p[0...min(k, p.count - 1)].map(\.pose.position)
    }

    /// The frame at swarm step `k`.
    public func frame(at k: Int) -> ViewerFrame {
        let i = selected, n = log.vehicles.count
        let poses = log.vehicles[i].poses
        let pose = log.pose(i, atStep: k) ?? .identity
        // speed and yaw rate over the followed vehicle's last step (zero once it stopped)
        var speed = 0.0, yawRate = 0.0
        if k > 0, k < poses.count {
            let a = poses[k - 1], b = poses[k], dt = b.time - a.time
            if dt > 0 {
                speed = (b.pose.position - a.pose.position).length / dt
                yawRate = wrapAngle(b.pose.orientation.yaw - a.pose.orientation.yaw) / dt
            }
        }
        let others = (0..<n).filter { $0 != i }.compactMap { j -> ViewerVehicle? in
            guard let p = log.pose(j, atStep: k) else { return nil }
            return ViewerVehicle(pose: p, trail: trail(j, k), crashed: crashedAt[j].map { $0 <= k } ?? false)
        }
        let separation = (0..<n).compactMap { log.pose($0, atStep: k)?.position }.minimumPairDistance
        let contacts = log.vehicles.map { $0.events.filter { $0.other != nil && $0.step <= k }.count }.reduce(0, +)
        let crashed = crashedAt[i].map { $0 <= k } ?? false
        let ended = !crashed && k >= poses.count - 1 && poses.count - 1 < times.count - 1
        let hud = [HUDLine("VEHICLE \(i + 1)/\(n)\(crashed ? "  CRASHED" : ended ? "  ENDED" : "")", isAlert: crashed),
                   HUDLine(separation.isFinite ? String(format: "MIN SEP  %.2f m", separation) : "MIN SEP  --"),
                   HUDLine("CONTACTS \(contacts)", isAlert: contacts > 0)]
        return ViewerFrame(simTime: times[min(k, times.count - 1)], robotPose: pose, speed: speed, altitude: pose.position.z,
                           yawRate: yawRate, modeLabel: "swarm replay (\(log.metadata?.extra["policy"] ?? "log"))",
                           collisions: collisionSteps.filter { $0 <= k }.count, trail: trail(i, k), obstacles: obstacles,
                           view: view?.mainView ?? .horizon, mapRegion: region,
                           status: "\((path as NSString).lastPathComponent)  step \(k)/\(times.count - 1)  \(n) vehicles",
                           hudExtra: hud, vehicles: others)
    }

    /// Plays `log` in the viewer (window when a display exists), following vehicle 0 first.
    @MainActor
    public static func window(_ log: SwarmLog, path: String, options: ViewerOptions) throws -> ViewerRunReport {
        var player = try SwarmReplayPlayer(log: log, path: path, viewSize: (options.width, options.height))
        var options = options
        options.extraHelp = ["SWARM REPLAY", "V  .       follow next vehicle", ",          follow previous vehicle"]
        let app = ViewerApp(options: options)
        let view = player.view
        app.adjustCamera = { camera in view?.levelled(camera) ?? camera }
        return app.replay(times: player.times) { k, _, keys in
            player.handle(keys: keys)
            return player.frame(at: k)
        }
    }
}
