import Diagnostics
import Geometry

/// Summary of one policy's swarm episodes, with 95% intervals.
///
/// The vehicles of one episode are not independent (they start side by side, see each other and
/// can collide with each other), so the bootstrap resamples whole episodes: `resamplingUnits` is
/// the episode count, whatever the swarm size. That holds for the shares of vehicles too (a
/// cluster bootstrap of "vehicles ended so / vehicles" over episodes); their Wilson intervals,
/// kept for comparison, treat every vehicle as an independent trial and so read too narrow when
/// the vehicles' fates are correlated (all the contacts of a run in one pile-up).
public struct SwarmEvaluationSummary: Sendable, Equatable {
    public var episodes: Int
    public var vehicles: Int
    /// Units the bootstrap resampled (episodes).
    public var resamplingUnits: Int
    /// Mean distance a vehicle flew before it ended, m: bootstrap percentile interval over
    /// episodes of the episodes' mean (2000 resamples, seeded).
    public var distance: ConfidenceInterval
    /// World collisions and vehicle contacts per km flown: 1000 x count / total distance,
    /// bootstrap over episodes.
    public var worldCollisionsPerKm: ConfidenceInterval
    public var contactsPerKm: ConfidenceInterval
    /// Share of vehicles that ended in a world collision, and in a vehicle contact: bootstrap
    /// over episodes (vehicles so ended / vehicles in the resampled episodes).
    public var worldCollisionShare: ConfidenceInterval
    public var contactShare: ConfidenceInterval
    /// The same shares with Wilson intervals over all vehicles as independent trials.
    public var worldCollisionShareWilson: ConfidenceInterval
    public var contactShareWilson: ConfidenceInterval
    /// Wall time of the episodes, s (total).
    public var wallSeconds: Double

    /// Summarises `episodes` (non-empty, each with at least one vehicle); `rng` drives the
    /// bootstrap of the distance and the rates, `shareRNG` that of the shares.
    public init(_ episodes: [SwarmEpisodeOutcome], rng: inout RNG, shareRNG: inout RNG) {
        precondition(!episodes.isEmpty && episodes.allSatisfy { !$0.vehicles.isEmpty })
        self.episodes = episodes.count
        let n = episodes.reduce(0) { $0 + $1.vehicles.count }
        vehicles = n
        wallSeconds = episodes.reduce(0) { $0 + $1.wallSeconds }
        // one unit per episode: the bootstrap resamples episodes
        let units = episodes.count
        resamplingUnits = units
        distance = Statistics.bootstrapInterval(units: units, rng: &rng) { Self.meanDistance(episodes, $0) }
        worldCollisionsPerKm = Statistics.bootstrapInterval(units: units, rng: &rng) { Self.perKm(episodes, $0, \.worldCollisions) }
        contactsPerKm = Statistics.bootstrapInterval(units: units, rng: &rng) { Self.perKm(episodes, $0, \.vehicleContacts) }
        worldCollisionShare = Statistics.bootstrapInterval(units: units, rng: &shareRNG) { Self.share(episodes, $0, \.worldCollisions) }
        contactShare = Statistics.bootstrapInterval(units: units, rng: &shareRNG) { Self.share(episodes, $0, \.vehicleContacts) }
        worldCollisionShareWilson = Statistics.wilsonInterval(successes: episodes.reduce(0) { $0 + $1.worldCollisions }, trials: n)
        contactShareWilson = Statistics.wilsonInterval(successes: episodes.reduce(0) { $0 + $1.vehicleContacts }, trials: n)
    }

    /// Mean distance per vehicle (m) over the episodes at `picks` (repeats count again).
    static func meanDistance(_ episodes: [SwarmEpisodeOutcome], _ picks: [Int]) -> Double {
        var d = 0.0, n = 0
        for i in picks { d += episodes[i].distance; n += episodes[i].vehicles.count }
        return d / Double(n)
    }

