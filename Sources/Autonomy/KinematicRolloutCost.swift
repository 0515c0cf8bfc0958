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
    /// The moving obstacles that can reach the robot within the horizon, and for each the
    /// squared horizontal distance (m^2) and the vertical distance (m) between centres within
    /// which it touches the robot (both at once).
    let movers: [MovingObstacle]
    let moverReach2: [Double]
    let moverHeight: [Double]

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
        // keep the neighbours that can come within reach before the horizon ends: an upright
        // cylinder around each, the margin horizontal as around the scene, the vertical band
        // both vehicles' altitude-hold error; a neighbour's altitude only moves toward the held one
        let own = MovingObstacle.horizontalRadius(model.shape) + settings.margin
        let ownHeight = model.shapeHalfHeight + 2 * settings.altitudeTolerance
        let horizonTime = Double(settings.horizon) * period
        var movers: [MovingObstacle] = [], reach2: [Double] = [], heights: [Double] = []
        for o in neighbours {
            let reach = o.radius + own, height = o.halfHeight + ownHeight
            let dx = o.position.x - x0, dy = o.position.y - y0
            let speeds = max(speed, (vx0 * vx0 + vy0 * vy0).squareRoot()) + (o.velocity.x * o.velocity.x + o.velocity.y * o.velocity.y).squareRoot()
            guard (dx * dx + dy * dy).squareRoot() <= reach + speeds * horizonTime + 1e-9,
                  abs(o.altitude(after: horizonTime, holding: z) - z) < height else { continue }
            movers.append(o)
            reach2.append(reach * reach)
            heights.append(height)
        }
        self.movers = movers
        moverReach2 = reach2
        moverHeight = heights
    }

    /// Whether the robot at `(x, y, z)`, `t` s after the plan's start, touches a moving obstacle.
    @inline(__always)
    func touchesMover(_ x: Double, _ y: Double, at t: Double) -> Bool {
        for (j, o) in movers.enumerated() {
            let c = o.position(after: t)
            let dx = x - c.x, dy = y - c.y
            if dx * dx + dy * dy < moverReach2[j] && abs(o.altitude(after: t, holding: z) - z) < moverHeight[j] { return true }
        }
        return false
    }

    /// Horizontal distance from `(x, y)` to the surface of the nearest moving obstacle in its
    /// vertical band, `t` s after the plan's start, m (infinity with none in the band): what the
    /// clearance term reads for the other vehicles, as the scene's distance for the world.
    @inline(__always)
    func moverDistance(_ x: Double, _ y: Double, at t: Double) -> Double {
        var nearest = Double.infinity
        for (j, o) in movers.enumerated() where abs(o.altitude(after: t, holding: z) - z) < moverHeight[j] {
            let c = o.position(after: t)
            let dx = x - c.x, dy = y - c.y
            nearest = min(nearest, max(0, (dx * dx + dy * dy).squareRoot() - o.radius))
        }
        return nearest
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
                    if !collided {
                        // the nearest of the world and the other vehicles (where they will be at the step's end)
                        var d = scene.distanceToNearestObstacle(Vec3(k.x, k.y, z), maxDistance: 4)
                        if !movers.isEmpty { d = min(d, moverDistance(k.x, k.y, at: Double(h + 1) * period)) }
                        clearance += exp(-d / 0.5)
                    }
                }
                if collided { hits += 1; clearance += 1 }
            }
            let n = Double(horizon)
            costs[i] = Float(hits / n + settings.clearanceWeight * clearance / n + settings.yawWeight * effort / n)
        }
    }
}
