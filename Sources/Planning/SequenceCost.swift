/// A batch cost over candidate action sequences: the only thing a planner knows about the world.
///
/// `cost` receives `count` candidates laid out `[count][horizon][actionDim]` (Float32,
/// contiguous, row-major: candidate `i`, step `h`, component `d` is at
/// `actions[(i * horizon + h) * actionDim + d]`) and writes one cost per candidate into
/// `costs[0..<count]`. Lower is better. The layout is that of a GEMM batch, so a neural model can
/// read `actions` directly as its `[count, horizon * actionDim]` input.
///
/// Contract:
/// - Costs are compared only with each other within one planning tick; any finite scale works
///   (MPPI's inverse temperature is the one setting that depends on scale).
/// - `+infinity` marks a *rejected* candidate (for example by a safety filter). NaN is treated
///   exactly like `+infinity`. Rejected candidates never become elites, never receive MPPI
///   weight and are never returned as the best sequence.
/// - If every candidate of a tick is rejected, planners do not fail: they keep their previous
///   distribution, report `PlanDiagnostics.allRejected`, and execute their nominal plan. A
///   filter that wants a *fallback* (LDM: argmin G) should instead return finite fallback costs
///   when nothing is admissible; `ConstrainedCost` does exactly that.
/// - Every call may be a different batch size (CEM: 4096 then 1024); `count <= maxBatch` of the
///   planner that calls it. The function may keep scratch buffers (it is `mutating`), but must be
///   deterministic given its inputs and state.
///
/// ```swift
/// struct Quadratic: SequenceCost {
///     mutating func cost(_ a: UnsafeBufferPointer<Float>, count: Int, horizon: Int,
///                        actionDim: Int, into costs: UnsafeMutableBufferPointer<Float>) {
///         let n = horizon * actionDim
///         for i in 0..<count {
///             var s: Float = 0
///             for j in 0..<n { let x = a[i * n + j] - 0.3; s += x * x }
///             costs[i] = s
///         }
///     }
/// }
/// ```
public protocol SequenceCost {
    /// Writes the cost of each of `count` candidates (`[count][horizon][actionDim]`) into `costs`.
    mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                       into costs: UnsafeMutableBufferPointer<Float>)
}

/// A `SequenceCost` from a per-sequence closure, for tests, tools and cheap analytic costs.
///
/// The closure sees one sequence (`[horizon][actionDim]`) at a time. Neural models should
/// implement `SequenceCost` directly to score the whole batch at once.
public struct ClosureCost: SequenceCost {
    /// Cost of one sequence (`horizon * actionDim` floats).
    public var perSequence: (UnsafeBufferPointer<Float>) -> Float

    public init(_ perSequence: @escaping (UnsafeBufferPointer<Float>) -> Float) {
        self.perSequence = perSequence
    }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        let n = horizon * actionDim
        guard let base = actions.baseAddress else { return }
        for i in 0..<count {
            costs[i] = perSequence(UnsafeBufferPointer(start: base + i * n, count: n))
        }
    }
}
