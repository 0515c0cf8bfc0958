import Foundation
import Geometry
import Physics
import Rendering
import Runtime
import World

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
