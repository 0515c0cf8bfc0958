import Diagnostics
import Geometry

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

    /// One row per flown episode (policy, world, episode index and reset seed, distance,
    /// collision, success, control steps, domain): the raw data of every table, so two runs on
    /// the same episodes (the same `--seed`, worlds and route, e.g. two `--domain`s) can be
    /// paired by episode.
    public func episodesCSV() -> CSVWriter {
        var c = CSVWriter(header: ["policy", "world", "episode", "seed", "distance_m", "collided", "success", "steps", "domain"])
        for (p, spec) in policies.enumerated() {
            for o in outcomes[p] {
                c.addRow([spec.label, settings.worlds[o.world], String(o.episode), String(settings.episodeSeed(world: o.world, episode: o.episode)),
                          CSVWriter.field(o.distance), o.collided ? "1" : "0", o.success ? "1" : "0", String(o.steps), domain])
            }
        }
        return c
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
