import Foundation
import Diagnostics
import Geometry
import Physics
import Rendering
import World

/// Everything constant about a swarm environment: the single-vehicle `EnvModel` every vehicle
/// shares (world, robot, camera, rates, domain, limits) and the `SwarmSettings`. Built once and
/// validated; many `SwarmState`s can share it.
public struct SwarmModel: Sendable {
    /// The per-vehicle model; its domain's effects include `.downwash` when the swarm has it.
    public let env: EnvModel
    public let swarm: SwarmSettings
    /// What the other vehicles' cameras draw for each vehicle: hub, arms and rotor discs of the
    /// robot's rotor layout and propeller radius, as tall as its collision shape, centred on its
    /// collision origin (`BodyShape.quadrotor`).
    public let bodyShape: BodyShape

    /// Builds and validates a model. Throws `InputError` naming the setting for bad values: a
    /// ground robot, a count outside 1-1024, or a spacing that puts neighbours in contact.
    public init(scene: Scene, robot: RobotDescription, settings: EnvSettings = EnvSettings(), domain: DomainProfile = .sim,
                swarm: SwarmSettings = SwarmSettings()) throws {
        guard robot.quadrotor != nil else {
            throw InputError("swarm settings", at: "robot", "\(robot.name) is not a quadrotor (swarms fly quadrotors only)")
        }
        guard (1...1024).contains(swarm.count) else {
            throw InputError("swarm settings", at: "count", "bad value \(swarm.count) (1-1024 vehicles)")
        }
        var d = domain
        if swarm.downwash { d.effects.insert(.downwash) }
        let env = try EnvModel(scene: scene, robot: robot, settings: settings, domain: d)
        // neighbours start level with equal headings, so their cylinders are `spacing` apart
        // (vertically in a stack): clear of each other with a 1 cm margin
        let (radius, length) = SwarmModel.cylinder(robot)
        let reach = swarm.layout == .stack ? length : 2 * radius
        guard swarm.spacing.isFinite, swarm.count == 1 || swarm.spacing >= reach + 0.01 else {
            throw InputError("swarm settings", at: "spacing",
                             "bad value \(swarm.spacing) m: \(swarm.layout.rawValue) neighbours would touch (need at least \(String(format: "%.3f", reach + 0.01)) m for \(robot.name))")
        }
        self.env = env
        self.swarm = swarm
        let q = robot.quadrotor!
        bodyShape = .quadrotor(rotors: q.rotorPositions, propRadius: q.propRadius, height: length, center: robot.collisionOrigin)
    }

    /// Number of vehicles.
    @inlinable public var count: Int { swarm.count }

    /// The robot's collision cylinder radius and length, m (a box counts as its bounding
    /// cylinder, as `QuadrotorSwarm` treats it).
    static func cylinder(_ robot: RobotDescription) -> (radius: Double, length: Double) {
        switch robot.collision {
        case .cylinder(let r, let l): return (r, l)
        case .box(let s): return (0.5 * max(s.x, s.y), s.z)
        }
    }
}
