import Autonomy
import Diagnostics
import Foundation
import Viewer

extension FlyApp {
    /// What `swiftlet fly --swarm N` did.
    public struct SwarmOutcome: Sendable {
        public var report: ViewerRunReport
        public var loopFPS: Double
        public var vehicles: Int
        public var episodes: Int
        public var ticks: Int
        public var simTime: Double
        /// Vehicle collisions of any kind, contacts between vehicles among them.
        public var collisions: Int
        public var contacts: Int
        /// Smallest separation between two vehicles (m) and largest downwash force (N) seen.
        public var minimumSeparation: Double
        public var peakDownwash: Double
        /// The logs written (`--record`).
        public var logs: [String] = []
        /// Policy mode (`--policy`): the policy flown, collisions with the world (obstacle,
        /// ground or tilt) and the mean horizontal distance a vehicle flew per episode (m).
        public var policy: String? = nil
        public var worldCollisions = 0
        public var meanDistance = 0.0
        /// The seed each episode flew (`SwarmFlySimulation.seedsFlown`).
        public var seeds: [UInt64] = []

        /// One-line summary (policy mode: collisions with the world and with vehicles apart, and
        /// the mean distance flown, to compare policies).
        public var summary: String {
            var s = policy.map { policy in
                String(format: "%d frames at %.1f fps (whole loop), %d vehicles flying %@, %.1f s simulated, %d control ticks, %d episode(s), %d world collision(s) (obstacle, ground or tilt), %d vehicle contact(s), %.2f m flown per vehicle per episode (mean), min separation %.2f m",
                       report.frames, loopFPS, vehicles, policy, simTime, ticks, episodes, worldCollisions, contacts, meanDistance,
                       minimumSeparation.isFinite ? minimumSeparation : 0)
            } ?? String(format: "%d frames at %.1f fps (whole loop), %d vehicles, %.1f s simulated, %d control ticks, %d episode(s), %d collision(s), %d vehicle contact(s), min separation %.2f m, peak downwash %.3f N",
                           report.frames, loopFPS, vehicles, simTime, ticks, episodes, collisions, contacts,
                           minimumSeparation.isFinite ? minimumSeparation : 0, peakDownwash)
            if !seeds.isEmpty { s += ", " + Self.seedList(seeds) }
            if report.usedWindow { s += ", driver \(report.driver ?? "?")" }
            if !logs.isEmpty { s += "\nlogs: " + logs.joined(separator: ", ") }
            return s
        }

        /// "seed 1", "seeds 1, 2, 3", or for many episodes the first eight and a count.
        static func seedList(_ seeds: [UInt64]) -> String {
            let shown = seeds.prefix(8).map(String.init).joined(separator: ", ")
            let more = seeds.count > 8 ? ", ... (\(seeds.count) episodes)" : ""
            return (seeds.count == 1 ? "seed " : "seeds ") + shown + more
        }
    }

    /// Flies a swarm in the viewer (`SwarmFlySimulation`): V or `.` follow the next vehicle, `,`
    /// the previous one, R starts the next episode. `screenshot` receives the last frame.
    /// `registry` resolves `config.policy`.
    @MainActor
    public static func flySwarm(_ config: SwarmFlyConfig, options: ViewerOptions, registry: PolicyRegistry = .standard,
                                screenshot: String? = nil) throws -> SwarmOutcome {
        var sim = try SwarmFlySimulation(config: config, registry: registry, viewSize: (options.width, options.height))
        var options = options
        options.extraHelp = ["SWARM (--swarm)", "V  .       follow next vehicle", ",          follow previous vehicle",
                             "P off      fly the followed one by hand"]
        let run = loop(options: options, view: sim.view, step: { input in
            sim.handle(keys: input.keys)
            if input.reset || input.nextWorld { try sim.restart() }
            try sim.advance(by: input.simDt, pilot: input.autopilot ? nil : input.pilot)
        }, frame: { sim.frame() })
        try sim.finish()
        if let failure = run.failure { throw failure }
        if let screenshot, let shot = run.report.lastFrame { try savePNG(shot, to: screenshot) }
        return SwarmOutcome(report: run.report, loopFPS: run.loopFPS, vehicles: config.count, episodes: sim.episodes,
                            ticks: sim.totalTicks, simTime: sim.time, collisions: sim.collisions, contacts: sim.contacts,
                            minimumSeparation: sim.minimumSeparation, peakDownwash: sim.peakDownwash, logs: sim.logPaths,
                            policy: sim.policyPilot?.spec.label, worldCollisions: sim.worldCollisions, meanDistance: sim.meanDistance,
                            seeds: sim.seedsFlown)
    }
}
