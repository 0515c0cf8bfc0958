import Foundation
import Runtime

/// Settings of one collection shard.
public struct CollectionSettings: Sendable {
    /// World specs (files or GENERATOR:SEED) episodes draw from.
    public var worlds: [String]
    public var env: EnvSettings
    public var domain: DomainProfile
    /// Control steps (samples) to collect in this shard.
    public var steps: Int
    public var seed: UInt64
    public var shard: ShardSpec
    public var exploration: ExplorationKind
    /// Label horizon H.
    public var horizon: Int
    /// Fixed number of independent lanes (not threads): the data depend on it, the thread count not.
    public var lanes: Int
    public var threads: Int
    /// Swarm lanes (nil: every lane flies one vehicle).
    public var swarm: CollectionSwarm?

    public init(worlds: [String], env: EnvSettings = EnvSettings(), domain: DomainProfile = .sim, steps: Int, seed: UInt64,
                shard: ShardSpec = .single, exploration: ExplorationKind = .uniformSequences, horizon: Int = 12, lanes: Int = 8,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, swarm: CollectionSwarm? = nil) {
        self.worlds = worlds
        self.env = env
        self.domain = domain
        self.steps = steps
        self.seed = seed
        self.shard = shard
        self.exploration = exploration
        self.horizon = horizon
        self.lanes = lanes
        self.threads = threads
        self.swarm = swarm
    }
}
