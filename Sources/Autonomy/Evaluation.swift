import Dispatch
import Diagnostics
import Foundation
import Geometry
import Runtime

/// Settings of an evaluation run.
public struct EvaluationSettings: Sendable {
    /// World specs (labels in the table) and their models are passed separately to `run`.
    public var worlds: [String]
    /// Episodes per world and policy.
    public var episodes: Int
    /// Route length (m): an episode that flies this far without a collision is a success. Also
    /// the env's distance limit.
    public var routeLength: Double
    public var seed: UInt64
    public var threads: Int

    public init(worlds: [String], episodes: Int, routeLength: Double = 30, seed: UInt64 = 0,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.worlds = worlds
        self.episodes = episodes
        self.routeLength = routeLength
        self.seed = seed
        self.threads = threads
    }

    /// Env settings for evaluation: distance limit = route length, time limit = 3x the route
    /// time at the forward speed.
    public func env(_ base: EnvSettings) -> EnvSettings {
        var s = base
        s.maxDistance = routeLength
        s.maxEpisodeTime = 3 * routeLength / max(abs(base.forwardSpeed), 0.05)
        return s
    }

    /// Reset seed of episode `e` in world `w`: the same for every policy (paired comparison).
    public func episodeSeed(world w: Int, episode e: Int) -> UInt64 {
        RNG.mix(RNG.mix(seed, UInt64(w)), UInt64(e))
    }
}

/// One evaluation episode.
public struct EpisodeOutcome: Sendable, Equatable {
    public var world: Int
    public var episode: Int
    /// Path length flown until the episode ended, m.
    public var distance: Double
    /// Whether it ended in a collision (contact or tilt).
    public var collided: Bool
    /// Flew the whole route without a collision.
    public var success: Bool
    public var steps: Int

    public init(world: Int, episode: Int, distance: Double, collided: Bool, success: Bool, steps: Int) {
        self.world = world
        self.episode = episode
        self.distance = distance
        self.collided = collided
        self.success = success
        self.steps = steps
    }
}

/// Summary statistics of a set of episodes, with 95% confidence intervals.
public struct EvaluationSummary: Sendable, Equatable {
    public var episodes: Int
    /// Mean distance flown before a collision (or the end of the episode), m: bootstrap
    /// percentile interval over episodes (2000 resamples, seeded; distances are skewed and
    /// bounded below by 0, where a Student-t interval would reach below zero).
    public var distance: ConfidenceInterval
    /// Collisions per km flown: total collisions / total km, bootstrap percentile interval over
    /// episodes (2000 resamples, seeded).
    public var collisionsPerKm: ConfidenceInterval
    /// Fraction of episodes that flew the route: Wilson interval.
    public var success: ConfidenceInterval

    /// Summarises `outcomes` (non-empty); `rng` drives the bootstrap.
    public init(_ outcomes: [EpisodeOutcome], rng: inout RNG) {
        precondition(!outcomes.isEmpty)
        let d = outcomes.map(\.distance)
        let c = outcomes.map { $0.collided ? 1.0 : 0.0 }
        episodes = outcomes.count
        distance = Statistics.bootstrapInterval(d, rng: &rng)
        func rate(_ idx: [Double]) -> Double {
            var cs = 0.0, ds = 0.0
            for i in idx { cs += c[Int(i)]; ds += d[Int(i)] }
            return ds > 0 ? 1000 * cs / ds : (cs > 0 ? .infinity : 0)
        }
        collisionsPerKm = Statistics.bootstrapInterval(d.indices.map(Double.init), rng: &rng, statistic: rate)
        let wins = outcomes.filter(\.success).count
        success = Statistics.wilsonInterval(successes: wins, trials: outcomes.count)
        // the Wilson bounds are exactly 0 and 1 at 0 and n successes (the formula leaves ~1e-17)
        if wins == 0 { success.lower = 0 }
        if wins == outcomes.count { success.upper = 1 }
    }
}

/// Everything an evaluation produced: outcomes per policy and the tables.
public struct EvaluationReport: Sendable {
    public var settings: EvaluationSettings
    public var domain: String
    public var policies: [PolicySpec]
    /// `outcomes[p]`: policy p's episodes, world-major.
    public var outcomes: [[EpisodeOutcome]]

    public init(settings: EvaluationSettings, domain: String, policies: [PolicySpec], outcomes: [[EpisodeOutcome]]) {
        self.settings = settings
        self.domain = domain
        self.policies = policies
        self.outcomes = outcomes
    }

    /// One row per (policy, world) and one "all" row per policy.
    public struct Row: Sendable, Equatable {
        public var policy: String
        public var world: String
        public var summary: EvaluationSummary
    }

