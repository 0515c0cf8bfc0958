import Geometry
import Models
import Planning

/// What the viewer needs to show the safety filter at work for one tick of the flight task:
/// a sample of the planner's candidates as world paths (learned-model rollouts) with their
/// constraint value and whether the filter admitted them, plus the HUD figures.
///
/// Map to the viewer (`Viewer.CandidatePath`): `points` -> `points`, `chosen` -> `isChosen`;
/// grey out candidates with `admissible == false` (until CandidatePath has a flag, a rejected
/// candidate can be passed with `collisionProbability = 1`); put `hudText` on the HUD.
public struct LDMFlightPlanView: Sendable {
    public struct Candidate: Sendable, Equatable {
        /// Predicted positions (m, world), one per horizon step.
        public var points: [Vec3]
        /// Constraint value of the first action: G(s, a_0) for the LDM filter, -log p(s, a_0)
        /// for the greedy filter, 0 without a filter (nats).
        public var value: Float
        /// Whether the filter admitted it (value <= threshold).
        public var admissible: Bool
        /// The executed candidate.
        public var chosen: Bool
    }

    public var candidates: [Candidate]
    /// Filter name ("none", "greedy p5", "ldm p5"), threshold -log c (nats).
    public var filter: String
    public var threshold: Float
    /// Constraint value of the executed first action (nats).
    public var executedValue: Float
    /// No candidate was admissible: the planner flew the fallback (argmin of the constraint, or
    /// the margin fallback's pick).
    public var fallback: Bool
    /// Admissible and evaluated candidates of the tick.
    public var admissibleCount: Int
    public var evaluatedCount: Int

    /// One HUD line, e.g. "ldm p5  G 3.12 <= 4.05  admitted 611/1024".
    public var hudText: String {
        let label = filter.hasPrefix("ldm") ? "G" : filter.hasPrefix("greedy") ? "-log p" : "value"
        let rel = fallback ? "FALLBACK" : (executedValue <= threshold ? "<=" : ">")
        return "\(filter)  \(label) \(String(format: "%.2f", executedValue)) \(rel) \(String(format: "%.2f", threshold))  admitted \(admissibleCount)/\(evaluatedCount)"
    }

    /// The view of the last `planner.plan(&cost, ...)` at world `position` (where the compact
    /// state in `cost` was taken): the executed candidate and the first `maxCandidates` of the
    /// batch (a uniform sample, so admitted and rejected ones both show).
    public static func make(planner: RandomShootingPlanner, cost: ConstrainedCost<LDMFlightCost, LDMFlightConstraint>,
                            filter: String, position: Vec3, maxCandidates: Int = 64) -> LDMFlightPlanView {
        let batch = planner.lastBatch
        let n = min(batch.count, cost.lastCount)
        let chosen = batch.rankedCount > 0 ? Int(batch.ranked[0]) : -1
        var indices = Array(0..<min(n, maxCandidates))
        if chosen >= 0, !indices.contains(chosen) { indices.append(chosen) }
        let g = cost.lastConstraint, thr = cost.threshold
        let candidates = indices.map { i -> Candidate in
            let path = cost.objective.rollout(Array(batch.sequence(i)), horizon: batch.horizon)
            return Candidate(points: path.map { Vec3(position.x + Double($0.x), position.y + Double($0.y), Double($0.z)) },
                             value: g[i], admissible: g[i] <= thr, chosen: i == chosen)
        }
        return LDMFlightPlanView(candidates: candidates, filter: filter, threshold: thr,
                                 executedValue: chosen >= 0 ? g[chosen] : .nan, fallback: cost.lastFallback,
                                 admissibleCount: cost.lastAdmissible, evaluatedCount: n)
    }
}
