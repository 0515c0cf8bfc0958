import Diagnostics
import Foundation
import Geometry
import Physics
import Recording
import Runtime
import World

/// `swiftlet replay` of a swarm log (`fly --swarm N --record`): headless summary, CSV pose
/// export and `--verify`; the window is `SwarmReplayPlayer`.
public enum SwarmReplay {
    /// The swarm a log was recorded in: the env as `ReplayVerifier` rebuilds it, and the
    /// swarm settings of `extra["swarm_settings"]`.
    public static func model(for meta: EpisodeMetadata, source: String) throws -> SwarmModel {
        guard let json = meta.extra["swarm_settings"] else {
            throw InputError(source, at: "/swiftlet/metadata", "no swarm_settings in the metadata: not a swarm log")
        }
        let swarm: SwarmSettings
        do {
            swarm = try JSONDecoder().decode(SwarmSettings.self, from: Data(json.utf8))
        } catch {
            throw InputError(source, at: "/swiftlet/metadata extra.swarm_settings", "cannot decode the swarm settings: \(error)")
        }
        let e = try ReplayVerifier.environment(for: meta, source: source)
        return try SwarmModel(scene: e.scene, robot: e.robot, settings: e.settings, domain: e.profile, swarm: swarm)
    }

    /// What `verify` checked: vehicles, swarm steps, poses compared, and whether the file was cut.
    public struct Result: Sendable, Equatable {
        public var vehicles: Int
        public var steps: Int
        public var poses: Int
        public var cut: Bool
    }

    /// Re-simulates `log` from its metadata and logged commands and compares every logged pose
    /// of every vehicle by bit pattern; throws an `InputError` naming the first mismatching
    /// vehicle and step. A vehicle's commands must be consecutive, present exactly while the
    /// re-simulated vehicle flies (the log's last step may miss vehicles still flying: a log may
    /// end mid-episode), and each followed by its pose (except at the end of a cut file,
    /// `log.truncation`).
    public static func verify(_ log: SwarmLog, source: String) throws -> Result {
        let meta = try ReplayVerifier.metadata(log.metadata, commandNames: SwarmLoggedAction.names, source: source)
        let model = try model(for: meta, source: source)
        let n = model.count
        guard log.vehicles.count == n else {
            throw InputError(source, "the log holds \(log.vehicles.count) vehicles, its swarm settings \(n)")
        }
        var env = SwarmEnv(model: model)
        try env.reset(seed: meta.seed)
        let cut = log.truncation != nil
        var compared = 0
        // reset poses, then each vehicle's commands in step order
        var commands: [[EpisodeLog.CommandSample]] = []
        for (i, v) in log.vehicles.enumerated() {
            guard let first = v.poses.first else {
                if cut { return Result(vehicles: n, steps: 0, poses: compared, cut: true) }
                throw InputError(source, at: "vehicle \(i)", "no poses in the log")
            }
            try ReplayVerifier.compare(first.pose, env.state.vehicles[i].observation.robot.pose, step: 0, time: first.time,
                                       source: source, vehicle: i)
            compared += 1
            let c = v.commands.sorted { $0.step < $1.step }
            for (k, s) in c.enumerated() where s.step != k {
                throw InputError(source, at: "\(SwarmTopics.command(i)) step \(s.step)", "commands are not consecutive (expected step \(k))")
            }
            commands.append(c)
        }
        let steps = commands.map(\.count).max() ?? 0
        // a finished vehicle's action is never read: any placeholder
        let idle = EnvAction.vehicle(.flight(.velocity(.zero, yawRate: 0)))
        for k in 0..<steps {
            let last = k == steps - 1
            var actions = [EnvAction](repeating: idle, count: n)
            for i in 0..<n {
                let flying = !env.state.vehicles[i].done
                guard k < commands[i].count else {
                    // the log's last step may miss vehicles that flew on (a log ends mid-episode)
                    if !flying || last { continue }
                    throw InputError(source, at: "vehicle \(i), step \(k)",
                                     "MISMATCH: the re-simulated vehicle still flies, the log has no command for it")
                }
                guard flying else {
                    throw InputError(source, at: "vehicle \(i), step \(k)",
                                     "MISMATCH: the re-simulated vehicle ended before step \(k), the log continues")
                }
                guard let a = SwarmLoggedAction.decode(commands[i][k].values) else {
                    throw InputError(source, at: "\(SwarmTopics.command(i)) step \(k)", "cannot decode command values \(commands[i][k].values)")
                }
                actions[i] = a
            }
            env.step(actions)
            for i in 0..<n where k < commands[i].count {
                guard k + 1 < log.vehicles[i].poses.count else {
                    // a cut file may end between a command and its pose
                    if cut && last { continue }
                    throw InputError(source, at: "vehicle \(i), step \(k + 1)", "the log has no pose after command \(k)")
                }
                let p = log.vehicles[i].poses[k + 1]
                try ReplayVerifier.compare(p.pose, env.state.vehicles[i].observation.robot.pose, step: k + 1, time: p.time,
                                           source: source, vehicle: i)
                compared += 1
            }
        }
        for (i, v) in log.vehicles.enumerated() where !cut && v.poses.count != commands[i].count + 1 {
            throw InputError(source, at: "vehicle \(i)", "\(v.poses.count) poses for \(commands[i].count) commands (expected one more pose than commands)")
        }
        return Result(vehicles: n, steps: steps, poses: compared, cut: cut)
    }

