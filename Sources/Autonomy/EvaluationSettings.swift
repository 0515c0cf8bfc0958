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
