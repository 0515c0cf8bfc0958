/// What one planning tick did, for logs, the HUD and tests. All costs are in the cost
/// function's units; `+infinity` when no candidate was admissible.
public struct PlanDiagnostics: Sendable, Equatable {
    /// Lowest finite cost seen this tick (over every batch).
    public var bestCost: Float = .infinity
    /// Mean of the finite costs of the last batch.
    public var meanCost: Float = .infinity
    /// Mean cost of the elites of the last batch (CEM), or of the weighted samples (MPPI: the
    /// weight-averaged cost); equals `bestCost` for random shooting.
    public var eliteMeanCost: Float = .infinity
    /// Candidates scored this tick (CEM: 4096 + 3 x 1024).
    public var evaluated: Int = 0
    /// Candidates with finite cost this tick.
    public var admissible: Int = 0
    /// Batches this tick in which every candidate was rejected.
    public var rejectedBatches: Int = 0
    /// Every candidate of every batch this tick was rejected: the planner kept its previous
    /// distribution and executes its nominal plan.
    public var allRejected: Bool = false
    /// MPPI only: effective sample size of the weights, 1 / sum(w^2) with sum(w) = 1.
    public var effectiveSamples: Float = 0

    public init() {}
}
