import Foundation

/// Exhaustive analysis of a `TabularSafetyFilter`: every trajectory the filter allows, not a
/// sample of them. Used to *prove* in tests that a filter keeps (or fails to keep) the agent in
/// distribution.
public enum TabularRollouts {
    /// Every (s, a) pair visited by some filter-allowed trajectory starting at one of `starts`
    /// (any allowed action at every step, forever). Breadth-first closure over pairs, so the
    /// answer covers infinite horizons. Returned as a mask over pair indices.
    public static func reachablePairs(_ filter: TabularSafetyFilter, from starts: [Int]) -> [Bool] {
        let mdp = filter.ldm.mdp
        var seen = [Bool](repeating: false, count: mdp.pairCount)
        var stateSeen = [Bool](repeating: false, count: mdp.stateCount)
        var queue = starts
        for s in starts { stateSeen[s] = true }
        var head = 0
        while head < queue.count {
            let s = queue[head]; head += 1
            for a in filter.allowedActions(s) {
                seen[mdp.pair(s, a)] = true
                let n = mdp.next(s, a)
                if !stateSeen[n] { stateSeen[n] = true; queue.append(n) }
            }
        }
        return seen
    }

    /// Outcome of enumerating every allowed trajectory of a fixed length from one start.
    public struct Enumeration: Sendable, Equatable {
        /// Trajectories enumerated (product of allowed-action counts along each branch).
        public var trajectories = 0
        /// Trajectories that visit a pair with p(s, a) < c at some step.
        public var leaving = 0
        /// Lowest density met on any trajectory.
        public var lowestDensity = Double.infinity
        /// Earliest step (0-based) at which some trajectory left the distribution, or nil.
        public var firstExit: Int?
    }

    /// Enumerates every filter-allowed action sequence of `steps` steps from `start`
    /// (depth-first) and counts those that meet a pair with p(s, a) < level.
    public static func enumerate(_ filter: TabularSafetyFilter, from start: Int, steps: Int) -> Enumeration {
        let mdp = filter.ldm.mdp
        var out = Enumeration()
        func visit(_ s: Int, _ t: Int, _ left: Bool) {
            if t == steps {
                out.trajectories += 1
                if left { out.leaving += 1 }
                return
            }
            for a in filter.allowedActions(s) {
                let p = exp(-filter.ldm.energies[mdp.pair(s, a)])
                out.lowestDensity = min(out.lowestDensity, p)
                let exits = p < filter.level
                if exits && !left { out.firstExit = min(out.firstExit ?? t, t) }
                visit(mdp.next(s, a), t + 1, left || exits)
            }
        }
        visit(start, 0, false)
        return out
    }

    /// The trajectory of a filtered task policy (`filter.choose` with `taskCost`) from `start`:
    /// the visited (state, action) pairs, `steps` long.
    public static func rollout(_ filter: TabularSafetyFilter, from start: Int, steps: Int,
                               taskCost: (Int, Int) -> Double) -> [(state: Int, action: Int)] {
        var s = start
        var path: [(state: Int, action: Int)] = []
        for _ in 0..<steps {
            let a = filter.choose(s, taskCost: taskCost)
            path.append((s, a))
            s = filter.ldm.mdp.next(s, a)
        }
        return path
    }
}
