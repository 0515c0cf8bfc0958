import Foundation
import Diagnostics
import Geometry
import Physics
@testable import Recording
import Runtime
import Testing
import TestSupport
import Viewer
import World
@testable import App

/// `fly --swarm N --record`: the swarm log, its replay frames and `replay --verify` of a swarm.
@Suite struct SwarmRecordTests {
    /// Flies `ticks` ring ticks of `count` vehicles, recording to `path` when given.
    static func fly(_ path: String?, count: Int = 4, ticks: Int, pilot: PilotInput? = nil) throws -> SwarmFlySimulation {
        var config = SwarmFlyConfig()
        config.count = count
        config.record = path
        var sim = try SwarmFlySimulation(config: config, viewSize: nil)
        if pilot != nil { sim.handle(keys: [.v]) }
        for _ in 0..<ticks where !sim.isDone { sim.tick(pilot) }
        try sim.finish()
        return sim
    }

    /// A recorded ring flight in a new scratch folder (remove it after): the log path and the log
    /// read back.
    static func recorded(_ name: String, count: Int = 4, ticks: Int) throws -> (dir: TempDir, path: String, log: SwarmLog) {
        let dir = TempDir(name)
        let path = dir.file("s.mcap")
        _ = try fly(path, count: count, ticks: ticks)
        return (dir, path, try SwarmLog.load(path: path))
    }

    @Test func recordingDoesNotChangeTheFlight() throws {
        let dir = TempDir("app-swarm-rec")
        defer { dir.remove() }
        let plain = try Self.fly(nil, ticks: 24)
        let recorded = try Self.fly(dir.file("s.mcap"), ticks: 24)
        #expect(recorded.env.state.vehicles.map(\.quadrotor) == plain.env.state.vehicles.map(\.quadrotor))
        #expect(recorded.env.state.vehicles.map(\.observation.robot) == plain.env.state.vehicles.map(\.observation.robot))
        #expect(recorded.minimumSeparation == plain.minimumSeparation && recorded.peakDownwash == plain.peakDownwash)
        #expect(recorded.logPaths == [dir.file("s.mcap")] && plain.logPaths.isEmpty)
    }

    @Test func aWriteErrorNamesTheFileAndTheFlightGoesOnUnchanged() throws {
        var config = SwarmFlyConfig()
        config.count = 3
        var plain = try SwarmFlySimulation(config: config, viewSize: nil)
        let dir = TempDir("app-swarm-full")
        defer { dir.remove() }
        config.record = dir.file("s.mcap")
        var full = try SwarmFlySimulation(config: config, viewSize: nil)
        // the disk fills up after the header: later chunk writes fail
        let device = open("/dev/full", O_WRONLY)
        try #require(device >= 0)
        #expect(dup2(device, try #require(full.logger).recorder.writer.fileDescriptor) >= 0)
        close(device)
        var failure: (any Error)? = nil
        for _ in 0..<40 {
            try plain.advance(by: 0.25, pilot: nil)
            do { try full.advance(by: 0.25, pilot: nil) } catch { failure = failure ?? error }
        }
        do { try full.finish() } catch { failure = failure ?? error }
        #expect("\(try #require(failure))".contains("s.mcap: cannot write log: No space left on device"), "\(String(describing: failure))")
        #expect(full.totalTicks == plain.totalTicks && full.totalTicks > 30)
        #expect(full.env.state.vehicles.map(\.quadrotor) == plain.env.state.vehicles.map(\.quadrotor))
    }

