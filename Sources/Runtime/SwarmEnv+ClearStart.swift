import Diagnostics
import Foundation
import Geometry
import Physics

/// Finding a clear start for a swarm: the spawns of a layout can land in an obstacle, or a
/// vehicle can start nose to a tree. `fly --swarm`, `eval --swarm` and swarm collection
/// (`Collector`) all start from the first clear seed at or after the one asked for.
extension SwarmEnv {
    /// Resets from the first of `tries` seeds `first, first + 1, ...` whose start is clear: the
    /// reset succeeds (every spawn free and inside the world) and `obstruction(state)` is nil.
    /// Returns that seed, or nil when every seed was refused, with the last refusal's reason in
    /// `why` (the state then holds the last seed that reset, if any).
    ///
    /// ```swift
    /// var why = ""
    /// guard let seed = env.resetToClearStart(from: 7, why: &why, obstruction: { state in
    ///     SwarmEnv.obstructionAhead(model.env, starts: state.vehicles.map(\.observation.robot), distance: 1)
    /// }) else { throw InputError("--world", "no clear start: \(why)") }
    /// ```
    public mutating func resetToClearStart(from first: UInt64, tries: Int = 16, why: inout String,
                                           obstruction: (SwarmState) -> String?) -> UInt64? {
        for k in 0..<UInt64(max(0, tries)) {
            let s = first &+ k
            do {
                try reset(seed: s)
            } catch let e as InputError {
                why = e.description
                continue
            } catch {
                why = "\(error)"
                continue
            }
            if let blocked = obstruction(state) {
                why = blocked
                continue
            }
            return s
        }
        return nil
    }

    /// Checks the first `distance` m ahead of every vehicle's start (every 10 cm along its
    /// heading, at its height, with the robot's collision shape) against the scene: nil when
    /// clear, else which vehicle runs into what. A policy needs room to see and turn before its
    /// first obstacle; the reset already checked the spawns themselves.
    public static func obstructionAhead(_ model: EnvModel, starts: [RobotObservation], distance: Double) -> String? {
        let steps = max(1, Int((distance / 0.1).rounded(.up)))
        for (i, s) in starts.enumerated() {
            let level = Quaternion(roll: 0, pitch: 0, yaw: s.yaw)
            for k in 1...steps {
                let d = distance * Double(k) / Double(steps)
                let p = Vec3(s.position.x + d * cos(s.yaw), s.position.y + d * sin(s.yaw), s.position.z)
                if !model.scene.inBounds(p) {
                    return String(format: "vehicle %d leaves the world %.1f m ahead of its start, at (%.1f, %.1f, %.1f)", i, d, p.x, p.y, p.z)
                }
                if let hit = EnvDynamics.contact(model, Pose(position: p, orientation: level)) {
                    return String(format: "vehicle %d runs into %@ %.1f m ahead of its start, at (%.1f, %.1f, %.1f)", i,
                                  hit < 0 ? "the ground" : "obstacle \(hit)", d, p.x, p.y, p.z)
                }
            }
        }
        return nil
    }
}
