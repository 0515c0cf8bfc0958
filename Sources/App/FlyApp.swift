import Autonomy
import Diagnostics
import Foundation
import Geometry
import Rendering
import Viewer

/// `swiftlet fly` and `swiftlet demo`: the viewer wired to `FlySimulation`.
public enum FlyApp {
    /// What a window (or headless viewer) run did.
    public struct Outcome: Sendable {
        public var report: ViewerRunReport
        /// Wall-clock frames per second of the whole loop (simulation + render + compose + present).
        public var loopFPS: Double
        public var distance: Double
        public var ticks: Int
        public var collisions: Int
        public var episodes: Int
        public var simTime: Double
        public var logs: [String]
        /// Frames drawn through the renderer's level (shifted) and tilted paths, and of the
        /// tilted ones those that took the fallback (the zenith or nadir in view).
        public var levelFrames: Int
        public var tiltedFrames: Int
        public var fallbackFrames = 0
        /// Episodes that reached their goal (goal-reaching runs, `fly --hint`; nil otherwise).
        public var goalsReached: Int? = nil

        /// One-paragraph summary.
        public var summary: String {
            var s = String(format: "%d frames at %.1f fps (whole loop), %.1f s simulated, %d control ticks, %.2f m flown, %d collision(s), %d episode(s)",
                           report.frames, loopFPS, simTime, ticks, distance, collisions, episodes)
            if let goalsReached { s += ", \(goalsReached) goal(s) reached" }
            if report.usedWindow { s += ", driver \(report.driver ?? "?")" }
            if !logs.isEmpty { s += "\nlogs: " + logs.joined(separator: ", ") }
            return s
        }
    }

    /// Runs the viewer on `config` until the user quits or `options.frameLimit` frames.
    /// `screenshot` receives the last frame. Must run on the main thread.
    @MainActor
    public static func fly(_ config: FlyConfig, options: ViewerOptions, registry: PolicyRegistry = .standard,
                           screenshot: String? = nil) throws -> Outcome {
        var sim = try FlySimulation(config: config, registry: registry, viewSize: (options.width, options.height))
        let run = loop(options: options, view: sim.view, step: { input in
            if input.reset || input.nextWorld { try sim.restart(nextWorld: input.nextWorld) }
            try sim.advance(by: input.simDt, pilot: input.pilot, autopilot: input.autopilot)
        }, frame: { sim.frame() })
        let report = run.report
        try sim.finish()
        if let failure = run.failure { throw failure }
        if let screenshot, let shot = report.lastFrame { try savePNG(shot, to: screenshot) }
        return Outcome(report: report, loopFPS: run.loopFPS,
                       distance: sim.totalDistance, ticks: sim.totalTicks, collisions: sim.collisions,
                       episodes: sim.episodeIndex + 1, simTime: sim.env.state.observation.robot.time, logs: sim.logPaths,
                       levelFrames: sim.view?.levelFrames ?? 0, tiltedFrames: sim.view?.tiltedFrames ?? 0,
                       fallbackFrames: sim.view?.fallbackFrames ?? 0,
                       goalsReached: config.goalDistance == nil ? nil : sim.goalsReached)
    }

    /// The viewer loop of the fly modes: the view and the overlays use the level camera `view`
    /// draws fast, C saves screenshots, `step` advances the simulation (its first error is kept
    /// and returned, the loop goes on drawing) and `frame` draws it. Returns the run report, the
    /// whole loop's frames per wall second and the first error.
    @MainActor
    static func loop(options: ViewerOptions, view: ViewRenderer?, step: (ViewerStepInput) throws -> Void,
                     frame: () -> ViewerFrame) -> (report: ViewerRunReport, loopFPS: Double, failure: Error?) {
        let app = ViewerApp(options: options)
        app.adjustCamera = { camera in view?.levelled(camera) ?? camera }
        app.onScreenshot = FlyApp.screenshotHandler
        var failure: Error? = nil
        let start = Stopwatch.now()
        let report = app.fly { input in
            do { try step(input) } catch { if failure == nil { failure = error } }
            return frame()
        }
        let wall = Stopwatch.now() - start
        return (report, report.frames > 0 && wall > 0 ? Double(report.frames) / wall : 0, failure)
    }

    /// Writes an RGB image as PNG (Rendering's writer), creating the directory.
    /// The C key's screenshot: `swiftlet-<frame>.png` in the current directory, reported on stdout.
    static func screenshotHandler(_ image: RGBImage, frame: Int) {
        let path = "swiftlet-\(frame).png"
        do {
            try savePNG(image, to: path)
            print("screenshot: \(path)")
        } catch {
            print("screenshot failed: \(error)")
        }
    }

