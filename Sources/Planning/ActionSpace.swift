/// The space a planner searches: sequences of `horizon` actions of `actionDim` components, each
/// component boxed in `[lower[d], upper[d]]`.
///
/// A candidate sequence is stored flat as `[horizon][actionDim]` Float32 (row `h` holds the
/// action applied at step `h`); a batch of candidates is `[count][horizon][actionDim]`. Units
/// are whatever the caller's actions are in (GtS: yaw rate in rad/s, A = 1, H = 12).
///
/// ```swift
/// let space = ActionSpace(horizon: 12, lower: [-2.094], upper: [2.094])
/// ```
public struct ActionSpace: Sendable, Equatable {
    /// Steps per sequence (H).
    public let horizon: Int
    /// Lower bound per action component, length `actionDim`.
    public let lower: [Float]
    /// Upper bound per action component, length `actionDim`.
    public let upper: [Float]

    /// A space of `horizon` steps with per-component bounds; `lower[d] <= upper[d]` for all d.
    public init(horizon: Int, lower: [Float], upper: [Float]) {
        precondition(horizon > 0, "ActionSpace needs a positive horizon")
        precondition(!lower.isEmpty && lower.count == upper.count, "ActionSpace bounds must be non-empty and of equal length")
        for d in lower.indices {
            precondition(lower[d].isFinite && upper[d].isFinite && lower[d] <= upper[d],
                         "ActionSpace bound \(d) is not a finite interval: [\(lower[d]), \(upper[d])]")
        }
        self.horizon = horizon
        self.lower = lower
        self.upper = upper
    }

    /// Components per action (A).
    @inlinable public var actionDim: Int { lower.count }
    /// Floats per sequence (H * A).
    @inlinable public var sequenceLength: Int { horizon * lower.count }

    /// Centre of the box for component `d`.
    @inlinable public func centre(_ d: Int) -> Float { 0.5 * (lower[d] + upper[d]) }
    /// Half the range of component `d` (the natural noise scale).
    @inlinable public func halfRange(_ d: Int) -> Float { 0.5 * (upper[d] - lower[d]) }

    /// `x` clamped into the bounds of component `d`.
    @inlinable public func clamp(_ x: Float, _ d: Int) -> Float {
        Swift.min(Swift.max(x, lower[d]), upper[d])
    }

    /// Writes `values` into `out[0..<values.count]`, value `j` clamped into the bounds of
    /// component `j % actionDim`: a sequence `[horizon][actionDim]` or a single action. The one
    /// rule behind every planner's `setNominal`, `setInitialNominal` and previous action.
    func clamp(_ values: [Float], into out: inout [Float]) {
        for j in 0..<values.count { out[j] = clamp(values[j], j % actionDim) }
    }

    /// A sequence with every step at the centre of the box.
    public func centredSequence() -> [Float] {
        var s = [Float](repeating: 0, count: sequenceLength)
        for h in 0..<horizon { for d in 0..<actionDim { s[h * actionDim + d] = centre(d) } }
        return s
    }
}
