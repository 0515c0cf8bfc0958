import Foundation
import Geometry
import Physics
import Rendering
import Runtime
import World

/// Camera images with the privileged outcome of K action primitives (METHODS.md 4,
/// docs/ocs.md): each sample is a level camera frame from the quadrotor at a free pose, and
/// `collisions[i][k]` = 1 if primitive k (yaw rate `yawRates[k]` held for the horizon at the
/// GtS forward speed and altitude) touches an obstacle or leaves the bounds in the true world.
public struct OCSDataset: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// K.
    public var actions: Int
    /// Gray images `[count][height][width]`, row 0 at the top.
    public var images: [UInt8] = []
    /// Planar depth `[count][height][width]`, metres (fog needs it).
    public var depth: [Float] = []
    /// `[count][K]`, 1 = the primitive collides.
    public var collisions: [Float] = []
    /// Where each sample was taken: world index (into the generating list), x, y (m), yaw (rad).
    public var poses: [OCSPose] = []

    public init(width: Int, height: Int, actions: Int) {
        self.width = width
        self.height = height
        self.actions = actions
    }

    public var count: Int { poses.count }
    public var pixels: Int { width * height }

    /// Whether primitive `k` of sample `i` is collision-free.
    @inlinable public func isSafe(_ i: Int, _ k: Int) -> Bool { collisions[i * actions + k] < 0.5 }

    /// Fraction of samples on which each primitive collides.
    public var collisionRates: [Double] {
        guard count > 0 else { return [Double](repeating: 0, count: actions) }
        return (0..<actions).map { k in Double((0..<count).filter { !isSafe($0, k) }.count) / Double(count) }
    }

    /// Appends every sample of `other` (same image size and K).
    public mutating func append(_ other: OCSDataset) {
        precondition(other.width == width && other.height == height && other.actions == actions)
        images += other.images
        depth += other.depth
        collisions += other.collisions
        poses += other.poses
    }

    /// The same samples with other images (a corrupted copy; labels and poses unchanged).
    public func replacingImages(_ newImages: [UInt8]) -> OCSDataset {
        precondition(newImages.count == images.count)
        var d = self
        d.images = newImages
        return d
    }
}

/// A sample's pose: world index, position (m) and heading (rad).
public struct OCSPose: Sendable, Equatable {
    public var world: Int
    public var x: Double
    public var y: Double
    public var yaw: Double

    public init(world: Int, x: Double, y: Double, yaw: Double) {
        self.world = world
        self.x = x
        self.y = y
        self.yaw = yaw
    }
}

/// How samples are drawn and labelled.
public struct OCSDataSettings: Codable, Sendable, Equatable {
    public var robot = "Robots/cf2x.urdf"
    public var imageWidth = 64
    public var imageHeight = 48
    /// Horizontal field of view, degrees.
    public var fieldOfView = 90.0
    /// Camera range, m (depth beyond it reads this).
    public var maxRange = 20.0
    /// The K primitives: yaw rates held for the whole horizon, deg/s.
    public var yawRatesDegrees: [Double] = [-40, -20, 0, 20, 40]
    /// Control steps of 0.25 s each primitive is flown (16 = 4 s = 1.6 m at 0.4 m/s).
    public var horizon = 16
    public var forwardSpeed = 0.4
    public var altitude = 0.4
    /// Poses are drawn uniformly in the world's bounds (0.5 m inside) and kept only if the
    /// nearest obstacle is between these distances (m) from the robot's centre.
    public var minClearance = 0.3
    public var maxClearance = 1.0
    /// Extra radius around the robot's collision cylinder in the labelling rollouts, m.
    public var margin = 0.0

    public init() {}

    var rolloutSettings: PrivilegedPlannerPolicy.Settings {
        var s = PrivilegedPlannerPolicy.Settings()
        s.horizon = horizon
        s.margin = margin
        s.clearanceWeight = 0
        s.yawWeight = 0
        return s
    }

