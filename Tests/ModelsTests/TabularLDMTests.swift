import Foundation
import Geometry
@testable import Models
import Testing

/// The "ledge": a dense action leads inevitably to sparse states later.
///
///     home(0) <-> path(1) <-> edge(2) --forward--> slide(3) --> slide(4) --> pit(5) (absorbing)
///
/// Action 0 = back (stay at home), 1 = forward. The data often went forward from the edge and
/// down the slide (dense pairs), but almost never reached the pit. Level c = weight 1 of the
/// total: everything but the pit is in distribution *now*.
enum Ledge {
    static let mdp = TabularMDP(stateCount: 6, actionCount: 2) { s, a in
        switch (s, a) {
        case (0, 0): return 0
        case (0, 1): return 1
        case (1, 0): return 0
        case (1, 1): return 2
        case (2, 0): return 1
        case (2, 1): return 3
        case (3, _): return 4
        case (4, _): return 5
        default: return 5
        }
    }
    static let weights: [Double] = [10, 10, 5, 10, 2, 10, 8, 8, 8, 8, 0.01, 0.01]
    static let density = TabularDensity(weights: weights)
    static let level = 1 / weights.reduce(0, +)
    static let ldm = TabularLDM.solve(mdp: mdp, density: density)
    /// The task: go forward (progress), i.e. prefer action 1.
    static func forward(_ s: Int, _ a: Int) -> Double { a == 1 ? 0 : 1 }
}