    public func rows() -> [Row] {
        var rows: [Row] = []
        var rng = RNG(seed: settings.seed, stream: 0x424F_4F54)
        for (p, spec) in policies.enumerated() {
            for (w, name) in settings.worlds.enumerated() {
                let o = outcomes[p].filter { $0.world == w }
                if !o.isEmpty { rows.append(Row(policy: spec.label, world: name, summary: EvaluationSummary(o, rng: &rng))) }
            }
            rows.append(Row(policy: spec.label, world: "all", summary: EvaluationSummary(outcomes[p], rng: &rng)))
        }
        return rows
    }

    public func markdown() -> String {
        var t = MarkdownTable(["policy", "world", "episodes", "distance before collision (m) [95% CI]",
                               "collisions per km [95% CI]", "success over \(Statistics.format(settings.routeLength)) m [95% CI]"],
                              alignments: [.left, .left, .right, .right, .right, .right])
        for r in rows() {
            let s = r.summary
            t.addRow([r.policy, r.world, String(s.episodes), s.distance.formatted(digits: 3), s.collisionsPerKm.formatted(digits: 3),
                      s.success.formatted(digits: 2)])
        }
        return t.render()
    }

    public func csv() -> CSVWriter {
        var c = CSVWriter(header: ["policy", "privileged", "world", "episodes", "distance_mean_m", "distance_lo", "distance_hi",
                                   "collisions_per_km", "collisions_per_km_lo", "collisions_per_km_hi", "success", "success_lo",
                                   "success_hi", "domain", "route_m"])
        let privileged = Dictionary(policies.map { ($0.label, $0.isPrivileged) }, uniquingKeysWith: { a, _ in a })
        for r in rows() {
            let s = r.summary
            c.addRow([r.policy, privileged[r.policy]! ? "1" : "0", r.world, String(s.episodes)]
                     + [s.distance.estimate, s.distance.lower, s.distance.upper, s.collisionsPerKm.estimate, s.collisionsPerKm.lower,
                        s.collisionsPerKm.upper, s.success.estimate, s.success.lower, s.success.upper].map(CSVWriter.field)
                     + [domain, CSVWriter.field(settings.routeLength)])
        }
        return c
    }
}

/// Flies policies over worlds and episodes and summarises the results.
///
/// Work items (policy, world, episode) are independent: each builds its policy fresh and resets
/// its env from `settings.episodeSeed(world:episode:)`, so every policy meets the same spawns
/// and domain draws, and results are identical for any thread count (fixed chunks).
public enum Evaluator {
    public static func run(_ settings: EvaluationSettings, models: [EnvModel], policies: [PolicySpec], domain: String,
                           progress: Diagnostics.Progress? = nil, observer: TickObserver? = nil) -> EvaluationReport {
        precondition(models.count == settings.worlds.count && settings.episodes > 0 && !policies.isEmpty)
        let perPolicy = models.count * settings.episodes
        let total = policies.count * perPolicy
        var flat = [EpisodeOutcome?](repeating: nil, count: total)
        let workers = max(1, min(settings.threads, total))
        flat.withUnsafeMutableBufferPointer { f in
            nonisolated(unsafe) let out = f.baseAddress!
            let work: @Sendable (Int) -> Void = { w in
                for item in (w * total / workers)..<((w + 1) * total / workers) {
                    let p = item / perPolicy, world = (item % perPolicy) / settings.episodes, e = item % settings.episodes
                    out[item] = runEpisode(models[world], policy: policies[p], world: world, episode: e,
                                           seed: settings.episodeSeed(world: world, episode: e), routeLength: settings.routeLength,
                                           lane: item, observer: observer)
                    progress?.advance(by: 1)
                }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        progress?.finish()
        let outcomes = (0..<policies.count).map { p in (0..<perPolicy).map { flat[p * perPolicy + $0]! } }
        return EvaluationReport(settings: settings, domain: domain, policies: policies, outcomes: outcomes)
    }

    /// One episode of one policy.
    public static func runEpisode(_ model: EnvModel, policy spec: PolicySpec, world: Int, episode: Int, seed: UInt64,
                                  routeLength: Double, lane: Int = 0, observer: TickObserver? = nil) -> EpisodeOutcome {
        var env = Env(model: model)
        env.reset(seed: seed)
        var policy = spec.make()
        policy.reset(seed: RNG.mix(seed, 0x504F))
        var collided = false
        while true {
            // the policy borrows the env's observation; nothing holds it across the step unless an
            // observer wants it (then the frame buffer is copied once per tick)
            let a = policy.act(env.state.observation, model: model)
            let before = observer == nil ? nil : env.state.observation
            let r = env.step(.yawRate(a))
            if let observer, let before {
                observer(TickRecord(lane: lane, episode: episode, world: world, seed: seed, observation: before, action: a, result: r))
            }
            if r.done {
                collided = r.terminated
                break
            }
        }
        let d = env.state.distance
        return EpisodeOutcome(world: world, episode: episode, distance: d, collided: collided,
                              success: !collided && d >= routeLength - 1e-9, steps: env.state.controlSteps)
    }
}
