/// How the planner's abstain threshold on P(safe) is set for each risk-model arm.
public enum HedgingRiskPlanner: String, Codable, Sendable, CaseIterable {
    /// One planner: the OCS rule on the standard arm's outputs, used by both arms (declared).
    case shared
    /// Each arm's own OCS rule (threshold with the best mean reward on the in-distribution scenes).
    case own
    /// The conservative arm's threshold is the grid value whose in-distribution abstain rate is
    /// closest to the standard arm's (lowest on ties): equal caution on familiar scenes.
    case matchedAbstain
}
