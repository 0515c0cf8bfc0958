import Autonomy
import Diagnostics
import Foundation
import Physics
import Viewer

extension FlyApp {
    /// What `swiftlet fly --ldm` did.
    public struct LDMOutcome: Sendable {
        public var report: ViewerRunReport
        public var loopFPS: Double
        public var episodes: Int
        public var steps: Int
        public var crashes: Int
        public var oodSteps: Int
        public var fallbacks: Int
        public var filter: String

        public var summary: String {
            String(format: "%d frames at %.1f fps (whole loop); filter %@: %d episode(s), %d control steps, %d crash(es), %d out-of-distribution step(s), %d fallback(s)",
                   report.frames, loopFPS, filter, episodes, steps, crashes, oodSteps, fallbacks)
        }
    }

    /// Loads or trains the LDM flight experiment's models (`LDMFlySimulation.loadOrTrain`,
    /// progress lines to `log`), then flies its
    /// quadrotor in the viewer: the candidates (rejected ones grey), the executed plan, the goal
    /// and the filter's HUD lines. N switches the filter (none -> greedy -> LDM) on the same
    /// episode, R starts the next episode. `screenshot` receives the last frame.
    @MainActor
    public static func flyLDM(_ config: LDMFlyConfig, options: ViewerOptions, screenshot: String? = nil,
                              log: (String) -> Void = { print($0) }) throws -> LDMOutcome {
        let robot = try URDFLoader.load(path: config.settings.robot)
        let prepared = try LDMFlySimulation.loadOrTrain(config, robot: robot, log: log)
        var sim = try LDMFlySimulation(config: config, prepared: prepared, robot: robot)
        let app = ViewerApp(options: options)
        app.onScreenshot = FlyApp.screenshotHandler
        var episodes = 1
        let t0 = Stopwatch.now()
        let report = app.fly { input in
            if input.nextWorld || input.reset {
                sim.restart(nextFilter: input.nextWorld)
                episodes += 1
            }
            let before = sim.episodeIndex
            sim.advance(by: input.simDt, pilot: input.pilot, autopilot: input.autopilot)
            if sim.episodeIndex != before { episodes += 1 }
            return sim.frame()
        }
        let wall = Stopwatch.now() - t0
        if let screenshot, let shot = report.lastFrame { try savePNG(shot, to: screenshot) }
        return LDMOutcome(report: report, loopFPS: report.frames > 0 && wall > 0 ? Double(report.frames) / wall : 0,
                          episodes: episodes, steps: sim.totalSteps, crashes: sim.crashes, oodSteps: sim.totalOOD,
                          fallbacks: sim.totalFallbacks, filter: sim.spec.name)
    }
}
