import Foundation
import Geometry
import Recording
import Runtime
import Testing
import TestSupport
import Viewer
@testable import App

/// Recording through the fly simulation and the collect/eval hook, and `replay --verify`.
@Suite struct RecordReplayTests {
    /// Records `ticks` autopilot ticks of `policy` in the shipped forest.
    static func record(_ path: String, policy: String = "straight", ticks: Int = 12, seed: UInt64 = 3) throws -> FlySimulation {
        var config = FlyConfig()
        config.worlds = ["Worlds/forest-7.json"]
        config.policy = policy
        config.seed = seed
        config.record = path
        var sim = try FlySimulation(config: config, viewSize: nil)
        for _ in 0..<ticks where !sim.isDone { try sim.tick(nil) }
        try sim.finish()
        return sim
    }

    @Test func logRoundTripsThroughEpisodeLog() throws {
        let dir = TempDir("app-rec")
        defer { dir.remove() }
        let path = dir.file("fly.mcap")
        let sim = try Self.record(path, policy: "privileged", ticks: 6)
        let log = try EpisodeLog.load(path: path)
        let meta = try #require(log.metadata)
        #expect(meta.world == "Worlds/forest-7.json")
        #expect(meta.seed == 3)
        #expect(meta.robot == "Robots/cf2x.urdf")
        #expect(meta.profile == "sim")
        #expect(meta.dt == 0.25)
        #expect(meta.commandNames == LoggedAction.names)
        #expect(meta.extra["policy"] == "privileged")
        let settings = try JSONDecoder().decode(EnvSettings.self, from: Data(try #require(meta.extra["env_settings"]).utf8))
        #expect(settings == sim.config.env)
        // written with sorted keys, so the same episode gives the same log bytes in every process
        let sorted = JSONEncoder()
        sorted.outputFormatting = [.sortedKeys]
        #expect(meta.extra["env_settings"] == String(decoding: try sorted.encode(settings), as: UTF8.self))
        // pose 0 is the reset state, then one per command
        #expect(log.commands.count == 6)
        #expect(log.poses.count == 7)
        #expect(log.poses.last?.pose == sim.env.state.observation.robot.pose)
        #expect(log.commands.map(\.step) == Array(0..<6))
        #expect(log.motorSpeeds.count == 6)
        #expect(log.transforms.count == 14)   // world->body and body->camera per pose
        #expect(Set(log.transforms.map(\.child)) == ["body", "camera"])
        let mono = log.images.filter { $0.encoding == .mono8 }
        let depth = log.images.filter { $0.encoding == .depth32F }
        #expect(mono.count == 7 && depth.count == 7)
        #expect(mono.last?.width == 96 && mono.last?.height == 72 && mono.last?.data.count == 96 * 72)
        // the last logged image is the env's newest frame
        let n = 96 * 72, frames = sim.env.state.observation.frames
        #expect(mono.last?.data == Array(frames[(frames.count - n)...]))
        #expect(log.messageCounts["/camera/calibration"] == 1)
        #expect(log.messageCounts["/scene"] == 1)
        #expect(log.messageCounts["/planner/paths"] == 6)
        #expect(log.planner.count == 6)
        let plans = try ReplayTool.plans(path: path)
        #expect(plans.count == 6 && !(plans.first?.paths.isEmpty ?? true))
        #expect(plans.allSatisfy { $0.paths.allSatisfy { (0...1).contains($0.collisionProbability) && $0.points.count == 11 } })
    }

    @Test func verifyPassesOnAFreshLogAndFailsOnDoctoredOnes() throws {
        let dir = TempDir("app-verify")
        defer { dir.remove() }
        let path = dir.file("ep.mcap")
        _ = try Self.record(path, policy: "random", ticks: 10)
        let log = try EpisodeLog.load(path: path, includeImages: false)
        let ok = try ReplayVerifier.verify(log, source: path)
        #expect(ok.steps == 10 && ok.poses == 11)

        // one pose moved by one ulp: the error names step 5
        var moved = log
        moved.poses[5].pose.position.x = moved.poses[5].pose.position.x.nextUp
        let e1 = #expect(throws: (any Error).self) { try ReplayVerifier.verify(moved, source: path) }
        #expect("\(e1!)".contains("step 5"))
        #expect("\(e1!)".contains("MISMATCH"))

        // a changed command: the poses after it no longer match, first at step 4
        var steered = log
        steered.commands[3].values[1] += 0.05
        let e2 = #expect(throws: (any Error).self) { try ReplayVerifier.verify(steered, source: path) }
        #expect("\(e2!)".contains("step 4"))

        // a different seed (spawn heading) fails at the reset pose
        var reseeded = log
        reseeded.metadata!.seed += 1
        let e3 = #expect(throws: (any Error).self) { try ReplayVerifier.verify(reseeded, source: path) }
        #expect("\(e3!)".contains("step 0"))
    }

    @Test func verifyFailsOnADoctoredFile() throws {
        let dir = TempDir("app-doctor")
        defer { dir.remove() }
        let path = dir.file("ep.mcap")
        _ = try Self.record(path, policy: "straight", ticks: 8)
        let log = try EpisodeLog.load(path: path, includeImages: false)
        // rewrite the log with pose 6 nudged by 1 mm, everything else as recorded
        let doctored = dir.file("doctored.mcap")
        let rec = try EpisodeRecorder(path: doctored, metadata: try #require(log.metadata))
        var k = 0
        for p in log.poses {
            var pose = p.pose
            if k == 6 { pose.position.y += 0.001 }
            try rec.pose(time: p.time, pose)
            k += 1
        }
        for c in log.commands { try rec.command(time: c.time, step: c.step, values: c.values) }
        try rec.close()
        let copy = try EpisodeLog.load(path: doctored)
        #expect(copy.commands == log.commands && copy.poses.count == log.poses.count)
        let e = #expect(throws: (any Error).self) { try ReplayVerifier.verify(copy, source: doctored) }
        #expect("\(e!)".contains("step 6") && "\(e!)".contains("pose y"))
        // the untouched rewrite verifies
        let clean = dir.file("clean.mcap")
        let rec2 = try EpisodeRecorder(path: clean, metadata: try #require(log.metadata))
        for p in log.poses { try rec2.pose(time: p.time, p.pose) }
        for c in log.commands { try rec2.command(time: c.time, step: c.step, values: c.values) }
        try rec2.close()
        #expect(try ReplayVerifier.verify(try EpisodeLog.load(path: clean), source: clean).steps == 8)
    }

    @Test func manualFlightLogsVelocityCommandsThatReplayExactly() throws {
        let dir = TempDir("app-manual")
        defer { dir.remove() }
        var config = FlyConfig()
        config.worlds = ["Worlds/forest-7.json"]
        config.record = dir.file("manual.mcap")
        var sim = try FlySimulation(config: config, viewSize: nil)
        try sim.advance(by: 1.0, pilot: PilotInput(forward: 0.5, left: 0.2, climbRate: 0.1, yawRate: 0.3), autopilot: false)
        try sim.advance(by: 0.6, pilot: nil, autopilot: true)
        try sim.finish()
        let log = try EpisodeLog.load(path: dir.file("manual.mcap"), includeImages: false)
        #expect(log.commands.contains { $0.values[0] == 1 })
        #expect(log.commands.contains { $0.values[0] == 0 })
        #expect(try ReplayVerifier.verify(log, source: "manual.mcap").steps == log.commands.count)
    }

    @Test func evalRecordsOneVerifiableLogPerEpisode() throws {
        let dir = TempDir("app-eval")
        defer { dir.remove() }
        var job = EvalJobFixture.job()
        job.out = nil
        let (report, logs) = try RecordedJobs.eval(job, record: dir.file("eval.mcap"), registry: .standard)
        #expect(logs.count == 2)
        #expect(logs.allSatisfy { $0.contains("eval-straight-w0-ep") })
        #expect(report.outcomes.count == 1)
        for path in logs {
            let log = try EpisodeLog.load(path: path, includeImages: false)
            #expect(log.metadata?.extra["command"] == "eval")
            #expect(try ReplayVerifier.verify(log, source: path).steps == log.commands.count)
        }
    }

    /// `collect --record` with lanes running in parallel, each writing its own logs through its
    /// own writer queue: every log replays bit for bit, the lanes' logs cover every collected
    /// step, and a second run writes the same bytes.
    @Test func collectRecordsEveryLaneInParallelAndReproducibly() throws {
        let dir = TempDir("app-collect")
        defer { dir.remove() }
        var job = CollectJob()
        job.worlds = "forest:1,office:0"
        job.steps = 240
        job.lanes = 3
        job.env.maxEpisodeTime = 8
        var runs: [[String: Data]] = []
        for run in 0..<2 {
            job.out = dir.file("data\(run)")
            let (_, logs) = try RecordedJobs.collect(job, record: dir.file("r\(run)/c.mcap"), registry: .standard)
            #expect(Set(logs.map { ($0 as NSString).lastPathComponent.components(separatedBy: "-")[1] }) == ["lane0", "lane1", "lane2"])
            var steps = 0
            var bytes: [String: Data] = [:]
            for path in logs {
                let log = try EpisodeLog.load(path: path, includeImages: false)
                #expect(log.metadata?.extra["command"] == "collect")
                #expect(try ReplayVerifier.verify(log, source: path).steps == log.commands.count)
                steps += log.commands.count
                bytes[(path as NSString).lastPathComponent] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
            #expect(steps == job.steps)
            runs.append(bytes)
        }
        #expect(runs[0] == runs[1])
    }

    @Test func summaryAndExports() throws {
        let dir = TempDir("app-export")
        defer { dir.remove() }
        let path = dir.file("ep.mcap")
        _ = try Self.record(path, ticks: 8)
        let log = try EpisodeLog.load(path: path)
        let text = ReplayTool.summary(log, path: path)
        #expect(text.contains("control steps 8"))
        #expect(text.contains("/pose"))
        // a cut copy says what is lost and how to repair it, in words
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir.file("cut.mcap")))
        let cut = ReplayTool.summary(try EpisodeLog.load(path: dir.file("cut.mcap")), path: dir.file("cut.mcap"))
        #expect(cut.contains("truncated: ") && cut.contains("swiftlet log recover") && !cut.contains("MCAPTruncation("))
        #expect(try ReplayTool.exportPoses(log, to: dir.file("poses.csv")) == 9)
        let csv = try String(contentsOfFile: dir.file("poses.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 10 && csv[0] == "time_s,x,y,z,qx,qy,qz,qw")
        // exact numbers: the last row's x is the logged pose's x
        #expect(Double(csv[9].split(separator: ",")[1]) == log.poses[8].pose.position.x)
        #expect(try ReplayTool.exportFrames(log, to: dir.file("frames")) == 18)
        let png = try #require(FileManager.default.contents(atPath: dir.file("frames/image-00008.png")))
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}

import Autonomy

enum EvalJobFixture {
    /// straight only, one forest world, two short episodes.
    static func job() -> EvalJob {
        var job = EvalJob()
        job.policies = ["straight"]
        job.baselines = false
        job.worlds = "forest:5"
        job.worldCount = 1
        job.episodes = 2
        job.routeLength = 2
        return job
    }
}
