@testable import Planning
import Geometry
import Testing

@Suite struct RandomShootingAndFilterTests {
    @Test func randomShootingKeepsTheBestCandidate() {
        let sp = ActionSpace(horizon: 3, lower: [-1], upper: [1])
        var rs = RandomShootingPlanner(space: sp)
        var cost = QuadraticCost(target: [0.5, -0.5, 0.2])
        var rng = RNG(seed: 1)
        rs.plan(&cost, rng: &rng)
        let b = rs.lastBatch
        let best = (0..<b.count).min { b.costs[$0] < b.costs[$1] }!
        #expect(Array(b.sequence(best)) == rs.nominal)
        #expect(rs.diagnostics.bestCost == b.costs[best])
        #expect(rs.diagnostics.bestCost < 0.05)
    }

    @Test func selectBestMatchesAFullSortWithTiesAndRejections() {
        var rng = RNG(seed: 12)
        for trial in 0..<20 {
            let n = 1 + rng.int(below: 300)
            let k = 1 + rng.int(below: 40)
            let costs: [Float] = (0..<n).map { _ in
                let u = rng.uniform()
                return u < 0.2 ? .infinity : Float(rng.int(below: 25))   // many ties
            }
            var ranked = [Int32](repeating: -1, count: k)
            let got = costs.withUnsafeBufferPointer { c in
                ranked.withUnsafeMutableBufferPointer { PlanningKernels.selectBest(c, count: n, k: k, into: $0) }
            }
            let expected = (0..<n).filter { costs[$0].isFinite }
                .sorted { (costs[$0], $0) < (costs[$1], $1) }.prefix(k).map { Int32($0) }
            #expect(got == expected.count, "trial \(trial)")
            #expect(Array(ranked[0..<got]) == expected, "trial \(trial)")
        }
    }

    @Test func constrainedCostMasksCandidatesAndPlannerStaysAdmissible() {
        // objective wants the first action at 0.9; only |a0| <= 0.2 is admissible
        let sp = ActionSpace(horizon: 2, lower: [-1], upper: [1])
        var filtered = ConstrainedCost(objective: QuadraticCost(target: [0.9, 0.9]),
                                       constraint: FirstActionMagnitude(), threshold: 0.2)
        var cem = CEMPlanner(space: sp)
        var rng = RNG(seed: 3)
        cem.plan(&filtered, rng: &rng)
        #expect(!filtered.lastFallback)
        #expect(cem.nominal[0] <= 0.2 && cem.nominal[0] > 0.15)
        #expect(abs(cem.nominal[1] - 0.9) < 0.05)
        // every ranked (elite) candidate is admissible
        let b = cem.lastBatch
        for k in 0..<b.rankedCount { #expect(abs(b.sequence(Int(b.ranked[k])).first!) <= 0.2) }
        // rejected candidates carry +infinity
        for i in 0..<b.count where abs(b.sequence(i).first!) > 0.2 { #expect(b.costs[i] == .infinity) }
    }

    @Test func constrainedCostFallsBackToArgminOfTheConstraint() {
        // nothing satisfies |a0| <= -1: the batch is ranked by |a0|, so the best is the smallest |a0|
        let sp = ActionSpace(horizon: 2, lower: [-1], upper: [1])
        var filtered = ConstrainedCost(objective: QuadraticCost(target: [0.9, 0.9]),
                                       constraint: FirstActionMagnitude(), threshold: -1)
        var rs = RandomShootingPlanner(space: sp)
        var rng = RNG(seed: 3)
        let d = rs.plan(&filtered, rng: &rng)
        #expect(filtered.lastFallback && filtered.lastAdmissible == 0)
        #expect(!d.allRejected)
        let b = rs.lastBatch
        let minG = (0..<b.count).map { abs(b.sequence($0).first!) }.min()!
        #expect(abs(rs.nominal[0]) == minG)
    }

    @Test func bestCandidatesAreRankedForDisplay() {
        let sp = ActionSpace(horizon: 3, lower: [-1], upper: [1])
        var s = RandomShootingPlanner.Settings(); s.keepBest = 10
        var rs = RandomShootingPlanner(space: sp, settings: s)
        var cost = QuadraticCost(target: [0, 0, 0])
        var rng = RNG(seed: 9)
        rs.plan(&cost, rng: &rng)
        let b = rs.lastBatch
        #expect(b.rankedCount == 10)
        let tenth = b.costs[Int(b.ranked[9])]
        #expect((0..<b.count).filter { b.costs[$0] < tenth }.count == 9)
    }
}
