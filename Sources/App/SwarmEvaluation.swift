import Autonomy
import Diagnostics
import Foundation
import Geometry
import Runtime

/// `swiftlet eval --swarm N`: policies compared in swarms. For each policy, `episodes` episodes of
/// an N-vehicle swarm in policy mode (`SwarmFlyConfig.policyMode`: every vehicle its own policy
/// instance, a line abreast into the demo's forest, headless). Episode k starts from the same
/// seed for every policy (paired: the same spawns), and ends when every vehicle has ended; the
/// env's limits are single-vehicle eval's (`EvaluationSettings.env`: distance limit = the route
/// length, time limit = 3x the route time at the forward speed).
///
/// ```swift
/// var job = SwarmEvalJob()
/// job.count = 4
/// job.policies = ["straight", "privileged"]
/// let report = try job.run()
/// print(report.markdown())
/// ```
public struct SwarmEvalJob: Sendable {
    /// Vehicles per swarm (1-64) and policy specs (as `fly --swarm N --policy` takes them).
    public var count = 4
    public var policies: [String] = []
    public var episodes = 10
    public var seed: UInt64 = 0
    /// World spec or file; nil: policy mode's forest.
    public var world: String? = nil
    public var robot = "Robots/cf2x.urdf"
    public var domain = "sim"
    /// Route length (m): the env's distance limit, and its time limit through the route time.
    public var routeLength = 30.0
    /// Threads of the swarm's step and its vehicles' policy ticks (the same results for any count).
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Directory for `swarm-eval.md` and `swarm-eval.csv` (nil: nothing written).
    public var out: String? = nil
    /// Env settings: policy mode's (single-vehicle fly's: 0.4 m, 0.4 m/s, 96x72 camera) without
    /// the depth image, which no policy reads and nobody sees headless.
    public var env: EnvSettings = {
        var s = SwarmFlyConfig.policyMode("straight").env
        s.depth = false
        return s
    }()

    public init() {}

    /// Settings of the run: the paired episode seeds and the env limits, as single-vehicle eval's.
    var settings: EvaluationSettings {
        EvaluationSettings(worlds: [world ?? SwarmFlyConfig.policyMode("straight").world], episodes: episodes,
                           routeLength: routeLength, seed: seed, threads: workers)
    }

    /// The swarm config of policy `spec`.
    func config(_ spec: String) -> SwarmFlyConfig {
        var c = SwarmFlyConfig.policyMode(spec)
        c.count = count
        if let world { c.world = world }
        c.robot = robot
        c.domain = domain
        c.seed = settings.episodeSeed(world: 0, episode: 0)
        c.env = settings.env(env)
        c.workers = workers
        return c
    }

    /// Flies every policy's episodes (one progress line per episode on `sink`), writes
    /// `out/swarm-eval.md` and `out/swarm-eval.csv` when `out` is set, and returns the report.
    /// Every input is checked (and every policy's swarm built) before the first episode.
    public func run(registry: PolicyRegistry = .standard, progress sink: Diagnostics.Progress.Sink = .standardError) throws -> SwarmEvaluationReport {
        guard (1...64).contains(count) else { throw InputError("--swarm", "expected 1 to 64 vehicles, got \(count)") }
        guard !policies.isEmpty else { throw InputError("--policy", "eval --swarm needs at least one --policy") }
        guard episodes > 0 && episodes <= 100_000 else { throw InputError("--episodes", "must be in 1...100000, got \(episodes)") }
        guard routeLength > 0 && routeLength.isFinite else { throw InputError("--route", "must be positive, got \(routeLength)") }
        var sims = try policies.map { try SwarmFlySimulation(config: config($0), registry: registry, viewSize: nil) }
        if let out { try OutputPath.prepareDirectory(out, source: "--out") }
        let progress = Diagnostics.Progress(label: "eval --swarm \(count)", total: policies.count * episodes, unit: "episodes",
                                            sink: sink, plainInterval: 0)
        var results: [[SwarmEpisodeOutcome]] = []
        for p in sims.indices {
            var mine: [SwarmEpisodeOutcome] = []
            for k in 0..<episodes {
                let started = Diagnostics.Progress.monotonicSeconds()
                let vehicles = try sims[p].runEpisode(from: settings.episodeSeed(world: 0, episode: k))
                let e = SwarmEpisodeOutcome(episode: k, seed: sims[p].seed, vehicles: vehicles,
                                            wallSeconds: Diagnostics.Progress.monotonicSeconds() - started)
                mine.append(e)
                progress.advance(note: String(format: "%@ episode %d (seed %llu): %.1f m per vehicle, %d world collision(s), %d in contact, %.1f s",
                                              sims[p].autopilotLabel, k, e.seed, e.meanDistance, e.worldCollisions, e.vehicleContacts, e.wallSeconds))
            }
            results.append(mine)
        }
        progress.finish()
        let labels = sims.map { $0.policyPilot?.spec.label ?? "?" }
        let report = SwarmEvaluationReport(policies: labels, vehicles: count, seed: seed, routeLength: routeLength, episodes: results)
        if let out {
            try AtomicFile.write(report.markdown(), to: out + "/swarm-eval.md")
            try report.csv().write(to: out + "/swarm-eval.csv")
        }
        return report
    }
}

/// One swarm episode of one policy: its seed, its vehicles, and its wall time (s; not part of
/// equality, so reruns compare equal).
public struct SwarmEpisodeOutcome: Sendable, Equatable {
    public var episode: Int
    public var seed: UInt64
    public var vehicles: [SwarmVehicleOutcome]
    public var wallSeconds: Double

    public static func == (a: Self, b: Self) -> Bool { a.episode == b.episode && a.seed == b.seed && a.vehicles == b.vehicles }

    /// Distance summed and averaged over the vehicles (m), and vehicles ended by the world or by a contact.
    public var distance: Double { vehicles.reduce(0) { $0 + $1.distance } }
    public var meanDistance: Double { distance / Double(max(1, vehicles.count)) }
    public var worldCollisions: Int { vehicles.filter(\.worldCollision).count }
    public var vehicleContacts: Int { vehicles.filter(\.vehicleContact).count }
}