@Suite struct TabularLDMTests {
    @Test func exactValuesOnTheLedgeByHand() {
        let e = Ledge.density.energies, g = Ledge.ldm
        let pit = e[10]
        // the slide and the edge's forward action inherit the pit's energy
        for s in [3, 4, 5] { for a in 0..<2 { #expect(g.value(s, a) == pit) } }
        #expect(g.value(2, 1) == pit)
        // home loops forever at E(home, stay); the way back inherits the largest energy met on it
        #expect(g.value(0, 0) == e[0])
        #expect(g.value(1, 0) == max(e[2], e[0]))
        #expect(g.value(2, 0) == max(e[4], g.value(1, 0)))
        #expect(g.value(0, 1) == max(e[1], g.value(1, 0)))
        #expect(g.bellmanResidual() == 0)
    }

    @Test func greedyFilterProvablyLeavesTheDistribution() {
        let greedy = TabularSafetyFilter(kind: .greedy, ldm: Ledge.ldm, level: Ledge.level)
        // every state except the pit is an admissible start for the greedy filter
        let starts = (0..<6).filter { greedy.isAdmissible($0) }
        #expect(starts == [0, 1, 2, 3, 4])
        // exhaustive: from the slide, *every* greedy-allowed trajectory reaches the pit
        for s in [3, 4] {
            let r = TabularRollouts.enumerate(greedy, from: s, steps: 8)
            #expect(r.trajectories > 0 && r.leaving == r.trajectories, "start \(s)")
        }
        // and from every admissible start, some greedy-allowed trajectory leaves
        for s in starts {
            let r = TabularRollouts.enumerate(greedy, from: s, steps: 10)
            #expect(r.leaving > 0 && r.lowestDensity < Ledge.level, "start \(s)")
        }
        // the task-driven greedy agent walks off the ledge from home
        let path = TabularRollouts.rollout(greedy, from: 0, steps: 8, taskCost: Ledge.forward)
        let dens = path.map { Ledge.density.probability(Ledge.mdp.pair($0.state, $0.action)) }
        #expect(dens.contains { $0 < Ledge.level })
        // ...although each step it took was dense when it was taken, until it had no choice
        let firstExit = dens.firstIndex { $0 < Ledge.level }!
        #expect(dens[..<firstExit].allSatisfy { $0 >= Ledge.level })
    }

    @Test func ldmFilterProvablyNeverLeaves() {
        let ldmFilter = TabularSafetyFilter(kind: .ldm, ldm: Ledge.ldm, level: Ledge.level)
        let starts = (0..<6).filter { ldmFilter.isAdmissible($0) }
        #expect(starts == [0, 1, 2])
        // infinite horizon: the closure of allowed pairs from every admissible start stays dense
        let reach = TabularRollouts.reachablePairs(ldmFilter, from: starts)
        for i in reach.indices where reach[i] { #expect(Ledge.density.probability(i) >= Ledge.level, "pair \(i)") }
        #expect(!reach[Ledge.mdp.pair(2, 1)])   // the dense-but-doomed action is filtered
        // exhaustive finite rollouts agree
        for s in starts {
            let r = TabularRollouts.enumerate(ldmFilter, from: s, steps: 14)
            #expect(r.trajectories > 1 && r.leaving == 0 && r.lowestDensity >= Ledge.level, "start \(s)")
        }
        // the same forward-seeking task, filtered by the LDM, turns back at the edge
        let path = TabularRollouts.rollout(ldmFilter, from: 0, steps: 20, taskCost: Ledge.forward)
        #expect(path.allSatisfy { Ledge.density.probability(Ledge.mdp.pair($0.state, $0.action)) >= Ledge.level })
        #expect(path.contains { $0.state == 2 })   // it still makes the progress it safely can
    }

    /// Random deterministic MDPs with some sparse pairs.
    static func randomProblem(_ rng: inout RNG, states: Int, actions: Int) -> (TabularMDP, TabularDensity) {
        let mdp = TabularMDP(stateCount: states, actionCount: actions,
                             successors: (0..<(states * actions)).map { _ in rng.int(below: states) })
        let w = (0..<(states * actions)).map { _ -> Double in
            let u = rng.uniform()
            return u < 0.25 ? 0.001 * rng.uniform() : (u < 0.3 ? 0 : rng.uniform())
        }
        return (mdp, TabularDensity(weights: w.allSatisfy { $0 == 0 } ? [Double](repeating: 1, count: w.count) : w))
    }

    @Test func valueIterationMatchesBruteForceMinimax() {
        // G(s, a) = min over action sequences of the max energy along the path. A path that
        // survives pairCount steps under a level must repeat a pair, so pairCount-step search is exact.
        var rng = RNG(seed: 17)
        for _ in 0..<20 {
            let (mdp, density) = Self.randomProblem(&rng, states: 5, actions: 2)
            let ldm = TabularLDM.solve(mdp: mdp, density: density)
            let e = density.energies
            let depth = mdp.pairCount
            func best(_ s: Int, _ a: Int, _ left: Int) -> Double {
                let here = e[mdp.pair(s, a)]
                if left == 0 { return here }
                let n = mdp.next(s, a)
                var m = Double.infinity
                for b in 0..<mdp.actionCount { m = min(m, best(n, b, left - 1)) }
                return max(here, m)
            }
            for s in 0..<mdp.stateCount {
                for a in 0..<mdp.actionCount { #expect(ldm.value(s, a) == best(s, a, depth)) }
            }
            #expect(ldm.bellmanResidual() == 0)
        }
    }

    @Test func lyapunovGuaranteeOnRandomProblems() {
        // G(s0, a0) <= -log c, then any choice keeping G <= -log c gives p >= c at every step
        var rng = RNG(seed: 5)
        for trial in 0..<30 {
            let (mdp, density) = Self.randomProblem(&rng, states: 7, actions: 3)
            let ldm = TabularLDM.solve(mdp: mdp, density: density)
            let finite = ldm.values.filter(\.isFinite).sorted()
            guard !finite.isEmpty else { continue }
            for q in [0.0, 0.5, 1.0] {
                let level = exp(-finite[Int(q * Double(finite.count - 1))])
                let filter = TabularSafetyFilter(kind: .ldm, ldm: ldm, level: level)
                for s0 in 0..<mdp.stateCount {
                    for a0 in 0..<mdp.actionCount where ldm.value(s0, a0) <= filter.threshold {
                        // p(s0, a0) >= c and a continuation always exists
                        #expect(density.probability(mdp.pair(s0, a0)) >= level * (1 - 1e-12), "trial \(trial)")
                        let s1 = mdp.next(s0, a0)
                        #expect(filter.isAdmissible(s1), "trial \(trial): no safe continuation")
                        let r = TabularRollouts.enumerate(filter, from: s1, steps: 6)
                        #expect(r.leaving == 0, "trial \(trial) start (\(s0), \(a0))")
                    }
                }
            }
        }
    }

    @Test func discountedLDMConvergesToTheExactOneFromBelow() {
        var rng = RNG(seed: 3)
        for _ in 0..<5 {
            let (mdp, density) = Self.randomProblem(&rng, states: 6, actions: 2)
            let exact = TabularLDM.solve(mdp: mdp, density: density)
            var previousError = Double.infinity
            for gamma in [0.9, 0.99, 0.999, 0.9999] {
                let d = TabularLDM.solveDiscounted(mdp: mdp, energies: density.energies, gamma: gamma, tolerance: 1e-13)
                var err = 0.0
                for i in 0..<mdp.pairCount {
                    let g = exact.values[i], h = d.values[i]
                    if g.isInfinite { #expect(h.isInfinite); continue }
                    #expect(h <= g + 1e-9)                                // under-estimates
                    #expect(h >= exact.energies[i] - 1e-9)                // but never below E
                    err = max(err, g - h)
                }
                #expect(err <= previousError + 1e-12)
                previousError = err
            }
            // error shrinks like (1 - gamma) x (energy range x path length)
            let range = exact.values.filter(\.isFinite).max()! + 1
            #expect(previousError < 1e-4 * range * Double(mdp.pairCount))
        }
        // on the ledge the discounted values order the actions as the exact ones do
        let d = TabularLDM.solveDiscounted(mdp: Ledge.mdp, energies: Ledge.density.energies, gamma: 0.999)
        #expect(d.value(2, 0) < d.value(2, 1))
    }

    @Test func fallbackPicksArgminOfTheConstrainedValue() {
        // at the slide nothing is LDM-admissible: fallback = argmin G (ties -> lowest index)
        let f = TabularSafetyFilter(kind: .ldm, ldm: Ledge.ldm, level: Ledge.level)
        #expect(f.admissibleActions(3).isEmpty && f.allowedActions(3) == [0])
        // a level so high nothing is admissible anywhere: greedy falls back to the densest action
        let strict = TabularSafetyFilter(kind: .greedy, ldm: Ledge.ldm, level: 0.99)
        #expect(strict.allowedActions(1) == [1])   // weight 10 beats 5
        #expect(strict.allowedActions(2) == [1])   // weight 10 beats 2
    }

    @Test func empiricalDensityFromData() {
        let d = TabularDensity(pairs: [0, 0, 1, 3], pairCount: 4)
        #expect(d.probabilities == [0.5, 0.25, 0, 0.25])
        #expect(d.energy(2) == .infinity)
        let s = TabularDensity(pairs: [0, 0, 1, 3], pairCount: 4, smoothing: 1)
        let expected: [Double] = [0.375, 0.25, 0.125, 0.25]
        #expect(s.probabilities == expected)
    }
}