    /// The env settings of the labelling rollouts and the camera (image size, field of view, GtS flight).
    public var envSettings: EnvSettings {
        var e = EnvSettings()
        e.imageWidth = imageWidth
        e.imageHeight = imageHeight
        e.fieldOfViewDegrees = fieldOfView
        e.maxRange = maxRange
        e.forwardSpeed = forwardSpeed
        e.altitude = altitude
        e.maxYawRate = max(e.maxYawRate, (yawRatesDegrees.map(abs).max() ?? 0) * .pi / 180)
        return e
    }
}

/// Draws labelled samples in a scene.
public struct OCSSampler: Sendable {
    public let settings: OCSDataSettings
    public let robot: RobotDescription

    public init(settings: OCSDataSettings) throws {
        self.settings = settings
        robot = try URDFLoader.load(path: settings.robot)
    }

    /// `count` samples in `scene` (index `world` recorded in the poses), rendered with
    /// `profile`. Poses come from `rng`; the same scene, profile and rng give the same data.
    public func sample(scene: Scene, world: Int, count: Int, profile: AppearanceProfile = .sim, rng: inout RNG) throws -> OCSDataset {
        let model = try EnvModel(scene: scene, robot: robot, settings: settings.envSettings)
        let renderer = Renderer(scene: scene, profile: profile)
        var data = OCSDataset(width: settings.imageWidth, height: settings.imageHeight, actions: settings.yawRatesDegrees.count)
        var attempts = 0
        let lo = scene.boundsMin + Vec3(0.5, 0.5, 0), hi = scene.boundsMax - Vec3(0.5, 0.5, 0)
        while data.count < count {
            attempts += 1
            precondition(attempts < 10_000 * max(count, 1), "no free poses in \(scene.name)")
            let p = OCSPose(world: world, x: rng.uniform(lo.x, hi.x), y: rng.uniform(lo.y, hi.y), yaw: rng.uniform(-.pi, .pi))
            let position = Vec3(p.x, p.y, settings.altitude)
            let d = scene.distanceToNearestObstacle(position, maxDistance: settings.maxClearance + 1)
            guard d >= settings.minClearance, d <= settings.maxClearance, scene.inBounds(position) else { continue }
            data.append(render(p, renderer: renderer, model: model))
        }
        return data
    }

    /// One labelled sample at pose `p` in `model`'s scene, rendered by `renderer`.
    public func render(_ p: OCSPose, renderer: Renderer, model: EnvModel) -> OCSDataset {
        var data = OCSDataset(width: settings.imageWidth, height: settings.imageHeight, actions: settings.yawRatesDegrees.count)
        let body = Pose(position: Vec3(p.x, p.y, settings.altitude), orientation: Quaternion(roll: 0, pitch: 0, yaw: p.yaw))
        var noise = RNG(seed: 0)
        let frame = renderer.renderFrame(camera: model.camera.intrinsics, pose: model.camera.worldPose(body: body), rng: &noise)
        data.images = frame.gray
        data.depth = frame.depth
        data.collisions = labels(p, model: model)
        data.poses = [p]
        return data
    }

    /// Collision labels of the K primitives from pose `p` (steady forward flight along the
    /// heading), by the privileged planner's kinematic rollout against the true world.
    public func labels(_ p: OCSPose, model: EnvModel) -> [Float] {
        let k = settings.yawRatesDegrees.count
        let start = RobotObservation(time: 0, position: Vec3(p.x, p.y, settings.altitude),
                                     attitude: Quaternion(roll: 0, pitch: 0, yaw: p.yaw),
                                     velocity: Vec3(cos(p.yaw), sin(p.yaw), 0) * settings.forwardSpeed, bodyRate: .zero)
        var cost = KinematicRolloutCost(model: model, start: start, settings: settings.rolloutSettings)
        let h = settings.horizon
        var actions = [Float](repeating: 0, count: k * h)
        for a in 0..<k { for t in 0..<h { actions[a * h + t] = Float(settings.yawRatesDegrees[a] * .pi / 180) } }
        var costs = [Float](repeating: 0, count: k)
        actions.withUnsafeBufferPointer { acts in
            costs.withUnsafeMutableBufferPointer { c in cost.cost(acts, count: k, horizon: h, actionDim: 1, into: c) }
        }
        // with zero clearance and yaw weights the cost is the fraction of steps after the first contact
        return costs.map { $0 > 0 ? 1 : 0 }
    }
}