    /// 1000 x `count` / distance over the episodes at `picks` (per km; infinite for a count
    /// without distance, 0 for neither).
    static func perKm(_ episodes: [SwarmEpisodeOutcome], _ picks: [Int], _ count: (SwarmEpisodeOutcome) -> Int) -> Double {
        var c = 0.0, d = 0.0
        for i in picks { c += Double(count(episodes[i])); d += episodes[i].distance }
        return d > 0 ? 1000 * c / d : (c > 0 ? .infinity : 0)
    }

    /// `count` / vehicles over the episodes at `picks`.
    static func share(_ episodes: [SwarmEpisodeOutcome], _ picks: [Int], _ count: (SwarmEpisodeOutcome) -> Int) -> Double {
        var c = 0, n = 0
        for i in picks { c += count(episodes[i]); n += episodes[i].vehicles.count }
        return Double(c) / Double(n)
    }
}

/// What `swiftlet eval --swarm N` produced: every policy's episodes, the table and the CSV.
public struct SwarmEvaluationReport: Sendable {
    /// Policy labels, in `--policy` order, and `episodes[p]`: policy p's episodes in order.
    public var policies: [String]
    public var vehicles: Int
    public var seed: UInt64
    public var routeLength: Double
    public var episodes: [[SwarmEpisodeOutcome]]

    public init(policies: [String], vehicles: Int, seed: UInt64, routeLength: Double, episodes: [[SwarmEpisodeOutcome]]) {
        precondition(policies.count == episodes.count)
        self.policies = policies
        self.vehicles = vehicles
        self.seed = seed
        self.routeLength = routeLength
        self.episodes = episodes
    }

    /// One summary per policy (one seeded bootstrap stream over all of them: the same numbers
    /// on every run).
    public func summaries() -> [SwarmEvaluationSummary] {
        // the shares draw from their own stream, so the distance and rate intervals are those
        // of the runs before the shares were bootstrapped
        var rng = RNG(seed: seed, stream: 0x5357_524D), shares = RNG(seed: seed, stream: 0x5357_5348)
        return episodes.map { SwarmEvaluationSummary($0, rng: &rng, shareRNG: &shares) }
    }

    /// The per-policy table (Markdown), and with two or more policies the paired comparison
    /// against the first (`comparisonMarkdown`) after a blank line.
    public func markdown() -> String {
        var t = MarkdownTable(["policy", "episodes x vehicles", "distance per vehicle (m) [95% CI]", "world collisions per km [95% CI]",
                               "vehicle contacts per km [95% CI]", "vehicles ended in a world collision [95% CI over episodes]",
                               "vehicles ended in a contact [95% CI over episodes]", "world collision share, Wilson over vehicles",
                               "contact share, Wilson over vehicles", "wall (s)"],
                              alignments: [.left, .right, .right, .right, .right, .right, .right, .right, .right, .right])
        for (label, s) in zip(policies, summaries()) {
            t.addRow([label, "\(s.episodes) x \(vehicles)", s.distance.formatted(digits: 3), s.worldCollisionsPerKm.formatted(digits: 3),
                      s.contactsPerKm.formatted(digits: 3), s.worldCollisionShare.formatted(digits: 2), s.contactShare.formatted(digits: 2),
                      s.worldCollisionShareWilson.formatted(digits: 2), s.contactShareWilson.formatted(digits: 2),
                      Statistics.format(s.wallSeconds, digits: 3)])
        }
        let paired = comparisonMarkdown()
        return t.render() + (paired.isEmpty ? "" : "\n" + paired)
    }

    /// One row per episode and vehicle (no wall time: the same command writes the same bytes).
    public func csv() -> CSVWriter {
        var c = CSVWriter(header: ["policy", "episode", "seed", "vehicle", "start_x", "start_y", "start_yaw", "distance_m",
                                   "world_collision", "vehicle_contact", "ticks"])
        for (label, list) in zip(policies, episodes) {
            for e in list {
                for v in e.vehicles {
                    c.addRow([label, String(e.episode), String(e.seed), String(v.vehicle)]
                             + [v.start.x, v.start.y, v.startYaw, v.distance].map(CSVWriter.field)
                             + [v.worldCollision ? "1" : "0", v.vehicleContact ? "1" : "0", String(v.ticks)])
                }
            }
        }
        return c
    }
}
