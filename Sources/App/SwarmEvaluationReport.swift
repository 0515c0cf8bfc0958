import Diagnostics
import Geometry

/// Summary of one policy's swarm episodes, with 95% intervals.
///
/// The vehicles of one episode are not independent (they start side by side, see each other and
/// can collide with each other), so the bootstrap resamples whole episodes: `resamplingUnits` is
/// the episode count, whatever the swarm size. The shares of vehicles are Wilson intervals over
/// all vehicles, which treats them as independent trials: read them as narrower than the truth
/// when vehicles' fates are correlated.
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
    /// Share of vehicles that ended in a world collision, and in a vehicle contact: Wilson.
    public var worldCollisionShare: ConfidenceInterval
    public var contactShare: ConfidenceInterval
    /// Wall time of the episodes, s (total).
    public var wallSeconds: Double

    /// Summarises `episodes` (non-empty, each with at least one vehicle); `rng` drives the bootstrap.
    public init(_ episodes: [SwarmEpisodeOutcome], rng: inout RNG) {
        precondition(!episodes.isEmpty && episodes.allSatisfy { !$0.vehicles.isEmpty })
        self.episodes = episodes.count
        let n = episodes.reduce(0) { $0 + $1.vehicles.count }
        vehicles = n
        wallSeconds = episodes.reduce(0) { $0 + $1.wallSeconds }
        // one value per episode: the bootstrap resamples episodes
        let idx = episodes.indices.map(Double.init)
        resamplingUnits = idx.count
        func mean(_ picks: [Double]) -> Double {
            var d = 0.0, n = 0
            for i in picks { d += episodes[Int(i)].distance; n += episodes[Int(i)].vehicles.count }
            return d / Double(n)
        }
        func perKm(_ count: @escaping (SwarmEpisodeOutcome) -> Int) -> ([Double]) -> Double {
            { picks in
                var c = 0.0, d = 0.0
                for i in picks { c += Double(count(episodes[Int(i)])); d += episodes[Int(i)].distance }
                return d > 0 ? 1000 * c / d : (c > 0 ? .infinity : 0)
            }
        }
        distance = Statistics.bootstrapInterval(idx, rng: &rng, statistic: mean)
        worldCollisionsPerKm = Statistics.bootstrapInterval(idx, rng: &rng, statistic: perKm(\.worldCollisions))
        contactsPerKm = Statistics.bootstrapInterval(idx, rng: &rng, statistic: perKm(\.vehicleContacts))
        worldCollisionShare = Statistics.wilsonInterval(successes: episodes.reduce(0) { $0 + $1.worldCollisions }, trials: n)
        contactShare = Statistics.wilsonInterval(successes: episodes.reduce(0) { $0 + $1.vehicleContacts }, trials: n)
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
        var rng = RNG(seed: seed, stream: 0x5357_524D)
        return episodes.map { SwarmEvaluationSummary($0, rng: &rng) }
    }

    /// The per-policy table (Markdown).
    public func markdown() -> String {
        var t = MarkdownTable(["policy", "episodes x vehicles", "distance per vehicle (m) [95% CI]", "world collisions per km [95% CI]",
                               "vehicle contacts per km [95% CI]", "vehicles ended in a world collision [95% CI]",
                               "vehicles ended in a contact [95% CI]", "wall (s)"],
                              alignments: [.left, .right, .right, .right, .right, .right, .right, .right])
        for (label, s) in zip(policies, summaries()) {
            t.addRow([label, "\(s.episodes) x \(vehicles)", s.distance.formatted(digits: 3), s.worldCollisionsPerKm.formatted(digits: 3),
                      s.contactsPerKm.formatted(digits: 3), s.worldCollisionShare.formatted(digits: 2), s.contactShare.formatted(digits: 2),
                      Statistics.format(s.wallSeconds, digits: 3)])
        }
        return t.render()
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
