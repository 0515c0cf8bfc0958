import Foundation
import Geometry
import Planning
import Runtime
import World

/// PRIVILEGED baseline: CEM over the 12-step yaw-rate sequence, scoring each candidate by a
/// kinematic rollout of the GtS action model (constant forward speed, piecewise-constant yaw
/// rate per control period; the velocity follows the heading with a first-order lag, which
/// models the sideslip of a quadrotor in a turn) against the true world geometry. It reads the scene and the true
/// pose, which no camera-only policy can: it is an upper reference, labelled "(privileged)".
///
/// Cost of a sequence = mean over steps h of c_h (1 from the first step whose swept path touches
/// an obstacle, inflated by `margin`, or leaves the bounds) + `clearanceWeight` * mean_h
/// exp(-d_h / 0.5 m) (d_h: distance to the nearest obstacle at the end of step h) +
/// `yawWeight` * mean_h (a_h / max)^2.
public struct PrivilegedPlannerPolicy: Policy {
    public struct Settings: Sendable, Equatable {
        /// Planner budget (smaller than the learned policy's 4096/1024/128/3: the cost is exact).
        public var cem: CEMPlanner.Settings = {
            var s = CEMPlanner.Settings()
            s.initialSamples = 256
            s.samples = 128
            s.elites = 16
            s.iterations = 3
            // the cost is exact, so fly the best sequence seen (a mean of left- and right-turning
            // elites can run straight into the obstacle), and keep last tick's plan as a candidate
            s.execute = .best
            s.includeNominal = true
            return s
        }()
        /// Steps looked ahead (5 s at 4 Hz): longer than the learned model's 12 so that it turns
        /// before entering places too narrow for a U-turn at constant forward speed.
        public var horizon = 20
        /// Rollout substeps per control period (each checked for overlap).
        public var substeps = 3
        /// Extra radius around the robot's collision shape, m.
        public var margin = 0.1
        /// Time constant of the velocity turning toward the heading, s (the controller's velocity
        /// loop; 0 = the velocity follows the heading at once).
        public var velocityTimeConstant = 0.17
        public var clearanceWeight = 0.05
        public var yawWeight = 0.01
        public init() {}
    }

    public let settings: Settings
    var planner: CEMPlanner?
    var rng = RNG(seed: 0)

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// The candidates the last `act` scored (nil before the first call): what the viewer draws.
    public var lastBatch: CandidateBatch? { planner?.lastBatch }

    public var name: String { "privileged" }
    public var isPrivileged: Bool { true }

    public mutating func reset(seed: UInt64) {
        rng = RNG(seed: seed, stream: 0x5052_4956)
        planner?.reset()
    }

    public mutating func act(_ observation: Observation, model: EnvModel) -> Double {
        let m = Float(model.settings.maxYawRate)
        if planner == nil || planner!.space.upper[0] != m {
            planner = CEMPlanner(space: ActionSpace(horizon: settings.horizon, lower: [-m], upper: [m]), settings: settings.cem)
        }
        var cost = KinematicRolloutCost(model: model, start: observation.robot, settings: settings)
        planner!.plan(&cost, rng: &rng)
        let a = Double(planner!.nominal[0])
        planner!.shift()
        return a
    }
}

/// The privileged planner's batch cost (see `PrivilegedPlannerPolicy`).
public struct KinematicRolloutCost: SequenceCost {
    let scene: Scene
    let shape: World.CollisionShape
    let speed: Double, period: Double, maxYaw: Double
    let x0: Double, y0: Double, z: Double, yaw0: Double, vx0: Double, vy0: Double
    let settings: PrivilegedPlannerPolicy.Settings

    public init(model: EnvModel, start: RobotObservation, settings: PrivilegedPlannerPolicy.Settings) {
        scene = model.scene
        switch model.shape {
        case .cylinder(let r, let h): shape = .cylinder(radius: r + settings.margin, height: h)
        case .sphere(let r): shape = .sphere(radius: r + settings.margin)
        case .box(let e): shape = .box(halfExtents: e + Vec3(settings.margin, settings.margin, 0))
        }
        speed = model.settings.forwardSpeed
        period = model.controlPeriod
        maxYaw = max(model.settings.maxYawRate, 1e-9)
        x0 = start.position.x
        y0 = start.position.y
        z = model.isQuadrotor ? model.settings.altitude : start.position.z + model.shapeOffset.z
        yaw0 = start.yaw
        vx0 = start.velocity.x
        vy0 = start.velocity.y
        self.settings = settings
    }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        let sub = max(1, settings.substeps)
        let dt = period / Double(sub)
        let blend = settings.velocityTimeConstant > 0 ? 1 - exp(-dt / settings.velocityTimeConstant) : 1
        for i in 0..<count {
            var x = x0, y = y0, yaw = yaw0, vx = vx0, vy = vy0
            var collided = false
            var hits = 0.0, clearance = 0.0, effort = 0.0
            for h in 0..<horizon {
                let a = Double(actions[(i * horizon + h) * actionDim])
                effort += (a / maxYaw) * (a / maxYaw)
                if !collided {
                    for _ in 0..<sub {
                        // velocity relaxes toward the midpoint heading over the substep
                        let mid = yaw + 0.5 * a * dt
                        let nx = vx + blend * (speed * cos(mid) - vx), ny = vy + blend * (speed * sin(mid) - vy)
                        x += 0.5 * (vx + nx) * dt
                        y += 0.5 * (vy + ny) * dt
                        vx = nx
                        vy = ny
                        yaw += a * dt
                        let p = Vec3(x, y, z)
                        if !scene.inBounds(p) || scene.overlaps(shape, at: Pose(position: p, orientation: Quaternion(roll: 0, pitch: 0, yaw: yaw))) {
                            collided = true
                            break
                        }
                    }
                    if !collided { clearance += exp(-scene.distanceToNearestObstacle(Vec3(x, y, z), maxDistance: 4) / 0.5) }
                }
                if collided { hits += 1; clearance += 1 }
            }
            let n = Double(horizon)
            costs[i] = Float(hits / n + settings.clearanceWeight * clearance / n + settings.yawWeight * effort / n)
        }
    }
}
