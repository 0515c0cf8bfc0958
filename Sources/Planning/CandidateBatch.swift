/// The last batch a planner scored, kept for the viewer (candidate paths coloured by cost) and
/// for tests. Storage is preallocated and overwritten every tick: copy out what you need before
/// the next `plan` call (holding the arrays across a tick forces the planner to copy them).
public struct CandidateBatch: Sendable {
    /// Sequences `[capacity][horizon][actionDim]`; the first `count` are valid.
    public let actions: [Float]
    /// Cost per candidate (`+infinity` = rejected); the first `count` are valid.
    public let costs: [Float]
    /// Valid candidates in the buffers.
    public let count: Int
    /// Indices of the best candidates of the batch, lowest cost first (CEM: the elites; MPPI
    /// and random shooting: the `keepBest` lowest costs). Only finite-cost candidates appear.
    public let ranked: [Int32]
    /// Valid entries of `ranked`.
    public let rankedCount: Int
    public let horizon: Int
    public let actionDim: Int

    init(actions: [Float], costs: [Float], count: Int, ranked: [Int32], rankedCount: Int,
         horizon: Int, actionDim: Int) {
        self.actions = actions
        self.costs = costs
        self.count = count
        self.ranked = ranked
        self.rankedCount = rankedCount
        self.horizon = horizon
        self.actionDim = actionDim
    }

    /// Candidate `i` as a `[horizon][actionDim]` slice.
    public func sequence(_ i: Int) -> ArraySlice<Float> {
        let n = horizon * actionDim
        return actions[i * n ..< (i + 1) * n]
    }
}
