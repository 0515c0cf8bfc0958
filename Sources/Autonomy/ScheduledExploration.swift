/// An exploration policy whose noise follows a `LinearSchedule` over a global step count that the
/// collector sets (`GaussianExploration`, `EpsilonGreedyExploration`): a single-vehicle lane
/// sets it once at the lane's first step and each `act` advances it by one; a swarm lane sets it
/// before every vehicle's `act` to the lane's vehicle-step count (`Collector.runSwarmLane`).
public protocol ScheduledExploration: Policy {
    /// The schedule step the next `act` uses (each `act` advances it by one).
    var globalStep: Int { get set }
}

extension GaussianExploration: ScheduledExploration {}
extension EpsilonGreedyExploration: ScheduledExploration {}
