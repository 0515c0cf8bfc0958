import Autonomy
import Diagnostics
import Foundation
import Physics
import Viewer

extension FlyApp {
    /// What `swiftlet fly --ocs` did.
    public struct OCSOutcome: Sendable {
        public var report: ViewerRunReport
        public var loopFPS: Double
        public var policy: String
        public var episodes: Int
        /// Autopilot control steps and those spent hovering (abstaining).
        public var steps: Int
        public var hovers: Int
        public var collisions: Int
        /// The corruption at the end of the run.
        public var corruption: String

        public var summary: String {
            String(format: "%d frames at %.1f fps (whole loop); %@, camera %@: %d episode(s), %d control steps, %d hovering (%.2f), %d collision(s)",
                   report.frames, loopFPS, policy, corruption, episodes, steps, hovers, steps > 0 ? Double(hovers) / Double(steps) : 0, collisions)
        }
    }

    /// Loads the policy from `config.models` or trains it (`OCSFlyModels`; `log` gets the
    /// training lines, `progress` its progress), then flies it (`flyOCS(_:policy:...)`).
    @MainActor
    public static func flyOCS(_ config: OCSFlyConfig, options: ViewerOptions, screenshot: String? = nil,
                              progress: Diagnostics.Progress.Sink = .silent, log: (String) -> Void = { print($0) }) throws -> OCSOutcome {
        let robot = try URDFLoader.load(path: config.robot)
        let policy: OCSFlightPolicy
        if let dir = config.models {
            policy = try OCSFlyModels.load(dir, policy: config.policy, network: config.ocs.network, data: config.data)
            log("flying \(policy.name) from \(dir)")
        } else {
            policy = try OCSFlyModels.train(config.policy, ocs: config.ocs, hedging: config.hedging, progress: progress, log: log)
        }
        return try flyOCS(config, policy: policy, robot: robot, options: options, screenshot: screenshot)
    }

    /// Flies `policy` in the viewer (`OCSFlySimulation`): the camera inset shows the corrupted
    /// image it sees, `,` / `.` change the severity and V the rung, R starts the next episode,
    /// N the next world. `screenshot` receives the last frame.
    @MainActor
    public static func flyOCS(_ config: OCSFlyConfig, policy: OCSFlightPolicy, robot: RobotDescription, options: ViewerOptions,
                              screenshot: String? = nil) throws -> OCSOutcome {
        var sim = try OCSFlySimulation(config: config, policy: policy, robot: robot, viewSize: (options.width, options.height))
        var options = options
        options.extraHelp = ["CAMERA (--ocs)", ",  .       corruption severity -/+", "V          next corruption rung"]
        let run = loop(options: options, view: sim.view, step: { input in
            sim.handle(keys: input.keys)
            if input.reset || input.nextWorld { try sim.restart(nextWorld: input.nextWorld) }
            try sim.advance(by: input.simDt, pilot: input.pilot, autopilot: input.autopilot)
        }, frame: { sim.frame() })
        if let failure = run.failure { throw failure }
        if let screenshot, let shot = run.report.lastFrame { try savePNG(shot, to: screenshot) }
        return OCSOutcome(report: run.report, loopFPS: run.loopFPS, policy: policy.name,
                          episodes: sim.episodes, steps: sim.totalSteps, hovers: sim.totalHovers, collisions: sim.collisions,
                          corruption: "\(sim.rung.rawValue) \(sim.severity)")
    }
}
