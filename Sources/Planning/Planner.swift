import Geometry

/// A sampling-based optimiser over action sequences, replanned every control tick (MPC).
///
/// A planner knows nothing of images, robots or networks: it proposes candidate sequences in its
/// `ActionSpace`, scores them in batches through a `SequenceCost`, and keeps a *nominal* sequence
/// `[horizon][actionDim]` whose first action is executed. One tick of MPC:
///
/// ```swift
/// var planner = CEMPlanner(space: space)
/// var rng = RNG(seed: 1)
/// while flying {
///     let diag = planner.plan(&cost, rng: &rng)      // scores candidates, updates `nominal`
///     send(planner.firstAction)                       // first action of the nominal plan
///     planner.shift()                                 // warm start for the next tick
/// }
/// ```
///
/// Guarantees shared by all implementations:
/// - deterministic: the same RNG state, cost and planner state give bit-identical results;
/// - every candidate passed to the cost and the nominal plan lie inside the bounds (clamped);
/// - buffers are allocated at `init`; `plan` allocates nothing (unless the caller holds on to
///   `lastBatch` arrays across ticks);
/// - rejected candidates (`+infinity`/NaN cost) are handled as documented on `SequenceCost`.
public protocol Planner {
    /// The searched space (horizon, action dimension, bounds).
    var space: ActionSpace { get }
    /// The current plan `[horizon][actionDim]`, always inside the bounds.
    var nominal: [Float] { get }
    /// Largest batch the planner passes to the cost function in one call.
    var maxBatch: Int { get }
    /// Diagnostics of the last `plan` call.
    var diagnostics: PlanDiagnostics { get }
    /// The last scored batch (candidates, costs, best indices) for drawing and inspection.
    var lastBatch: CandidateBatch { get }

    /// Runs one planning tick: samples, scores through `cost`, updates `nominal`.
    @discardableResult
    mutating func plan<C: SequenceCost>(_ cost: inout C, rng: inout RNG) -> PlanDiagnostics

    /// Warm start: drops the first `steps` actions of the nominal plan, moves the rest forward
    /// and fills the tail by repeating the last action. Call after executing the first action.
    mutating func shift(by steps: Int)

    /// Forgets everything learned across ticks: nominal plan back to the initial one (box
    /// centre unless set), distributions back to their priors, previous action cleared.
    mutating func reset()

    /// Replaces the nominal plan (clamped into the bounds), e.g. from a fallback controller.
    mutating func setNominal(_ sequence: [Float])
}

extension Planner {
    /// Shift by one control step.
    public mutating func shift() { shift(by: 1) }

    /// First action of the nominal plan (`actionDim` floats). Allocates a small array; use
    /// `nominal[d]` in allocation-free loops.
    public var firstAction: [Float] { Array(nominal[0..<space.actionDim]) }
}
