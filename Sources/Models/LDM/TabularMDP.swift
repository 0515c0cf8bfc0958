/// A small deterministic MDP over finite states and actions: `next(s, a)` is the successor
/// f(s, a). The exact counterpart of the learned dynamics in the LDM experiment
/// (METHODS.md section 3), used to check the LDM machinery by value iteration and exhaustive
/// rollouts. States are `0..<stateCount`, actions `0..<actionCount`; pairs are indexed
/// `s * actionCount + a` everywhere in the tabular LDM code.
///
/// ```swift
/// // a three-state chain with a "stay" (0) and a "forward" (1) action; state 2 absorbs
/// let mdp = TabularMDP(stateCount: 3, actionCount: 2) { s, a in a == 0 ? s : min(s + 1, 2) }
/// ```
public struct TabularMDP: Sendable, Equatable {
    public let stateCount: Int
    public let actionCount: Int
    /// Successor of each pair, `[stateCount * actionCount]`.
    public let successors: [Int]

    /// An MDP from a successor table (`successors[s * actionCount + a]`).
    public init(stateCount: Int, actionCount: Int, successors: [Int]) {
        precondition(stateCount > 0 && actionCount > 0, "TabularMDP needs at least one state and one action")
        precondition(successors.count == stateCount * actionCount, "TabularMDP needs one successor per (state, action)")
        precondition(successors.allSatisfy { $0 >= 0 && $0 < stateCount }, "TabularMDP successor out of range")
        self.stateCount = stateCount
        self.actionCount = actionCount
        self.successors = successors
    }

    /// An MDP from a transition function f(s, a).
    public init(stateCount: Int, actionCount: Int, transition: (Int, Int) -> Int) {
        var t: [Int] = []
        t.reserveCapacity(stateCount * actionCount)
        for s in 0..<stateCount { for a in 0..<actionCount { t.append(transition(s, a)) } }
        self.init(stateCount: stateCount, actionCount: actionCount, successors: t)
    }

    /// Number of (state, action) pairs.
    @inlinable public var pairCount: Int { stateCount * actionCount }

    /// Index of the pair (s, a).
    @inlinable public func pair(_ s: Int, _ a: Int) -> Int { s * actionCount + a }

    /// f(s, a).
    @inlinable public func next(_ s: Int, _ a: Int) -> Int { successors[s * actionCount + a] }
}
