import Foundation
import Geometry
import Planning
import Runtime
import World

/// The privileged planner's batch cost (see `PrivilegedPlannerPolicy`).
public struct KinematicRolloutCost: SequenceCost {
    let scene: Scene
    let shape: World.CollisionShape
    let speed: Double, period: Double, maxYaw: Double
    let x0: Double, y0: Double, z: Double, yaw0: Double, vx0: Double, vy0: Double
    let settings: PrivilegedPlannerPolicy.Settings
    /// The moving obstacles that can reach the robot within the horizon, and the squared
    /// distance (m^2) between centres at which each touches it.
    let movers: [MovingObstacle]
    let moverReach2: [Double]

    /// The cost of plans from `start`; `neighbours` are the other vehicles of a swarm (none:
    /// the static-world cost, bit for bit).
    public init(model: EnvModel, start: RobotObservation, settings: PrivilegedPlannerPolicy.Settings,
                neighbours: [MovingObstacle] = []) {
        scene = model.scene
        shape = model.shape.inflatedHorizontally(by: settings.margin)
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
        // keep the neighbours that can come within reach before the horizon ends
        let own = model.robot.collision.boundingRadius + settings.margin
        let horizonTime = Double(settings.horizon) * period
        var movers: [MovingObstacle] = [], reach2: [Double] = []
        for o in neighbours {
            let reach = o.radius + own
            let d = o.position - Vec3(x0, y0, z)
            let dx = d.x, dy = d.y, dz = d.z
            let speeds = max(speed, (vx0 * vx0 + vy0 * vy0).squareRoot()) + (o.velocity * o.velocity).sum().squareRoot()
            guard (dx * dx + dy * dy + dz * dz).squareRoot() <= reach + speeds * horizonTime + 1e-9 else { continue }
            movers.append(o)
            reach2.append(reach * reach)
        }
        self.movers = movers
        moverReach2 = reach2
    }

    /// Whether the robot at `(x, y, z)`, `t` s after the plan's start, touches a moving obstacle.
    @inline(__always)
    func touchesMover(_ x: Double, _ y: Double, at t: Double) -> Bool {
        for (j, o) in movers.enumerated() {
            let c = o.position(after: t)
            let dx = x - c.x, dy = y - c.y, dz = z - c.z
            if dx * dx + dy * dy + dz * dz < moverReach2[j] { return true }
        }
        return false
    }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        let sub = max(1, settings.substeps)
        let dt = period / Double(sub)
        let blend = settings.velocityTimeConstant > 0 ? 1 - exp(-dt / settings.velocityTimeConstant) : 1
        for i in 0..<count {
            var k = PlanarKinematics(x: x0, y: y0, yaw: yaw0, vx: vx0, vy: vy0)
            var collided = false
            var hits = 0.0, clearance = 0.0, effort = 0.0
            for h in 0..<horizon {
                let a = Double(actions[(i * horizon + h) * actionDim])
                effort += (a / maxYaw) * (a / maxYaw)
                if !collided {
                    for s in 0..<sub {
                        k.advance(yawRate: a, dt: dt, blend: blend, speed: speed)
                        let p = Vec3(k.x, k.y, z)
                        if !scene.inBounds(p) || scene.overlaps(shape, at: Pose(position: p, orientation: Quaternion(roll: 0, pitch: 0, yaw: k.yaw)))
                            || (!movers.isEmpty && touchesMover(k.x, k.y, at: Double(h * sub + s + 1) * dt)) {
                            collided = true
                            break
                        }
                    }
                    if !collided { clearance += exp(-scene.distanceToNearestObstacle(Vec3(k.x, k.y, z), maxDistance: 4) / 0.5) }
                }
                if collided { hits += 1; clearance += 1 }
            }
            let n = Double(horizon)
            costs[i] = Float(hits / n + settings.clearanceWeight * clearance / n + settings.yawWeight * effort / n)
        }
    }
}
