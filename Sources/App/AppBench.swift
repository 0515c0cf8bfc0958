import Autonomy
import Diagnostics
import Foundation
import Geometry
import Rendering
import Runtime
import Viewer

/// `swiftlet bench app`: the cost of `--record` on headless env episodes, the 3D view render
/// time at 960x540 and the frames per second of the whole `fly` window loop (SDL dummy driver).
public enum AppBench {
    public static let suite = BenchSuite(name: "app", summary: "recording overhead, fly view render and window loop fps") { opts in
        var records: [BenchRecord] = []
        let dir = NSTemporaryDirectory() + "swiftlet-app-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let world = opts.root + "/Worlds/forest-7.json"
        var config = FlyConfig()
        config.worlds = [world]
        config.env = EnvSettings()   // headless defaults (no depth)
        // wall time, the ticking thread's CPU time (steadier on a loaded host) and the process's
        // CPU time (counts the recorder's writer queue too)
        for (policy, ticks) in [("straight", 3000), ("privileged", 120)] {
            config.policy = policy
            let n = max(20, Int(Double(ticks) * opts.timeScale))
            var plain: [(Double, Double, Double)] = [], recorded: [(Double, Double, Double)] = []
            for round in 0..<5 {
                plain.append(try timeRun(config, ticks: n, record: nil))
                recorded.append(try timeRun(config, ticks: n, record: dir + "/r\(round).mcap"))
            }
            let pw = plain.map(\.0).sorted()[2], rw = recorded.map(\.0).sorted()[2]
            let pc = plain.map(\.1).sorted()[2], rc = recorded.map(\.1).sorted()[2]
            let pp = plain.map(\.2).sorted()[2], rp = recorded.map(\.2).sorted()[2]
            records.append(BenchRecord(suite: "app", metric: "record_overhead_\(policy)", value: 100 * (rw - pw) / pw, unit: "% wall",
                                       extra: ["ticks": "\(n)", "plain_ticks_per_s": String(format: "%.0f", Double(n) / pw),
                                               "recorded_ticks_per_s": String(format: "%.0f", Double(n) / rw)]))
            records.append(BenchRecord(suite: "app", metric: "record_overhead_\(policy)_cpu", value: 100 * (rc - pc) / pc, unit: "% CPU",
                                       extra: ["recording_us_per_tick": String(format: "%.1f", 1e6 * (rc - pc) / Double(n))]))
            records.append(BenchRecord(suite: "app", metric: "record_overhead_\(policy)_process_cpu", value: 100 * (rp - pp) / pp,
                                       unit: "% CPU", extra: ["recording_us_per_tick": String(format: "%.1f", 1e6 * (rp - pp) / Double(n))]))
            opts.log(String(format: "record overhead (%@): %.0f -> %.0f ticks/s wall", policy, Double(n) / pw, Double(n) / rw))
        }

        // 3D view: level-shifted chase camera vs the tilted path
        var flyConfig = FlyConfig()
        flyConfig.worlds = [world]
        let sim = try FlySimulation(config: flyConfig, viewSize: (960, 540))
        let view = sim.view!
        var rig = CameraRig(mode: .chase)
        let chase = rig.update(robot: sim.frame().robotPose, dt: 1.0 / 60)
        var image = RGBImage(width: 960, height: 540)
        let seconds = 1.5 * opts.timeScale
        let chaseFPS = Stopwatch.rate(seconds: seconds, batch: 1) { view.render(chase, into: &image) }
        records.append(BenchRecord(suite: "app", metric: "view_render_chase_960x540", value: chaseFPS, unit: "frames/s",
                                   extra: ["path": "level, shifted principal point", "workers": "\(view.threads)"]))
        // the same on one thread: what drawing only the kept rows gives without the column split
        let single = ViewRenderer(scene: view.renderer.scene, width: 960, height: 540, threads: 1)
        let singleRates = Stopwatch.rates(seconds: seconds) { single.render(chase, into: &image) }
        records.append(BenchRecord(suite: "app", metric: "view_render_chase_960x540_1thread", value: singleRates.perSecond, unit: "frames/s",
                                   extra: ["path": "level, shifted principal point", "workers": "1"]))
        // the same frames per CPU-second of the rendering thread: the cost of a frame whatever the
        // host's load (wall-time rates on a shared host drift with the neighbours' work)
        records.append(BenchRecord(suite: "app", metric: "view_render_chase_960x540_cpu", value: singleRates.perCPUSecond,
                                   unit: "frames/cpu-s", extra: ["path": "level, shifted principal point", "workers": "1",
                                                                 "frames": "\(singleRates.calls)"]))
        var steep = chase
        steep.pose.orientation = steep.pose.orientation * Quaternion(roll: 0, pitch: 0.6, yaw: 0)
        let tiltedFPS = Stopwatch.rate(seconds: seconds, rounds: 1, batch: 1) { view.render(steep, into: &image) }
        records.append(BenchRecord(suite: "app", metric: "view_render_tilted_960x540", value: tiltedFPS, unit: "frames/s",
                                   extra: ["path": "tilted, column blocks", "workers": "\(view.threads)"]))
        // the tilted frame per CPU-second on one thread, and its per-frame set-up alone (shared by the blocks)
        let tiltedRates = Stopwatch.rates(seconds: seconds, rounds: 1) { single.render(steep, into: &image) }
        let steepIntrinsics = CameraIntrinsics(width: 960, height: 540, fovDegrees: degrees(steep.horizontalFOV), maxRange: single.maxRange)
        var setup = TiltedSetup(renderer: single.renderer, camera: steepIntrinsics)
        let setups = 50
        let setupCPU0 = Stopwatch.threadCPUSeconds()
        for _ in 0..<setups { _ = single.renderer.prepareTilted(camera: steepIntrinsics, pose: steep.pose, setup: &setup) }
        let setupCPU = (Stopwatch.threadCPUSeconds() - setupCPU0) / Double(setups)
        records.append(BenchRecord(suite: "app", metric: "view_render_tilted_960x540_cpu", value: tiltedRates.perCPUSecond,
                                   unit: "frames/cpu-s", extra: ["path": "tilted, column blocks", "workers": "1",
                                                                 "frames": "\(tiltedRates.calls)",
                                                                 "setup_us_per_frame": String(format: "%.0f", 1e6 * setupCPU),
                                                                 "obstacles_in_view": "\(setup.obstaclesInView)"]))
        // the orbit camera's top view (straight down on the robot): the fallback (tiles), in column
        // blocks over the view's threads; on one thread it is the whole-image render it replaced
        let topdown = CameraRig.orbitCamera(target: sim.frame().robotPose.position, yaw: 0, pitch: .pi / 2, distance: 12,
                                            fov: chase.horizontalFOV)
        let topdownFPS = Stopwatch.rate(seconds: seconds, rounds: 1, batch: 1) { view.render(topdown, into: &image) }
        records.append(BenchRecord(suite: "app", metric: "view_render_topdown_960x540", value: topdownFPS, unit: "frames/s",
                                   extra: ["path": "fallback (tiles), column blocks", "workers": "\(view.threads)"]))
        let topdownRates = Stopwatch.rates(seconds: seconds, rounds: 1) { single.render(topdown, into: &image) }
        records.append(BenchRecord(suite: "app", metric: "view_render_topdown_960x540_1thread", value: topdownRates.perSecond,
                                   unit: "frames/s", extra: ["path": "fallback (tiles)", "workers": "1"]))
        records.append(BenchRecord(suite: "app", metric: "view_render_topdown_960x540_cpu", value: topdownRates.perCPUSecond,
                                   unit: "frames/cpu-s", extra: ["path": "fallback (tiles)", "workers": "1",
                                                                 "frames": "\(topdownRates.calls)"]))

        // the whole fly loop through SDL's dummy driver (needs the main thread)
        if Thread.isMainThread {
            let outcome: FlyApp.Outcome? = try MainActor.assumeIsolated {
                var options = ViewerOptions(width: 960, height: 540, frameLimit: max(30, Int(180 * opts.timeScale)))
                options.videoDriver = "dummy"
                options.gamepad = false
                return try FlyApp.fly(flyConfig, options: options)
            }
            if let outcome, outcome.report.usedWindow {
                records.append(BenchRecord(suite: "app", metric: "fly_loop_960x540", value: outcome.loopFPS, unit: "frames/s",
                                           extra: ["frames": "\(outcome.report.frames)", "driver": "dummy",
                                                   "policy": "privileged", "level_frames": "\(outcome.levelFrames)",
                                                   "tilted_frames": "\(outcome.tiltedFrames)"]))
            }
        }
        return records
    }

    /// Wall, thread-CPU and process-CPU seconds for `ticks` autopilot control ticks (episodes
    /// restart when they end).
    static func timeRun(_ base: FlyConfig, ticks: Int, record: String?) throws -> (Double, Double, Double) {
        var config = base
        config.record = record
        var sim = try FlySimulation(config: config, viewSize: nil)
        let t0 = Stopwatch.now(), c0 = Stopwatch.threadCPUSeconds(), p0 = Stopwatch.processCPUSeconds()
        for _ in 0..<ticks {
            if sim.isDone { try sim.restart(nextWorld: false) }
            try sim.tick(nil)
        }
        try sim.finish()
        return (Stopwatch.now() - t0, Stopwatch.threadCPUSeconds() - c0, Stopwatch.processCPUSeconds() - p0)
    }
}
