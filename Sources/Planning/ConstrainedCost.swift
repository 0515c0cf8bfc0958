/// A safety-filter stage in front of an objective: candidates whose constraint value exceeds
/// `threshold` are rejected (`+infinity`), and when a whole batch is rejected the batch is ranked
/// by the constraint value instead, so the planner moves towards `argmin` of the constraint.
///
/// This is the LDM filter of METHODS.md section 3 when `constraint` returns G(s, a) per candidate
/// and `threshold = -log c`; with `constraint` returning the energy -log p(s, a) of the first
/// action it is the greedy density-threshold baseline. Both the objective and the constraint are
/// plain `SequenceCost`s over the same `[count][horizon][actionDim]` batch.
///
/// Per batch:
/// - some candidate has `g <= threshold`: cost = objective for those, `+infinity` for the rest;
/// - none does (fallback): cost = `fallbackOffset + g` for every candidate with finite `g`.
///   With a single-batch planner (random shooting, MPPI) this executes exactly
///   "argmin G when nothing is admissible". CEM re-fits per iteration on its own batch, so
///   fallback and objective costs only meet in `PlanDiagnostics.bestCost`; set `fallbackOffset`
///   above any objective value if that comparison matters to you.
///
/// ```swift
/// var filtered = ConstrainedCost(objective: collisionCost, constraint: ldm, threshold: -log(c))
/// let d = cem.plan(&filtered, rng: &rng)
/// if filtered.lastFallback { /* no admissible candidate this tick */ }
/// ```
public struct ConstrainedCost<Objective: SequenceCost, Constraint: SequenceCost>: SequenceCost {
    /// The task cost (lower is better).
    public var objective: Objective
    /// The constraint value per candidate (admissible when `<= threshold`).
    public var constraint: Constraint
    /// Largest admissible constraint value (LDM: -log c).
    public var threshold: Float
    /// Added to the constraint value in fallback batches (default 0).
    public var fallbackOffset: Float
    /// Admissible candidates in the last batch.
    public private(set) var lastAdmissible: Int = 0
    /// Whether the last batch had no admissible candidate and was ranked by the constraint.
    public private(set) var lastFallback: Bool = false
    /// Constraint values of the last batch (first `lastCount` entries are valid).
    public private(set) var lastConstraint: [Float] = []
    /// Size of the last batch.
    public private(set) var lastCount: Int = 0

    public init(objective: Objective, constraint: Constraint, threshold: Float, fallbackOffset: Float = 0) {
        self.objective = objective
        self.constraint = constraint
        self.threshold = threshold
        self.fallbackOffset = fallbackOffset
    }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        // scratch grows once to the largest batch, then is reused
        if lastConstraint.count < count { lastConstraint = [Float](repeating: 0, count: count) }
        lastCount = count
        let threshold = self.threshold, offset = fallbackOffset
        var admissible = 0
        lastConstraint.withUnsafeMutableBufferPointer { g in
            constraint.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: g)
            for i in 0..<count where g[i] <= threshold { admissible += 1 }
        }
        lastAdmissible = admissible
        lastFallback = admissible == 0
        if admissible > 0 {
            objective.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
            lastConstraint.withUnsafeBufferPointer { g in
                for i in 0..<count where !(g[i] <= threshold) { costs[i] = .infinity }
            }
        } else {
            // fallback: rank by the constraint itself (argmin g)
            lastConstraint.withUnsafeBufferPointer { g in
                for i in 0..<count { costs[i] = g[i].isFinite ? offset + g[i] : .infinity }
            }
        }
    }
}

extension ConstrainedCost: Sendable where Objective: Sendable, Constraint: Sendable {}
