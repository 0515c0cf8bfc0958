import Diagnostics
import Foundation
import Runtime

/// Swarm collection: the last `lanes` lanes of every collection shard fly `SwarmEnv` episodes of
/// `count` vehicles (`SwarmLayout.lineAbreast`, `spacing` m apart, every camera drawing the
/// others) instead of single-vehicle `Env` episodes. Every vehicle flies its own instance of the
/// exploration policy from its own observation, and its trajectory becomes one episode of the
/// `CollisionDataset`; touching another vehicle ends it as a collision, as hitting a tree does.
///
/// The `train collision` key `collectionSwarm` (absent: single-vehicle collection only):
///
/// ```json
/// "collectionSwarm": {"count": 4, "spacing": 1.5, "lanes": 4}
/// ```
public struct CollectionSwarm: Codable, Sendable, Equatable {
    /// Vehicles per swarm episode (2-16).
    public var count = 4
    /// Distance between neighbours of the line abreast at the start, m.
    public var spacing = 1.5
    /// Lanes (of the shard's `lanes`, the last ones) that fly swarms.
    public var lanes = 4
    /// Length ahead of every start that must be clear of the world, m (as `fly --swarm --policy`).
    public var clearAhead = 1.0

    public init(count: Int = 4, spacing: Double = 1.5, lanes: Int = 4, clearAhead: Double = 1.0) {
        self.count = count
        self.spacing = spacing
        self.lanes = lanes
        self.clearAhead = clearAhead
    }

    /// The swarm settings of a swarm lane's environment.
    public var settings: SwarmSettings { SwarmSettings(count: count, layout: .lineAbreast, spacing: spacing, cameras: true) }

    /// The first problem with the values for a shard of `totalLanes` lanes, if any. `name` gives
    /// a field's name in the message: the config key by default, a command-line flag for
    /// `collect --swarm`.
    public func problem(totalLanes: Int, name: (String) -> String = { "collectionSwarm.\($0)" }) -> String? {
        if !(2...16).contains(count) { return "\(name("count")) must be 2 to 16 vehicles, got \(count)" }
        if !(spacing.isFinite && spacing > 0) { return "\(name("spacing")) must be a positive distance in m, got \(spacing)" }
        if !(1...max(1, totalLanes)).contains(lanes) { return "\(name("lanes")) must be 1 to lanes (\(totalLanes)), got \(lanes)" }
        if !(clearAhead.isFinite && clearAhead >= 0) { return "\(name("clearAhead")) must be >= 0 m, got \(clearAhead)" }
        return nil
    }

    /// `collect`'s flag for each field set on the command line (the others keep the config key).
    public static func flagName(_ field: String) -> String {
        ["count": "--swarm", "spacing": "--swarm-spacing", "lanes": "--swarm-lanes"][field] ?? "collectionSwarm.\(field)"
    }

    /// One line for dataset info and reports.
    public var summary: String { "\(count) vehicles \(spacing) m apart in \(lanes) lane(s), \(clearAhead) m clear ahead" }

    private enum CodingKeys: String, CodingKey {
        case count, spacing, lanes, clearAhead
    }

    /// Every key optional (a config names only what it changes); `CollisionPipelineConfig.load`
    /// refuses unknown keys in the block (`ConfigFile`'s `optionalShapes`).
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let v = try c.decodeIfPresent(Int.self, forKey: .count) { count = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .spacing) { spacing = v }
        if let v = try c.decodeIfPresent(Int.self, forKey: .lanes) { lanes = v }
        if let v = try c.decodeIfPresent(Double.self, forKey: .clearAhead) { clearAhead = v }
    }
}