    /// Checks a `--screenshot` path before the flight: a .png name (any other name still got a
    /// PNG, silently) in a directory that can be created and written, so a bad path fails at
    /// once instead of after the run.
    public static func checkScreenshotPath(_ path: String) throws {
        guard path.lowercased().hasSuffix(".png") else {
            throw InputError("--screenshot", "expected a .png file name, got \"\(path)\"")
        }
        try OutputPath.prepareParent(of: path, source: "--screenshot")
    }

    public static func savePNG(_ image: RGBImage, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let png = PNGWriter.encode(width: image.width, height: image.height, kind: .rgb8, pixels: image.pixels)
        try AtomicFile.write(Data(png), to: path)
    }

    /// The HUD's rate for a frame composed after a headless run: "TICKS/S 180 (headless)",
    /// control ticks per wall second (planner + physics + camera); "TICKS/S -- (headless)"
    /// without a measurement.
    public static func headlessRateLabel(ticks: Int, seconds: Double) -> String {
        guard ticks > 0, seconds > 0, seconds.isFinite else { return "TICKS/S -- (headless)" }
        return String(format: "TICKS/S %.0f (headless)", Double(ticks) / seconds)
    }

    /// What the headless demo produced.
    public struct DemoResult: Sendable {
        public var screenshot: String
        public var log: String
        public var ticks: Int
        public var distance: Double
        public var collisions: Int
        public var simTime: Double
        public var wallSeconds: Double
        public var world: String
        /// The autopilot's HUD label (learned policy or privileged planner).
        public var autopilot: String
        /// Why the episode ended before the tick budget, or nil.
        public var ended: String?

        public var summary: String {
            String(format: "demo: flew %d control ticks (%.1f s simulated) in %@ with %@: %.2f m, %d collision(s)%@, %.2f s wall\nscreenshot: %@\nlog: %@",
                   ticks, simTime, world, autopilot, distance, collisions, ended.map { ", ended: " + $0 } ?? "", wallSeconds, screenshot, log)
        }
    }

    /// The no-display demo: flies `ticks` control ticks headless with the autopilot, recording to
    /// `outDir/demo.mcap`, then composes one viewer frame (3D view, map, insets, HUD) without a
    /// window and saves it as `outDir/demo.png`. Ends early if the episode ends.
    @MainActor
    public static func headlessDemo(_ base: FlyConfig, ticks: Int = 240, outDir: String = "out/demo",
                                    registry: PolicyRegistry = .standard) throws -> DemoResult {
        try OutputPath.prepareDirectory(outDir, source: "--out")
        var config = base
        config.record = outDir + "/demo.mcap"
        let start = Stopwatch.now()
        var sim = try FlySimulation(config: config, registry: registry, viewSize: (960, 540))
        var n = 0
        let tickStart = Stopwatch.now()
        while n < ticks && !sim.isDone {
            try sim.tick(nil)
            n += 1
        }
        let tickSeconds = Stopwatch.now() - tickStart
        // show the final state (advance the display clock to the env's time)
        sim.catchUp()
        var options = ViewerOptions(width: 960, height: 540, frameLimit: 1)
        options.environment = [:]  // never open a window here
        options.gamepad = false
        let app = ViewerApp(options: options)
        let leveller = sim.view
        app.adjustCamera = { camera in leveller?.levelled(camera) ?? camera }
        // one frame composed after the run has no display rate: the HUD shows the measured
        // control-tick rate of the headless run instead of "FPS 0"
        var frame = sim.frame()
        frame.rateLabel = FlyApp.headlessRateLabel(ticks: n, seconds: tickSeconds)
        let report = app.fly { _ in frame }
        try sim.finish()
        let shot = outDir + "/demo.png"
        guard let image = report.lastFrame else { throw InputError("demo", "no frame was composed") }
        try savePNG(image, to: shot)
        return DemoResult(screenshot: shot, log: sim.logPaths.first ?? "", ticks: sim.totalTicks, distance: sim.totalDistance,
                          collisions: sim.collisions, simTime: sim.env.state.observation.robot.time,
                          wallSeconds: Stopwatch.now() - start, world: sim.world, autopilot: sim.autopilotLabel,
                          ended: n < ticks ? sim.endReason : nil)
    }
}
