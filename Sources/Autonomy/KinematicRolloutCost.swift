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

    public init(model: EnvModel, start: RobotObservation, settings: PrivilegedPlannerPolicy.Settings) {
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
                    for _ in 0..<sub {
                        k.advance(yawRate: a, dt: dt, blend: blend, speed: speed)
                        let p = Vec3(k.x, k.y, z)
                        if !scene.inBounds(p) || scene.overlaps(shape, at: Pose(position: p, orientation: Quaternion(roll: 0, pitch: 0, yaw: k.yaw))) {
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
