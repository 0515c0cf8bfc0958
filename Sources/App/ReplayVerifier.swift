import Diagnostics
import Foundation
import Geometry
import Physics
import Recording
import Runtime
import World

/// `swiftlet replay --verify`: re-simulates an episode log from its metadata (world, seed, robot,
/// domain profile, env settings) and logged commands, and checks that every logged pose equals
/// the simulated one bit for bit.
public enum ReplayVerifier {
    /// The environment a log was recorded in.
    public static func model(for meta: EpisodeMetadata, source: String) throws -> EnvModel {
        let e = try environment(for: meta, source: source)
        return try EnvModel(scene: e.scene, robot: e.robot, settings: e.settings, domain: e.profile)
    }

    /// What a log's metadata says the env was built from: the world (with the logged spawns),
    /// the robot, the env settings and the domain profile.
    static func environment(for meta: EpisodeMetadata, source: String) throws
        -> (scene: Scene, robot: RobotDescription, settings: EnvSettings, profile: DomainProfile) {
        guard let json = meta.extra["env_settings"] else {
            throw InputError(source, at: "/swiftlet/metadata", "no env_settings in the metadata: the log was not written by an env episode")
        }
        let settings: EnvSettings
        do {
            settings = try JSONDecoder().decode(EnvSettings.self, from: Data(json.utf8))
        } catch {
            throw InputError(source, at: "/swiftlet/metadata extra.env_settings", "cannot decode the env settings: \(error)")
        }
        guard let profile = DomainProfile.named(meta.profile) else {
            throw InputError(source, at: "/swiftlet/metadata profile", "unknown domain profile \"\(meta.profile)\"")
        }
        var scene = try SceneLoader.resolve(meta.world)
        if let text = meta.extra["spawns"] {
            guard let spawns = EpisodeSource.decodeSpawns(text), !spawns.isEmpty else {
                throw InputError(source, at: "/swiftlet/metadata extra.spawns", "expected rows [x, y, z, yaw], got \(text.prefix(60))")
            }
            scene = scene.replacingSpawns(spawns)
        }
        let robot = try URDFLoader.load(path: meta.robot)
        return (scene, robot, settings, profile)
    }

    /// A log's metadata, which must be there and name the commands' components `names`.
    static func metadata(_ meta: EpisodeMetadata?, commandNames names: [String], source: String) throws -> EpisodeMetadata {
        guard let meta else { throw InputError(source, "no /swiftlet/metadata message: cannot re-simulate") }
        guard meta.commandNames == names else {
            throw InputError(source, at: "/swiftlet/metadata command_names", "expected \(names), got \(meta.commandNames)")
        }
        return meta
    }

    /// Verification outcome: the number of steps checked.
    public struct Result: Sendable {
        public var steps: Int
        public var poses: Int
    }

    /// Re-simulates `log` and compares poses exactly; throws an `InputError` naming the first
    /// mismatching step.
    public static func verify(_ log: EpisodeLog, source: String) throws -> Result {
        let meta = try metadata(log.metadata, commandNames: LoggedAction.names, source: source)
        let model = try model(for: meta, source: source)
        var env = Env(model: model)
        env.reset(seed: meta.seed)
        let poses = log.poses.filter { $0.frameID == EpisodeTopics.worldFrame }
        guard let first = poses.first else { throw InputError(source, "no poses in the log") }
        try compare(first.pose, env.state.observation.robot.pose, step: 0, time: first.time, source: source)
        let commands = log.commands.sorted { $0.step < $1.step }
        for (k, c) in commands.enumerated() {
            guard c.step == k else {
                throw InputError(source, at: "/swiftlet/command step \(c.step)", "commands are not consecutive (expected step \(k))")
            }
            guard let action = LoggedAction.decode(c.values) else {
                throw InputError(source, at: "/swiftlet/command step \(k)", "cannot decode command values \(c.values)")
            }
            guard !env.state.done else {
                throw InputError(source, at: "step \(k)", "MISMATCH: the re-simulated episode ended before step \(k), the log continues")
            }
            env.step(action)
            guard k + 1 < poses.count else {
                throw InputError(source, at: "step \(k + 1)", "the log has no pose after command \(k)")
            }
            try compare(poses[k + 1].pose, env.state.observation.robot.pose, step: k + 1, time: poses[k + 1].time, source: source)
        }
        guard poses.count == commands.count + 1 else {
            throw InputError(source, "\(poses.count) poses for \(commands.count) commands (expected one more pose than commands)")
        }
        return Result(steps: commands.count, poses: poses.count)
    }

    /// Throws an `InputError` naming the step (and the vehicle, in a swarm) and the first
    /// component whose bits differ.
    static func compare(_ logged: Pose, _ sim: Pose, step: Int, time: Double, source: String, vehicle: Int? = nil) throws {
        let a = [logged.position.x, logged.position.y, logged.position.z,
                 logged.orientation.x, logged.orientation.y, logged.orientation.z, logged.orientation.w]
        let b = [sim.position.x, sim.position.y, sim.position.z,
                 sim.orientation.x, sim.orientation.y, sim.orientation.z, sim.orientation.w]
        let names = ["x", "y", "z", "qx", "qy", "qz", "qw"]
        for i in 0..<7 where a[i].bitPattern != b[i].bitPattern {
            throw InputError(source, at: (vehicle.map { "vehicle \($0), " } ?? "") + String(format: "step %d (t = %.3f s)", step, time),
                             "MISMATCH: logged pose \(names[i]) = \(a[i]), re-simulated \(b[i]) (difference \(a[i] - b[i])); the log does not replay")
        }
    }
}
