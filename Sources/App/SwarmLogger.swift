import Foundation
import Geometry
import Recording
import Runtime

/// Records one swarm episode into an MCAP log (`SwarmRecorder`, topics in docs/recording.md):
/// metadata enough to rebuild the `SwarmModel` (world, robot, profile, seed, env and swarm
/// settings, vehicle count), the obstacles, every vehicle's reset pose, then per control step
/// each flying vehicle's command, pose and events. No camera images (the vehicles' poses do not
/// depend on them).
///
/// Vehicle i's pose k is its state after k commands (pose 0 is the reset state), so a vehicle
/// has one pose more than commands, as in an episode log; a vehicle that finished gets nothing
/// more. `SwarmReplay.verify` re-simulates from exactly this.
public final class SwarmLogger {
    public let path: String
    let recorder: SwarmRecorder
    public private(set) var steps = 0
    public private(set) var closed = false

    /// Opens `path` for an episode of `model` just reset (`state` is the reset state); `source`
    /// says the world spec, robot file, command and policy.
    public init(path: String, model: SwarmModel, state: SwarmState, source: EpisodeSource) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let sorted = JSONEncoder()
        sorted.outputFormatting = [.sortedKeys]   // the same log bytes for the same episode
        let env = model.env
        let extra: [String: String] = [
            "env_settings": String(decoding: try sorted.encode(env.settings), as: UTF8.self),
            "swarm_settings": String(decoding: try sorted.encode(model.swarm), as: UTF8.self),
            "vehicles": "\(model.count)", "command": source.command, "policy": source.policy,
            "physics_rate_hz": "\(env.settings.physicsRate)", "control_rate_hz": "\(env.settings.controlRate)",
            "scene_name": env.scene.name,
        ]
        let meta = EpisodeMetadata(world: source.world, seed: state.seed, robot: source.robot, profile: env.domain.name,
                                   dt: env.controlPeriod, commandNames: SwarmLoggedAction.names, extra: extra)
        recorder = try SwarmRecorder(path: path, metadata: meta, vehicles: model.count,
                                     options: MCAPWriter.Options(deferFinalSync: true))
        try recorder.obstacles(time: 0, EpisodeLogger.sceneObstacles(env.scene))
        for (i, v) in state.vehicles.enumerated() {
            try recorder.pose(vehicle: i, time: v.observation.robot.time, v.observation.robot.pose)
        }
    }

    /// One swarm step: vehicle i flew `actions[i]` from `before[i]` when `result.vehicles[i]` is
    /// set, and `state` is the swarm after the step.
    public func tick(actions: [EnvAction], before: [RobotObservation], result: SwarmStepResult, state: SwarmState) throws {
        for (i, r) in result.vehicles.enumerated() {
            guard let r else { continue }
            let vehicle = state.vehicles[i]
            let step = vehicle.controlSteps - 1
            let robot = vehicle.observation.robot
            guard let values = SwarmLoggedAction.encode(actions[i]) else {
                preconditionFailure("swarm vehicle \(i) flew a command with no log encoding: \(actions[i])")
            }
            try recorder.command(vehicle: i, time: before[i].time, step: step, values: values)
            try recorder.pose(vehicle: i, time: robot.time, robot.pose)
            for e in r.events {
                switch e {
                case let .vehicleContact(other, position):
                    try recorder.event(vehicle: i, time: robot.time, step: step + 1, kind: .collision, detail: "vehicle \(other)",
                                       position: position, other: other)
                case let .env(e):
                    let d = EpisodeLogger.describe(e)
                    try recorder.event(vehicle: i, time: robot.time, step: step + 1, kind: d.kind, detail: d.detail, position: d.position)
                }
            }
        }
        steps += 1
    }

    /// A free-form event of every vehicle still flying (an episode cut by the user).
    public func note(_ kind: EpisodeEventKind, state: SwarmState, detail: String) throws {
        for (i, v) in state.vehicles.enumerated() where !v.done {
            try recorder.event(vehicle: i, time: v.observation.robot.time, step: v.controlSteps, kind: kind, detail: detail)
        }
    }

    /// Writes the summary and footer.
    public func close() throws {
        guard !closed else { return }
        closed = true
        try recorder.close()
    }
}
