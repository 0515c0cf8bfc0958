import Diagnostics
import Foundation
import Geometry
import Testing
import TestSupport

@Suite struct StatisticsTests {
    @Test func summariesOfAKnownSample() {
        let x = [2.0, 4, 4, 4, 5, 5, 7, 9]
        #expect(Statistics.mean(x) == 5)
        // sum of squared deviations = 32, n - 1 = 7
        #expect(isClose(Statistics.variance(x), 32.0 / 7, abs: 1e-12))
        #expect(isClose(Statistics.standardError(x), (32.0 / 7).squareRoot() / 8.0.squareRoot(), abs: 1e-12))
        #expect(Statistics.median(x) == 4.5)
        #expect(Statistics.quantile([1, 2, 3, 4], 0.25) == 1.75)   // type 7: position 0.75
        #expect(Statistics.mean([]).isNaN && Statistics.variance([1]).isNaN)
    }

    @Test func studentTQuantilesMatchTables() {
        // reference values from t tables (scipy.stats.t.ppf)
        #expect(isClose(Statistics.studentTQuantile(0.975, degreesOfFreedom: 9), 2.262157162798205, abs: 1e-9))
        #expect(isClose(Statistics.studentTQuantile(0.975, degreesOfFreedom: 1), 12.706204736174694, abs: 1e-7))
        #expect(isClose(Statistics.studentTQuantile(0.995, degreesOfFreedom: 4), 4.604094871349992, abs: 1e-9))
        #expect(isClose(Statistics.studentTQuantile(0.95, degreesOfFreedom: 2.5), 2.5582186141359355, abs: 1e-9))
        #expect(isClose(Statistics.studentTQuantile(0.025, degreesOfFreedom: 9), -2.262157162798205, abs: 1e-9))
        #expect(isClose(Statistics.studentTCDF(1.5, degreesOfFreedom: 3), 0.8847080673775886, abs: 1e-12))
        // large df tends to the normal quantile
        #expect(isClose(Statistics.studentTQuantile(0.975, degreesOfFreedom: 1e7), 1.959963984540054, abs: 1e-5))
    }

    @Test func normalQuantileAndCDF() {
        #expect(isClose(Statistics.normalQuantile(0.975), 1.959963984540054, abs: 1e-12))
        #expect(isClose(Statistics.normalQuantile(0.5), 0, abs: 1e-15))
        for p in [1e-9, 0.001, 0.02, 0.3, 0.7, 0.99, 1 - 1e-9] {
            #expect(isClose(Statistics.normalCDF(Statistics.normalQuantile(p)), p, abs: 1e-13, rel: 1e-10))
        }
    }

    @Test func meanIntervalUsesStudentT() {
        let d = [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 4.0, 3.9, 2.5]
        let ci = Statistics.meanInterval(d)
        #expect(isClose(ci.estimate, 3.39, abs: 1e-12))
        #expect(isClose(ci.lower, 2.578946636001429, abs: 1e-9))
        #expect(isClose(ci.upper, 4.20105336399857, abs: 1e-9))
        #expect(ci.level == 0.95)
    }

    @Test func wilsonIntervalKnownValues() {
        let a = Statistics.wilsonInterval(successes: 8, trials: 10)
        #expect(isClose(a.lower, 0.49016247153664183, abs: 1e-10) && isClose(a.upper, 0.9433178485456247, abs: 1e-10))
        let b = Statistics.wilsonInterval(successes: 0, trials: 10)
        #expect(isClose(b.lower, 0, abs: 1e-12) && isClose(b.upper, 0.27753279986288915, abs: 1e-10))
        let c = Statistics.wilsonInterval(successes: 50, trials: 100)
        #expect(isClose(c.lower, 0.4038315303659957, abs: 1e-10) && isClose(c.upper, 0.5961684696340044, abs: 1e-10))
        #expect(c.estimate == 0.5)
        // exact at the extremes (the formula alone leaves ~1e-17)
        #expect(b.lower == 0 && Statistics.wilsonInterval(successes: 10, trials: 10).upper == 1)
    }

    @Test func bootstrapIsSeededAndCoversTheMean() {
        var data: [Double] = []
        var g = RNG(seed: 1)
        for _ in 0..<40 { data.append(-log(1 - g.uniform())) }   // exponential(1): skewed
        var r1 = RNG(seed: 7), r2 = RNG(seed: 7), r3 = RNG(seed: 8)
        let a = Statistics.bootstrapInterval(data, rng: &r1)
        let b = Statistics.bootstrapInterval(data, rng: &r2)
        let c = Statistics.bootstrapInterval(data, rng: &r3)
        #expect(a == b)
        #expect(a != c)
        #expect(a.lower < a.estimate && a.estimate < a.upper)
        // close to the t interval for n = 40, but not identical
        let t = Statistics.meanInterval(data)
        #expect(abs(a.lower - t.lower) < 0.15 && abs(a.upper - t.upper) < 0.15)
        // a median bootstrap on constant data collapses to a point
        var r4 = RNG(seed: 2)
        let m = Statistics.bootstrapInterval([3, 3, 3], rng: &r4, statistic: Statistics.median)
        #expect(m.lower == 3 && m.upper == 3)
    }

