import Foundation
import Geometry
import Runtime
import World

/// How differently the same yaw-rate commands move the robot in the real profile than in the
/// sim profile: the action-dynamics part of the sim-to-real gap, the part GtS's real phase is
/// meant to learn (docs/gts.md, "Transfer diagnostic").
///
/// Each sample flies one uniform random sequence of `horizon` yaw-rate commands (the collection's
/// exploration) from the same spawn and seed in both profiles, in an obstacle-free copy of a
/// scene (same spawns, bounds widened so nothing ends the flight early), and compares where the
/// robot ends up relative to its start pose (start frame: x along the initial heading).
public enum GtSDynamicsGap {
    public struct Summary: Sendable, Equatable {
        public var samples: Int
        public var horizonSteps: Int
        /// Path length flown over the horizon in the sim profile (mean), m.
        public var simPathLength: Double
        /// Mean |heading change| over the horizon in the sim profile, rad (how much the commands turn).
        public var simTurn: Double
        /// Mean |heading(real) - heading(sim)| at the end of the horizon, rad.
        public var headingGap: Double
        /// Mean distance between the end positions (in the start frame), m.
        public var positionGap: Double
        /// Mean lateral offset of the end position from the start line in the sim profile, m
        /// (the scale of what the commands change).
        public var simLateral: Double
    }

    /// An obstacle-free copy of `scene` with bounds widened by `margin` metres in x and y.
    public static func openCopy(_ scene: Scene, margin: Double = 1000) -> Scene {
        Scene(name: scene.name + "-open", origin: scene.origin, groundHeight: scene.groundHeight, groundMaterial: scene.groundMaterial,
              materials: scene.materials, obstacles: [], spawns: scene.spawns, goals: [],
              boundsMin: scene.boundsMin - Vec3(margin, margin, 0), boundsMax: scene.boundsMax + Vec3(margin, margin, 0))
    }

    /// Flies `samples` sequences over `sim`/`real` model pairs (same scene and settings, the sim
    /// and the real profile), cycling through the pairs.
    public static func measure(pairs: [(sim: EnvModel, real: EnvModel)], samples: Int, horizon: Int, seed: UInt64) -> Summary {
        precondition(!pairs.isEmpty && samples > 0 && horizon > 0)
        var path = 0.0, turn = 0.0, dHeading = 0.0, dPosition = 0.0, lateral = 0.0
        for i in 0..<samples {
            let (simModel, realModel) = pairs[i % pairs.count]
            let s = RNG.mix(seed, UInt64(i))
            var rng = RNG(seed: s, stream: 0x4741_5053)
            let limit = simModel.settings.maxYawRate
            let actions = (0..<horizon).map { _ in rng.uniform(-limit, limit) }
            let a = fly(simModel, actions, seed: s), b = fly(realModel, actions, seed: s)
            path += a.path
            turn += abs(a.heading)
            dHeading += abs(wrapAngle(b.heading - a.heading))
            dPosition += (b.offset - a.offset).length
            lateral += abs(a.offset.y)
        }
        let n = Double(samples)
        return Summary(samples: samples, horizonSteps: horizon, simPathLength: path / n, simTurn: turn / n,
                       headingGap: dHeading / n, positionGap: dPosition / n, simLateral: lateral / n)
    }

    /// End pose of one flight relative to its start: offset in the start frame (z dropped),
    /// heading change, path length.
    static func fly(_ model: EnvModel, _ actions: [Double], seed: UInt64) -> (offset: Vec3, heading: Double, path: Double) {
        var env = Env(model: model)
        env.reset(seed: seed)
        let start = env.state.observation.robot
        var heading = 0.0, previous = start.yaw
        for a in actions {
            let r = env.step(.yawRate(a))
            let yaw = env.state.observation.robot.yaw
            heading += wrapAngle(yaw - previous)
            previous = yaw
            if r.done { break }
        }
        let d = env.state.observation.robot.position - start.position
        let c = cos(start.yaw), sn = sin(start.yaw)
        return (Vec3(c * d.x + sn * d.y, -sn * d.x + c * d.y, 0), heading, env.state.distance)
    }
}
