import Diagnostics
import Foundation
import Geometry
import Models

/// The statistics of an OCS run: per-level means, Spearman trends across severities with
/// bootstrap intervals, the reward comparison at every severity, and the METHODS.md 4 targets
/// read as docs/ocs.md declares.
public struct OCSAnalysis: Sendable {
    /// A measured quantity of one model per test sample.
    public enum Metric: String, CaseIterable, Sendable {
        case distance, featureNorm, abstain, reward

        func values(_ m: OCSModelLevel) -> [Double] {
            switch self {
            case .distance: m.distance
            case .featureNorm: m.featureNorm
            case .abstain: m.abstained.map { $0 ? 1 : 0 }
            case .reward: m.reward
            }
        }
    }

    /// Spearman rho of a metric's per-level means against severity 0 ... 5.
    public struct Trend: Sendable {
        /// A rung's name, or "pooled" (each level's mean over every rung's samples).
        public var scope: String
        public var model: OCSModelKind
        public var metric: Metric
        public var levelMeans: [Double]
        /// Bootstrap over test samples (the same resampled indices at every level and rung).
        public var rho: ConfidenceInterval
    }

    /// Mean reward of both policies at one severity, and their paired difference.
    public struct RewardGap: Sendable {
        public var scope: String
        public var severity: Int
        public var regression: Double
        public var classifier: Double
        /// Regression minus classifier, mean with a t interval over the paired samples.
        public var difference: ConfidenceInterval
    }

    /// One METHODS.md 4 target.
    public typealias Check = TargetCheck

    public var trends: [Trend] = []
    public var gaps: [RewardGap] = []
    public var checks: [Check] = []

    public static let severities = Array(0...5).map(Double.init)
    /// Scope name of the pooled ladder.
    public static let pooled = "pooled"

    public init(_ r: OCSResult) {
        let rungs = r.settings.rungs
        let scopes = rungs.map(\.rawValue) + [OCSAnalysis.pooled]
        func levels(_ scope: String) -> [[OCSLevel]] {
            (0...5).map { s in r.levels.filter { $0.severity == s && (scope == OCSAnalysis.pooled || $0.rung.rawValue == scope) } }
        }
        var rng = RNG(seed: r.settings.seed, stream: 0x626f_6f74)
        for scope in scopes {
            let perLevel = levels(scope)
            for (m, model) in r.models.enumerated() {
                for metric in Metric.allCases {
                    let values = perLevel.map { $0.map { metric.values($0.models[m]) } }
                    let n = values[0][0].count
                    // per-level means over the resampled sample indices, pooled over the scope's rungs
                    let statistic: ([Double]) -> Double = { idx in
                        let means = values.map { rungsAtLevel in
                            var s = 0.0
                            for v in rungsAtLevel { for i in idx { s += v[Int(i)] } }
                            return s / Double(idx.count * rungsAtLevel.count)
                        }
                        let rho = Statistics.spearman(OCSAnalysis.severities, means)
                        return rho.isFinite ? rho : 0
                    }
                    let means = values.map { l in l.reduce(0.0) { $0 + $1.reduce(0, +) } / Double(n * l.count) }
                    let ci = Statistics.bootstrapInterval((0..<n).map(Double.init), resamples: r.settings.bootstrapResamples,
                                                          rng: &rng, statistic: statistic)
                    trends.append(Trend(scope: scope, model: model.model.kind, metric: metric, levelMeans: means, rho: ci))
                }
            }
            for (s, l) in perLevel.enumerated() {
                let reg = l.flatMap { $0.models[0].reward }, cls = l.flatMap { $0.models[1].reward }
                let diff = zip(reg, cls).map { $0 - $1 }
                gaps.append(RewardGap(scope: scope, severity: s, regression: Statistics.mean(reg), classifier: Statistics.mean(cls),
                                      difference: Statistics.meanInterval(diff)))
            }
        }
        // the targets, as declared in docs/ocs.md
        func trend(_ metric: Metric, _ kind: OCSModelKind) -> Trend {
            trends.first { $0.scope == OCSAnalysis.pooled && $0.metric == metric && $0.model == kind }!
        }
        for kind in OCSModelKind.allCases {
            let d = trend(.distance, kind), f = trend(.featureNorm, kind)
            checks.append(Check(name: "distance to OCS falls (\(kind.rawValue), pooled rho <= -0.9)", value: d.rho.formatted(), met: d.rho.estimate <= -0.9))
            checks.append(Check(name: "feature norm falls (\(kind.rawValue), pooled rho <= -0.9)", value: f.rho.formatted(), met: f.rho.estimate <= -0.9))
        }
        let a = trend(.abstain, .rewardRegression)
        checks.append(Check(name: "abstaining rises (rewardRegression, pooled rho >= 0.9)",
                            value: "\(a.rho.formatted()); rate \(Statistics.format(a.levelMeans[0])) -> \(Statistics.format(a.levelMeans[5]))",
                            met: a.rho.estimate >= 0.9 && a.levelMeans[5] > a.levelMeans[0]))
        for s in 3...5 {
            let g = gaps.first { $0.scope == OCSAnalysis.pooled && $0.severity == s }!
            checks.append(Check(name: "reward regression beats the threshold baseline at severity \(s) (pooled, 95% CI of the difference above 0)",
                                value: "\(Statistics.format(g.regression)) vs \(Statistics.format(g.classifier)), difference \(g.difference.formatted())",
                                met: g.difference.lower > 0))
        }
    }
}
