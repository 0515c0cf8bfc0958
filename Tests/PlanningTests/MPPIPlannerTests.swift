@testable import Planning
import Geometry
import Testing

@Suite struct MPPIPlannerTests {
    let space = ActionSpace(horizon: 4, lower: [-1, -2], upper: [1, 2])

    @Test func convergesToInteriorQuadraticMinimum() {
        let target: [Float] = [0.3, -1.2, -0.5, 0.7, 0.9, 1.5, 0.0, -0.4]
        var s = MPPIPlanner.Settings()
        s.smoothing = 1   // smoothing pulls towards a_{-1}; test the weighting itself first
        s.noiseScale = 0.3; s.inverseTemperature = 10   // fixed noise: the weighted mean contracts onto the target
        var mppi = MPPIPlanner(space: space, settings: s)
        var cost = QuadraticCost(target: target)
        var rng = RNG(seed: 3)
        for _ in 0..<30 { mppi.plan(&cost, rng: &rng) }
        for j in 0..<target.count {
            #expect(abs(mppi.nominal[j] - target[j]) < 0.08, "component \(j): \(mppi.nominal[j])")
        }
        #expect(mppi.diagnostics.effectiveSamples >= 1 && mppi.diagnostics.effectiveSamples <= 4096)
    }

    @Test func convergesWithSmoothingWhenTheTargetIsSmooth() {
        // a constant target equal to a_{-1} is a fixed point of the smoothing recursion
        let target = [Float](repeating: 0.4, count: 4)
        let sp = ActionSpace(horizon: 4, lower: [-1], upper: [1])
        var s = MPPIPlanner.Settings(); s.noiseScale = 0.3; s.inverseTemperature = 10
        var mppi = MPPIPlanner(space: sp, settings: s)
        mppi.setPreviousAction([0.4])
        var cost = QuadraticCost(target: target)
        var rng = RNG(seed: 8)
        for _ in 0..<30 { mppi.plan(&cost, rng: &rng) }
        for j in 0..<4 { #expect(abs(mppi.nominal[j] - 0.4) < 0.08, "step \(j): \(mppi.nominal[j])") }
    }

    @Test func findsMinimiserOnTheBound() {
        let target: [Float] = [1.6, -3, 1.6, -3, 1.6, -3, 1.6, -3]
        var s = MPPIPlanner.Settings(); s.smoothing = 1; s.noiseScale = 0.3; s.inverseTemperature = 10
        var mppi = MPPIPlanner(space: space, settings: s)
        var cost = QuadraticCost(target: target)
        var rng = RNG(seed: 5)
        for _ in 0..<20 { mppi.plan(&cost, rng: &rng) }
        for h in 0..<4 {
            #expect(mppi.nominal[2 * h] > 0.93 && mppi.nominal[2 * h] <= 1)
            #expect(mppi.nominal[2 * h + 1] < -1.9 && mppi.nominal[2 * h + 1] >= -2)
        }
        let b = mppi.lastBatch
        for i in 0..<(b.count * 8) { #expect(abs(b.actions[i]) <= space.upper[i % 2]) }
    }

    @Test func noiseFreeSamplesFollowTheSmoothingRecursion() {
        // sigma = 0: every candidate is a_h = 0.6 mu_h + 0.4 a_{h-1}, a_{-1} = previous action
        var s = MPPIPlanner.Settings(); s.noiseScale = 0; s.samples = 16
        let sp = ActionSpace(horizon: 3, lower: [-5, -5], upper: [5, 5])
        var mppi = MPPIPlanner(space: sp, settings: s)
        mppi.setNominal([1, 2, 3, 4, -1, 0.5])
        mppi.setPreviousAction([-2, 1])
        var cost = QuadraticCost(target: [Float](repeating: 0, count: 6))
        var rng = RNG(seed: 1)
        mppi.plan(&cost, rng: &rng)
        // by hand: a0 = 0.6*(1,2) + 0.4*(-2,1) = (-0.2, 1.6)
        //          a1 = 0.6*(3,4) + 0.4*(-0.2,1.6) = (1.72, 3.04)
        //          a2 = 0.6*(-1,0.5) + 0.4*(1.72,3.04) = (0.088, 1.516)
        let expected: [Float] = [-0.2, 1.6, 1.72, 3.04, 0.088, 1.516]
        let b = mppi.lastBatch
        for i in 0..<16 {
            let row = b.sequence(i)
            for j in 0..<6 { #expect(abs(row[row.startIndex + j] - expected[j]) < 1e-5) }
        }
        // identical candidates -> the new mean is that sequence
        for j in 0..<6 { #expect(abs(mppi.nominal[j] - expected[j]) < 1e-5) }
    }

    @Test func recoveredNoiseIsWhiteWithTheConfiguredScale() {
        // invert a_h = beta (mu_h + eps_h) + (1 - beta) a_{h-1}; eps must be N(0, sigma^2), uncorrelated
        var s = MPPIPlanner.Settings(); s.noiseScale = 0.5; s.smoothing = 0.6
        let sp = ActionSpace(horizon: 6, lower: [-50], upper: [50])  // wide: no clamping
        var mppi = MPPIPlanner(space: sp, settings: s)
        let mu: [Float] = [0.5, -1, 2, 0, 1, -0.5]
        mppi.setNominal(mu)
        mppi.setPreviousAction([3])
        var cost = QuadraticCost(target: [Float](repeating: 0, count: 6))
        var rng = RNG(seed: 21)
        mppi.plan(&cost, rng: &rng)
        let b = mppi.lastBatch
        let sigma = 0.5 * 50.0
        var sum = [Double](repeating: 0, count: 6), sq = [Double](repeating: 0, count: 6), lag = 0.0
        for i in 0..<b.count {
            let row = b.sequence(i), o = row.startIndex
            var prev = 3.0
            var eps = [Double](repeating: 0, count: 6)
            for h in 0..<6 {
                let a = Double(row[o + h])
                eps[h] = (a - 0.4 * prev) / 0.6 - Double(mu[h])
                prev = a
                sum[h] += eps[h]; sq[h] += eps[h] * eps[h]
            }
            for h in 1..<6 { lag += eps[h] * eps[h - 1] }
        }
        let n = Double(b.count)
        for h in 0..<6 {
            #expect(abs(sum[h] / n) < 4 * sigma / n.squareRoot(), "mean of eps_\(h)")
            #expect(abs((sq[h] / n).squareRoot() / sigma - 1) < 0.05, "std of eps_\(h)")
        }
        #expect(abs(lag / (5 * n) / (sigma * sigma)) < 0.05)
    }

    @Test func warmStartShiftsMeanAndRecordsExecutedAction() {
        let sp = ActionSpace(horizon: 4, lower: [-10], upper: [10])
        var mppi = MPPIPlanner(space: sp)
        mppi.setNominal([1, 2, 3, 4])
        #expect(mppi.previousAction == nil)
        mppi.shift()
        #expect(mppi.nominal == [2, 3, 4, 4])
        #expect(mppi.previousAction == [1])
        mppi.shift(by: 2)
        #expect(mppi.nominal == [4, 4, 4, 4])
        #expect(mppi.previousAction == [3])
        mppi.reset()
        #expect(mppi.nominal == [0, 0, 0, 0] && mppi.previousAction == nil)
    }

    @Test func deterministicForAFixedSeed() {
        func run(_ seed: UInt64) -> [Float] {
            var mppi = MPPIPlanner(space: space)
            var cost = TwoBasinCost()
            var rng = RNG(seed: seed)
            for _ in 0..<3 { mppi.plan(&cost, rng: &rng); mppi.shift() }
            return mppi.nominal
        }
        #expect(run(4).map(\.bitPattern) == run(4).map(\.bitPattern))
        #expect(run(4) != run(5))
    }

    @Test func allRejectedKeepsTheMean() {
        var mppi = MPPIPlanner(space: space)
        let plan: [Float] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
        mppi.setNominal(plan)
        var cost = RejectAll(nan: true)
        var rng = RNG(seed: 2)
        let d = mppi.plan(&cost, rng: &rng)
        #expect(d.allRejected && d.admissible == 0)
        #expect(mppi.nominal == plan)
        #expect(!mppi.nominal.contains { $0.isNaN })
    }

    @Test func rejectedCandidatesGetNoWeight() {
        // reject every candidate whose first action is positive: the mean's first action must be <= 0
        struct RejectPositive: SequenceCost {
            mutating func cost(_ a: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                               into costs: UnsafeMutableBufferPointer<Float>) {
                let n = horizon * actionDim
                for i in 0..<count { costs[i] = a[i * n] > 0 ? .infinity : (a[i * n] + 0.1) * (a[i * n] + 0.1) * 0 + 1 }
            }
        }
        let sp = ActionSpace(horizon: 2, lower: [-1], upper: [1])
        var mppi = MPPIPlanner(space: sp)
        var cost = RejectPositive()
        var rng = RNG(seed: 6)
        let d = mppi.plan(&cost, rng: &rng)
        #expect(d.admissible > 0 && d.admissible < 4096)
        #expect(mppi.nominal[0] <= 0)
        #expect(mppi.lastBatch.costs[Int(mppi.lastBatch.ranked[0])].isFinite)
    }
}
