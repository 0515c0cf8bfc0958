import Foundation
import Geometry
import Physics
import Runtime
import World

/// The autopilot of `swiftlet fly --swarm`: the vehicles start on a ring (`SwarmLayout.ring`)
/// and fly around it in two layers in opposite directions, so every upper vehicle passes right
/// over every lower one twice a lap and its downwash hits the lower one.
///
/// Even vehicles keep the base altitude and orbit counter-clockwise (seen from above); odd ones
/// climb `climb` m and orbit clockwise, both at `speed` m/s, after `climbTime` s of climbing in
/// place. Same-layer vehicles keep their spacing on the ring; the layers are `climb` m apart, so
/// nothing touches unless a vehicle crashes into the ring's path. Setpoints are position
/// commands (`FlightCommand.position`) one control period ahead, facing the direction of travel.
public struct SwarmRingRoute: Sendable, Equatable {
    /// Ring centre (world x, y; m), radius (m), the vehicles' base altitude (m) and count.
    public var centre: SIMD2<Double>
    public var radius: Double
    public var altitude: Double
    public var count: Int
    /// Angle of vehicle 0 on the ring at the start, rad (the spawn heading).
    public var heading: Double
    /// Upper layer height above the base altitude (m), speed along the ring (m/s), and the time
    /// spent climbing before the orbit starts (s).
    public var climb = 1.5
    public var speed = 0.8
    public var climbTime = 2.0

    public init(centre: SIMD2<Double>, radius: Double, altitude: Double, count: Int, heading: Double) {
        self.centre = centre
        self.radius = radius
        self.altitude = altitude
        self.count = count
        self.heading = heading
    }

    /// The route of a swarm reset with a ring layout: centre, radius and heading from vehicle
    /// 0's spawn (its position and the ring's definition).
    public init(model: SwarmModel, start: RobotObservation) {
        let s = model.swarm
        let r = SwarmLayout.ringRadius(count: s.count, spacing: s.spacing)
        let c = SwarmLayout.ringCentre(anchor: start.position, yaw: start.yaw, radius: r)
        self.init(centre: SIMD2(c.x, c.y), radius: r, altitude: model.env.settings.altitude, count: s.count, heading: start.yaw)
    }

    /// Whether vehicle `i` flies the upper layer.
    public func isUpper(_ i: Int) -> Bool { i % 2 == 1 }

    /// Ring angle of vehicle `i` at time `t` s (0 = the side facing the spawn).
    public func angle(_ i: Int, at t: Double) -> Double {
        let start = heading + 2 * Double.pi * Double(i) / Double(count)
        let swept = radius > 0 ? speed / radius * max(0, t - climbTime) : 0
        return start + (isUpper(i) ? -swept : swept)
    }

    /// Vehicle `i`'s setpoint at time `t`: position on the ring (m) and heading along its
    /// direction of travel (rad).
    public func setpoint(_ i: Int, at t: Double) -> (position: Vec3, yaw: Double) {
        let a = angle(i, at: t)
        let z = altitude + (isUpper(i) ? climb : 0)
        let p = SwarmLayout.ringPoint(centre: centre, radius: radius, angle: a, z: z)
        return (p, wrapAngle(isUpper(i) ? a + Double.pi / 2 : a - Double.pi / 2))
    }

    /// Vehicle `i`'s command for the control step starting at `t` (the setpoint at its end).
    public func action(_ i: Int, at t: Double, period: Double) -> EnvAction {
        let s = setpoint(i, at: t + period)
        return .vehicle(.flight(.position(s.position, yaw: s.yaw)))
    }

    /// Checks the ring at both layers against the scene with the robot's collision shape (every
    /// 10 cm of arc): nil when clear, else what it runs into.
    public func obstruction(_ model: EnvModel) -> String? {
        let steps = max(8, Int((2 * Double.pi * radius / 0.1).rounded(.up)))
        for upper in [false, true] {
            let z = altitude + (upper ? climb : 0)
            for k in 0..<steps {
                let a = 2 * Double.pi * Double(k) / Double(steps)
                let p = SwarmLayout.ringPoint(centre: centre, radius: radius, angle: a, z: z)
                if !model.scene.inBounds(p) { return String(format: "leaves the world at (%.1f, %.1f, %.1f)", p.x, p.y, p.z) }
                if let hit = EnvDynamics.contact(model, Pose(position: p, orientation: .identity)) {
                    return String(format: "runs into %@ at (%.1f, %.1f, %.1f)", hit < 0 ? "the ground" : "obstacle \(hit)", p.x, p.y, p.z)
                }
            }
        }
        return nil
    }
}