    @Test func theLogHoldsEveryVehicleAndReSimulatesBitForBit() throws {
        let dir = TempDir("app-swarm-log")
        defer { dir.remove() }
        let path = dir.file("s.mcap")
        let sim = try Self.fly(path, ticks: 12)
        let log = try SwarmLog.load(path: path)
        let meta = try #require(log.metadata)
        #expect(meta.world == SwarmFlyConfig.defaultWorld && meta.seed == sim.seed && meta.robot == "Robots/cf2x.urdf")
        #expect(meta.profile == "sim" && meta.dt == sim.model.env.controlPeriod)
        #expect(meta.commandNames == SwarmLoggedAction.names && meta.extra["vehicles"] == "4")
        // the swarm and env settings come back exactly (the ring spacing is an irrational number)
        let swarm = try JSONDecoder().decode(SwarmSettings.self, from: Data(try #require(meta.extra["swarm_settings"]).utf8))
        #expect(swarm == sim.model.swarm)
        let env = try JSONDecoder().decode(EnvSettings.self, from: Data(try #require(meta.extra["env_settings"]).utf8))
        #expect(env == sim.config.env)
        #expect(log.truncation == nil && log.vehicles.count == 4 && log.steps == 12)
        for (i, v) in log.vehicles.enumerated() {
            #expect(v.poses.count == 13 && v.commands.map(\.step) == Array(0..<12))
            #expect(v.poses.last?.pose == sim.env.state.vehicles[i].observation.robot.pose)
            #expect(v.poses.allSatisfy { $0.frameID == "world" } && v.events.isEmpty)
            // the ring autopilot's position setpoints, decoded to the very action flown
            let t = v.commands[5].time
            #expect(SwarmLoggedAction.decode(v.commands[5].values) == sim.route.action(i, at: t, period: sim.model.env.controlPeriod))
        }
        #expect(log.messageCounts["/tf"] == 4 * 13 && log.messageCounts["/scene"] == 1)
        let ok = try SwarmReplay.verify(log, source: path)
        #expect(ok == SwarmReplay.Result(vehicles: 4, steps: 12, poses: 52, cut: false))
        // the summary's separation is the flight's, computed from the logged poses
        #expect(SwarmReplay.minimumSeparation(log) == sim.minimumSeparation)
        let summary = SwarmReplay.summary(log, path: path)
        #expect(summary.contains(String(format: "4 vehicles, 12 control steps, duration 3.00 s, 0 collision(s), 0 vehicle contact(s), min separation %.2f m", sim.minimumSeparation)), "\(summary)")
        #expect(summary.contains("/swarm/*/pose") && summary.contains("52 (4 vehicles)"))
        // the ordinary episode reader sees a swarm log as one
        #expect(SwarmLog.isSwarm(try EpisodeLog.load(path: path)))
    }

    @Test func handFlownVelocityCommandsReplayExactly() throws {
        let dir = TempDir("app-swarm-manual")
        defer { dir.remove() }
        let path = dir.file("m.mcap")
        _ = try Self.fly(path, count: 3, ticks: 6, pilot: PilotInput(forward: -1, yawRate: 0.3))
        let log = try SwarmLog.load(path: path)
        #expect(log.vehicles[1].commands.allSatisfy { $0.values[0] == 1 })
        #expect(log.vehicles[0].commands.allSatisfy { $0.values[0] == 2 })
        #expect(try SwarmReplay.verify(log, source: path).poses == 3 * 7)
    }

    @Test func verifyNamesTheVehicleAndStepOfATamperedPoseOrCommand() throws {
        let (dir, path, log) = try Self.recorded("app-swarm-verify", ticks: 10)
        defer { dir.remove() }

        // one pose moved by one ulp
        var moved = log
        moved.vehicles[2].poses[5].pose.position.x = moved.vehicles[2].poses[5].pose.position.x.nextUp
        let e1 = #expect(throws: InputError.self) { try SwarmReplay.verify(moved, source: path) }
        #expect("\(e1!)".contains("vehicle 2, step 5") && "\(e1!)".contains("MISMATCH: logged pose x"), "\(e1!)")

        // a changed setpoint: that vehicle's next pose differs (the others' do not, first)
        var steered = log
        steered.vehicles[1].commands[3].values[5] += 0.05
        let e2 = #expect(throws: InputError.self) { try SwarmReplay.verify(steered, source: path) }
        #expect("\(e2!)".contains("vehicle 1, step 4"), "\(e2!)")

        // a different seed fails at the reset poses
        var reseeded = log
        reseeded.metadata!.seed += 1
        let e3 = #expect(throws: InputError.self) { try SwarmReplay.verify(reseeded, source: path) }
        #expect("\(e3!)".contains("vehicle 0, step 0"), "\(e3!)")

        // a file rewritten with vehicle 3's pose 6 nudged by 1 mm; the untouched rewrite verifies
        for nudge in [0.0, 0.001] {
            let copy = dir.file("copy-\(nudge).mcap")
            let rec = try SwarmRecorder(path: copy, metadata: try #require(log.metadata), vehicles: 4)
            for (i, v) in log.vehicles.enumerated() {
                for (k, p) in v.poses.enumerated() {
                    var pose = p.pose
                    if i == 3 && k == 6 { pose.position.y += nudge }
                    try rec.pose(vehicle: i, time: p.time, pose)
                }
                for c in v.commands { try rec.command(vehicle: i, time: c.time, step: c.step, values: c.values) }
            }
            try rec.close()
            let read = try SwarmLog.load(path: copy)
            if nudge == 0 {
                #expect(try SwarmReplay.verify(read, source: copy).poses == 44)
            } else {
                let e = #expect(throws: InputError.self) { try SwarmReplay.verify(read, source: copy) }
                #expect("\(e!)".contains("vehicle 3, step 6") && "\(e!)".contains("pose y"), "\(e!)")
            }
        }

        // a vehicle whose commands stop while the others go on
        var dropped = log
        dropped.vehicles[0].commands.removeLast(3)
        dropped.vehicles[0].poses.removeLast(3)
        let e4 = #expect(throws: InputError.self) { try SwarmReplay.verify(dropped, source: path) }
        #expect("\(e4!)".contains("vehicle 0, step 7") && "\(e4!)".contains("still flies"), "\(e4!)")
    }

    @Test func aContactIsLoggedNamingTheOtherVehicleAndVerifies() throws {
        let dir = TempDir("app-swarm-contact")
        defer { dir.remove() }
        let path = dir.file("c.mcap")
        // two vehicles side by side 0.3 m apart, flown towards each other
        var settings = EnvSettings()
        settings.altitude = 1
        let world = "field:4:objects=0"
        let model = try SwarmModel(scene: try SceneLoader.resolve(world), robot: try URDFLoader.load(path: "Robots/cf2x.urdf"),
                                   settings: settings, swarm: SwarmSettings(count: 2, layout: .lineAbreast, spacing: 0.3))
        var env = SwarmEnv(model: model, workers: 1)
        try env.reset(seed: 5)
        let logger = try SwarmLogger(path: path, model: model, state: env.state,
                                     source: EpisodeSource(world: world, robot: "Robots/cf2x.urdf", command: "test", policy: "towards"))
        var k = 0
        while !env.state.done && k < 8 {
            let p = env.state.vehicles.map(\.quadrotor.position)
            let actions = [p[1] - p[0], p[0] - p[1]].map { d in
                EnvAction.vehicle(.flight(.velocity(d * (1 / d.length), yawRate: 0)))
            }
            let before = env.state.vehicles.map(\.observation.robot)
            let r = env.step(actions)
            try logger.tick(actions: actions, before: before, result: r, state: env.state)
            k += 1
        }
        try logger.close()
        #expect(env.state.contactCount == 2)
        let log = try SwarmLog.load(path: path)
        for (i, v) in log.vehicles.enumerated() {
            let contact = try #require(v.events.first { $0.other != nil }, "vehicle \(i) logged no contact")
            #expect(contact.other == 1 - i && contact.detail == "vehicle \(1 - i)" && contact.kind == .collision)
            #expect(contact.step == v.commands.count && contact.position != nil)
        }
        #expect(try SwarmReplay.verify(log, source: path).steps == log.steps)
        let summary = SwarmReplay.summary(log, path: path)
        #expect(summary.contains("2 collision(s), 2 vehicle contact(s)") && summary.contains("vehicle 0 collision vehicle 1"), "\(summary)")
        // the replay frame shows the other vehicle crashed once it touched
        let player = try SwarmReplayPlayer(log: log, path: path)
        let end = player.frame(at: log.steps)
        #expect(end.vehicles.count == 1 && end.vehicles[0].crashed && end.collisions == 2)
        #expect(!player.frame(at: 0).vehicles[0].crashed)
    }

    @Test func aCutLogLoadsSaysSoAndVerifiesWhatItHolds() throws {
        let dir = TempDir("app-swarm-cut")
        defer { dir.remove() }
        let path = dir.file("s.mcap")
        _ = try Self.fly(path, count: 3, ticks: 40)   // 10 s: ten 1 s chunks
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for fraction in [0.25, 0.4, 0.55] {
            let cut = dir.file("cut-\(fraction).mcap")
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: cut))
            let log = try SwarmLog.load(path: cut)
            #expect(log.truncation != nil && log.steps > 0 && log.steps < 40, "\(fraction): \(log.steps) steps")
            #expect(SwarmReplay.summary(log, path: cut).contains("truncated: "))
            let r = try SwarmReplay.verify(log, source: cut)
            #expect(r.cut && r.steps == log.steps && r.poses >= 3 * log.steps, "\(r)")
            // the recovered file holds the same messages and verifies too
            let fixed = dir.file("fixed-\(fraction).mcap")
            _ = try MCAPRecovery.recover(input: cut, output: fixed)
            let recovered = try SwarmLog.load(path: fixed)
            #expect(recovered.truncation == nil && recovered.vehicles == log.vehicles)
        }
    }

    @Test func thePlayerFollowsTheSelectedVehicleAndDrawsTheOthers() throws {
        let (dir, path, log) = try Self.recorded("app-swarm-player", ticks: 8)
        defer { dir.remove() }
        var player = try SwarmReplayPlayer(log: log, path: path)
        #expect(player.times == log.vehicles[0].poses.map(\.time))
        player.handle(keys: [.v, .period])
        #expect(player.selected == 2)
        player.handle(keys: [.comma, .comma, .comma])
        #expect(player.selected == 3)
        let f = player.frame(at: 5)
        #expect(f.robotPose == log.vehicles[3].poses[5].pose)
        #expect(f.trail == log.vehicles[3].poses[0...5].map(\.pose.position))
        #expect(f.vehicles.map(\.pose) == [0, 1, 2].map { log.vehicles[$0].poses[5].pose })
        #expect(f.vehicles.allSatisfy { $0.trail.count == 6 && !$0.crashed })
        #expect(f.hudExtra.map(\.text).contains("VEHICLE 4/4") && f.status.contains("step 5/8"))
    }

    @MainActor @Test func theDummyWindowReplaysASwarmLog() throws {
        let dir = TempDir("app-swarm-window")
        defer { dir.remove() }
        let path = dir.file("s.mcap")
        _ = try Self.fly(path, ticks: 6)
        let options = ViewerOptions.dummyWindow(width: 640, height: 360, frames: 5)
        let report = try SwarmReplayPlayer.window(try SwarmLog.load(path: path), path: path, options: options)
        #expect(report.frames == 5 && report.lastFrame != nil)
    }

    @Test func exportPosesWritesOneRowPerVehiclePerStep() throws {
        let (dir, _, log) = try Self.recorded("app-swarm-csv", count: 2, ticks: 3)
        defer { dir.remove() }
        let csv = dir.file("p.csv")
        #expect(try SwarmReplay.exportPoses(log, to: csv) == 2 * 4)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "vehicle,step,time_s,x,y,z,qx,qy,qz,qw" && lines.count == 9)
        let row = lines[6].split(separator: ",")
        let p = log.vehicles[1].poses[1].pose
        #expect(row[0] == "1" && row[1] == "1" && Double(String(row[3])) == p.position.x && Double(String(row[9])) == p.orientation.w)
    }

    /// The summary's minimum separation measures only pairs with a vehicle that moved, yet equals
    /// every pair at every step (the definition) on logs whose vehicles stop at different steps,
    /// including vehicles with only their reset pose and with none.
    @Test func minimumSeparationEqualsEveryPairAtEveryStep() {
        func naive(_ log: SwarmLog) -> Double {
            var best = Double.infinity
            guard log.steps > 0 else { return best }
            for k in 1...log.steps {
                let p = log.vehicles.indices.compactMap { log.pose($0, atStep: k)?.position }
                for a in p.indices { for b in (a + 1)..<p.count { best = min(best, (p[a] - p[b]).length) } }
            }
            return best
        }
        var rng = RNG(seed: 77)
        for trial in 0..<40 {
            var log = SwarmLog()
            let n = 2 + rng.int(below: 7)
            log.vehicles = (0..<n).map { _ in
                var v = SwarmLog.Vehicle()
                let poses = rng.int(below: 4) == 0 ? rng.int(below: 2) : 1 + rng.int(below: 30)
                for k in 0..<poses {
                    let p = Vec3(rng.uniform() * 6, rng.uniform() * 6, 1 + rng.uniform())
                    v.poses.append(EpisodeLog.PoseSample(logTime: UInt64(k), frameID: "world", pose: Pose(position: p, orientation: .identity)))
                }
                for k in 0..<max(0, poses - 1) { v.commands.append(EpisodeLog.CommandSample(logTime: UInt64(k), step: k, values: [])) }
                return v
            }
            // a vehicle may also have logged commands past its last pose (a cut file)
            if trial % 5 == 0 { log.vehicles[0].commands += (0..<35).map { EpisodeLog.CommandSample(logTime: 0, step: $0, values: []) } }
            #expect(SwarmReplay.minimumSeparation(log) == naive(log), "trial \(trial)")
        }
    }
}