    /// Smallest distance between two vehicles over the logged steps after the reset (finished
    /// vehicles where they stopped), as `fly --swarm` reports it; infinity for one vehicle.
    ///
    /// Every pair at step 1, then at each later step only the pairs with a vehicle that has a new
    /// pose there (two vehicles that both stood still keep the distance already counted): work
    /// proportional to the poses in the file times the vehicles, not to the steps times the
    /// vehicles squared, which a file claiming 1,024 vehicles and one long-lived vehicle would
    /// make hours (`replay --headless` must not hang on a bad file).
    public static func minimumSeparation(_ log: SwarmLog) -> Double {
        let steps = log.steps, n = log.vehicles.count
        guard steps > 0 else { return .infinity }
        var at = (0..<n).map { log.pose($0, atStep: 1)?.position }
        var best = at.compactMap { $0 }.minimumPairDistance
        guard steps > 1 else { return best }
        // the vehicles with a pose of their own at step k (the rest stand where they were)
        var movers: [Int] = []
        for k in 2...steps {
            movers.removeAll(keepingCapacity: true)
            for i in 0..<n where log.vehicles[i].poses.count > k {
                movers.append(i)
                at[i] = log.vehicles[i].poses[k].pose.position
            }
            // (a pair of two movers is measured from both sides: the minimum does not mind)
            for a in movers {
                let pa = at[a]!
                for b in 0..<n where b != a {
                    if let pb = at[b] { best = min(best, (pa - pb).length) }
                }
            }
        }
        return best
    }

    /// The headless summary: metadata, vehicles, steps, collisions, contacts, minimum
    /// separation, events, and message counts per topic (the vehicles' topics summed by kind).
    public static func summary(_ log: SwarmLog, path: String) -> String {
        var lines = ReplayTool.header(log.metadata, path: path)
        let duration = ReplayTool.seconds(log.timeRange)
        let events = log.vehicles.enumerated().flatMap { i, v in v.events.map { (i, $0) } }.sorted { ($0.1.logTime, $0.0) < ($1.1.logTime, $1.0) }
        let collisions = events.filter { $0.1.kind == .collision }.count
        let contacts = events.filter { $0.1.other != nil }.count
        let sep = minimumSeparation(log)
        lines.append(String(format: "%d vehicles, %d control steps, duration %.2f s, %d collision(s), %d vehicle contact(s), min separation %.2f m",
                            log.vehicles.count, log.steps, duration, collisions, contacts, sep.isFinite ? sep : 0))
        if let t = log.truncation { lines.append("truncated: " + t.summary) }
        for (i, e) in events {
            lines.append(String(format: "  event t=%.2f s step %d: vehicle %d %@ %@", e.time, e.step, i, e.kind.rawValue, e.detail))
        }
        lines.append("topics:")
        var grouped: [String: (messages: Int, topics: Int)] = [:]
        for (topic, n) in log.messageCounts {
            let key = SwarmTopics.parse(topic).map { "/swarm/*/\($0.kind)" } ?? topic
            grouped[key, default: (0, 0)].messages += n
            grouped[key, default: (0, 0)].topics += 1
        }
        for (topic, g) in grouped.sorted(by: { $0.key < $1.key }) {
            let each = topic.hasPrefix("/swarm/*/") ? " (\(g.topics) vehicles)" : ""
            lines.append("  \(topic.padding(toLength: 24, withPad: " ", startingAt: 0)) \(g.messages)\(each)")
        }
        return lines.joined(separator: "\n")
    }

    /// Writes `vehicle,step,time_s,x,y,z,qx,qy,qz,qw`, one row per logged pose of each vehicle
    /// (vehicle by vehicle, step 0 the reset; shortest round-trip numbers). Returns the rows.
    public static func exportPoses(_ log: SwarmLog, to path: String) throws -> Int {
        var text = "vehicle,step,time_s,x,y,z,qx,qy,qz,qw\n"
        var rows = 0
        for (i, v) in log.vehicles.enumerated() {
            for (k, p) in v.poses.enumerated() {
                let q = p.pose.orientation, x = p.pose.position
                text += "\(i),\(k),\(p.time),\(x.x),\(x.y),\(x.z),\(q.x),\(q.y),\(q.z),\(q.w)\n"
                rows += 1
            }
        }
        try AtomicFile.write(text, to: path)
        return rows
    }
}