    @Test func bootstrapOverUnitsDrawsAsTheValueBootstrapAndPairsBySharingPicks() {
        let x: [Double] = [4, 9, 1, 7, 3, 8, 2]
        // the same draws as the value bootstrap: a statistic that reads x at the picks agrees exactly
        var r1 = RNG(seed: 11), r2 = RNG(seed: 11)
        let byValue = Statistics.bootstrapInterval(x, rng: &r1, statistic: Statistics.median)
        let byUnit = Statistics.bootstrapInterval(units: x.count, rng: &r2) { picks in Statistics.median(picks.map { x[$0] }) }
        #expect(byValue == byUnit && r1.next() == r2.next())
        // paired: y = x + 5 read at the same picks: the totals differ by exactly 7 x 5 in every
        // resample; with y's units drawn apart from x's the difference spreads
        let y = x.map { $0 + 5 }
        func total(_ v: [Double], _ picks: [Int]) -> Double { picks.reduce(0) { $0 + v[$1] } }
        var r3 = RNG(seed: 12), r4 = RNG(seed: 12), r5 = RNG(seed: 13)
        let paired = Statistics.bootstrapInterval(units: x.count, rng: &r3) { p in total(y, p) - total(x, p) }
        #expect(paired.estimate == 35 && paired.lower == 35 && paired.upper == 35)
        let apart = Statistics.bootstrapInterval(units: x.count, rng: &r4) { p in
            total(y, p) - total(x, p.map { _ in r5.int(below: x.count) })
        }
        #expect(apart.upper - apart.lower > 5)
    }

    @Test func spearmanWithAndWithoutTies() {
        // permutation with two adjacent swaps: sum d^2 = 4, rho = 1 - 6*4/(5*24) = 0.8
        #expect(isClose(Statistics.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]), 0.8, abs: 1e-12))
        #expect(isClose(Statistics.spearman([1, 2, 3, 4], [40, 30, 20, 10]), -1, abs: 1e-12))
        // ties: average ranks (scipy.stats.spearmanr)
        #expect(isClose(Statistics.spearman([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8]), 0.19885368120992467, abs: 1e-12))
        #expect(Statistics.ranks([10, 20, 10, 30]) == [1.5, 3, 1.5, 4])
        // monotone but nonlinear: Spearman 1, Pearson < 1
        let x = [1.0, 2, 3, 4, 5], y = x.map { exp($0) }
        #expect(isClose(Statistics.spearman(x, y), 1, abs: 1e-12))
        #expect(Statistics.pearson(x, y) < 0.95)
    }

    @Test func regressionAndLogLogSlope() {
        let x = [1.0, 2, 3, 4, 5]
        let y = [2.9, 5.1, 7.0, 9.1, 10.9]
        let fit = Statistics.linearRegression(x, y)
        // by hand: mean y = 7, sxx = 10, sxy = 8.2 + 1.9 + 2.1 + 7.8 = 20 -> slope 2, intercept 1;
        // residuals -0.1, 0.1, 0, 0.1, -0.1: SS_res = 0.04, SS_tot = 40.04
        #expect(isClose(fit.slope, 2, abs: 1e-12) && isClose(fit.intercept, 1, abs: 1e-12))
        #expect(isClose(fit.rSquared, 1 - 0.04 / 40.04, abs: 1e-12))
        // slope SE = sqrt(0.04 / 3 / 10)
        #expect(isClose(fit.slopeStandardError, (0.04 / 30).squareRoot(), abs: 1e-12))
        let exact = Statistics.linearRegression(x, x.map { 3 - 2 * $0 })
        #expect(isClose(exact.rSquared, 1, abs: 1e-12) && isClose(exact.slopeStandardError, 0, abs: 1e-12))
        // power law y = 5 x^-1: log-log slope -1, intercept log 5
        let n = [10.0, 100, 1000, 10000]
        let ll = Statistics.logLogFit(n, n.map { 5 / $0 })
        #expect(isClose(ll.slope, -1, abs: 1e-12) && isClose(ll.intercept, log(5), abs: 1e-12))
        let ci = fit.slopeInterval()
        // t(0.975, 3) = 3.182446305284263
        #expect(isClose(ci.upper - 2, 3.182446305284263 * (0.04 / 30).squareRoot(), abs: 1e-9))
    }

    @Test func aurocCountsTiesAsHalf() {
        // positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4, 0.9: wins 1 + 2 + 1.5 = 4.5 of 9
        let s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9]
        let l = [false, false, true, true, true, false]
        #expect(isClose(Statistics.auroc(scores: s, labels: l), 0.5, abs: 1e-12))
        #expect(Statistics.auroc(scores: [1, 2, 3, 4], labels: [false, false, true, true]) == 1)
        #expect(Statistics.auroc(scores: [1, 2, 3, 4], labels: [true, true, false, false]) == 0)
        #expect(isClose(Statistics.auroc(scores: [1, 2, 3], labels: [false, true, false]), 0.5, abs: 1e-12))
    }

    @Test func intervalHelpers() {
        let a = ConfidenceInterval(estimate: 1, lower: 0.5, upper: 1.5, level: 0.95)
        let b = ConfidenceInterval(estimate: 2, lower: 1.6, upper: 2.4, level: 0.95)
        let c = ConfidenceInterval(estimate: 2, lower: 1.4, upper: 2.4, level: 0.95)
        #expect(a.isDisjoint(from: b) && !a.isDisjoint(from: c))
        #expect(a.formatted() == "1.00 [0.500, 1.50]")
        #expect(a.halfWidth == 0.5)
    }
}
