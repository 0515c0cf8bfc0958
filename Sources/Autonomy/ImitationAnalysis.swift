import Diagnostics
import Foundation
import Geometry

/// The reading of the imitation experiment's targets (declared in docs/imitation.md before the
/// default run): log-log slopes of the mean gap over seeds, with percentile-bootstrap CIs that
/// resample the seeds; the scratch/pretrained ratio of mean gaps per k (paired bootstrap).
public struct ImitationAnalysis: Sendable, Equatable {
    /// One target: the statistic, its CI, the accepted band and the verdict.
    public struct Check: Sendable, Equatable {
        public var name: String
        public var value: ConfidenceInterval
        public var lower: Double
        public var upper: Double
        /// The point estimate lies in [lower, upper].
        public var met: Bool { value.estimate >= lower && value.estimate <= upper }
        /// The whole CI lies in [lower, upper].
        public var ciInside: Bool { value.lower >= lower && value.upper <= upper }
        /// Distance from the point estimate to the nearest edge of the band: how far inside
        /// (positive) or outside (negative).
        public var margin: Double { met ? min(value.estimate - lower, upper - value.estimate) : -max(lower - value.estimate, value.estimate - upper) }
    }

    /// Slope of log mean gap on log x for each sweep (pretrained), and of scratch on N_target.
    public var slopes: [String: ConfidenceInterval]
    /// R^2 of the same fits on the mean gaps.
    public var rSquared: [String: Double]
    /// Scratch / pretrained ratio of mean gaps at each k of the rank sweep.
    public var ratios: [(k: Int, ratio: ConfidenceInterval)]
    public var checks: [Check]

    public static func == (a: ImitationAnalysis, b: ImitationAnalysis) -> Bool {
        a.slopes == b.slopes && a.rSquared == b.rSquared && a.checks == b.checks
            && a.ratios.map(\.k) == b.ratios.map(\.k) && a.ratios.map(\.ratio) == b.ratios.map(\.ratio)
    }

    /// Mean over the chosen seeds of each row (NaN entries skipped).
    static func means(_ rows: [[Double]], seeds: [Int]) -> [Double] {
        rows.map { row in Statistics.mean(seeds.map { row[$0] }.filter { !$0.isNaN }) }
    }

    /// Log-log slope of mean gap vs x over the seeds in `pick`, on the rows with data.
    static func slope(_ x: [Int], _ rows: [[Double]], seeds: [Int]) -> LinearFit {
        let m = means(rows, seeds: seeds)
        let keep = m.indices.filter { m[$0].isFinite && m[$0] > 0 }
        return Statistics.logLogFit(keep.map { Double(x[$0]) }, keep.map { m[$0] })
    }

    /// Bootstrap CI over seeds of `statistic(seedIndices)`.
    static func overSeeds(_ n: Int, resamples: Int, rng: inout RNG, _ statistic: @escaping ([Int]) -> Double) -> ConfidenceInterval {
        Statistics.bootstrapInterval((0..<n).map(Double.init), resamples: resamples, rng: &rng) { sample in
            statistic(sample.map { Int($0) })
        }
    }

    public init(_ r: ImitationExperiment.Result) {
        let s = r.settings
        let n = s.seeds
        var rng = RNG(seed: s.seed, stream: 0xB0075)
        var slopes: [String: ConfidenceInterval] = [:], r2: [String: Double] = [:]
        var checks: [Check] = []
        let all = Array(0..<n)
        // one fitted slope: its CI over seeds and the R^2 of the fit on all seeds' means
        func fit(_ name: String, _ x: [Int], _ rows: [[Double]]) -> ConfidenceInterval {
            let ci = ImitationAnalysis.overSeeds(n, resamples: s.bootstrapResamples, rng: &rng) { ImitationAnalysis.slope(x, rows, seeds: $0).slope }
            slopes[name] = ci
            r2[name] = ImitationAnalysis.slope(x, rows, seeds: all).rSquared
            return ci
        }
        for sw in r.sweeps where sw.parameter != .rank {
            let name = sw.parameter.rawValue
            let ci = fit(name, sw.values, sw.pretrained)
            checks.append(Check(name: "slope of gap vs \(name)", value: ci, lower: -1.2, upper: -0.8))
        }
        let target = r.sweep(.targetSamples)
        if target.scratch.contains(where: { $0.contains { !$0.isNaN } }) {
            _ = fit("N_target (scratch)", target.values, target.scratch)
        }
        let rank = r.sweep(.rank)
        let kCI = fit("k", rank.values, rank.pretrained)
        checks.append(Check(name: "gap proportional to k (slope of gap vs k)", value: kCI, lower: 0.8, upper: 1.2))
        var ratios: [(Int, ConfidenceInterval)] = []
        for (i, k) in rank.values.enumerated() {
            let ci = ImitationAnalysis.overSeeds(n, resamples: s.bootstrapResamples, rng: &rng) { pick in
                Statistics.mean(pick.map { rank.scratch[i][$0] }) / Statistics.mean(pick.map { rank.pretrained[i][$0] })
            }
            ratios.append((k, ci))
            let expected = Double(s.stateDim) / Double(k)
            checks.append(Check(name: "scratch/pretrained ratio at k = \(k) (n_x/k = \(Statistics.format(expected)))", value: ci,
                                lower: expected / 2, upper: expected * 2))
        }
        if let q = r.quadrotor {
            let values = q.settings.targetSamples.sorted()
            for (ri, k) in q.settings.ranks.enumerated() {
                let ci = fit("quadrotor N_target (k = \(k))", values, q.pretrained[ri])
                checks.append(Check(name: "quadrotor: slope of gap vs N_target, k = \(k)", value: ci, lower: -1.2, upper: -0.8))
            }
            _ = fit("quadrotor N_target (scratch)", values, q.scratch)
            let vi = values.firstIndex(of: q.settings.ratioAt)!
            for (ri, k) in q.settings.ranks.enumerated() {
                let ci = ImitationAnalysis.overSeeds(n, resamples: s.bootstrapResamples, rng: &rng) { pick in
                    Statistics.mean(pick.map { q.scratch[vi][$0] }) / Statistics.mean(pick.map { q.pretrained[ri][vi][$0] })
                }
                let expected = 12.0 / Double(k)
                checks.append(Check(name: "quadrotor: scratch/pretrained ratio at k = \(k), N_target = \(q.settings.ratioAt) (n_x/k = \(Statistics.format(expected)))",
                                    value: ci, lower: expected / 2, upper: expected * 2))
            }
        }
        self.slopes = slopes
        self.rSquared = r2
        self.ratios = ratios
        self.checks = checks
    }
}
