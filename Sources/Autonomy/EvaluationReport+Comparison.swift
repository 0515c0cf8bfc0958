import Diagnostics
import Geometry

/// Ratios of one policy against the others of the same evaluation (issue 7's target: the learned
/// policy flies >= 5x farther between collisions than straight flight and >= 50 % as far as the
/// privileged planner).
extension EvaluationReport {
    /// Ratios are capped here (a policy without collisions flies "infinitely" far per collision).
    public static let ratioCap = 1e6

    /// One comparison: `policy` against `baseline`, over all worlds.
    public struct Comparison: Sendable, Equatable {
        public var policy: String
        public var baseline: String
        /// Index of the baseline in `policies`.
        public var baselineIndex: Int
        /// Ratio of mean distance flown before a collision (or the episode end), paired
        /// bootstrap 95% interval over episodes.
        public var distanceRatio: ConfidenceInterval
        /// Ratio of distance per collision (total distance / collisions), capped at `cap` (1e6)
        /// when the policy never collided in a resample. Paired bootstrap 95% interval over episodes.
        public var distancePerCollisionRatio: ConfidenceInterval
    }

    /// Policy `p` against every other policy of the report. Episodes are paired (same spawns and
    /// domain draws), so the bootstrap resamples episode indices for both policies at once.
    public func comparisons(policy p: Int, resamples: Int = 2000) -> [Comparison] {
        var rng = RNG(seed: settings.seed, stream: 0x5241_5449)
        var out: [Comparison] = []
        let mine = outcomes[p]
        for (q, spec) in policies.enumerated() where q != p {
            let other = outcomes[q]
            guard other.count == mine.count, !mine.isEmpty else { continue }
            func ratio(_ picks: [Int], _ f: ([EpisodeOutcome]) -> Double) -> Double {
                Self.cappedRatio(f(picks.map { mine[$0] }), f(picks.map { other[$0] }))
            }
            let meanDistance: ([EpisodeOutcome]) -> Double = { o in o.reduce(0) { $0 + $1.distance } / Double(max(1, o.count)) }
            let perCollision: ([EpisodeOutcome]) -> Double = { o in
                let c = o.filter(\.collided).count
                let d = o.reduce(0) { $0 + $1.distance }
                return c == 0 ? .infinity : d / Double(c)
            }
            let perCollisionRatio: ([Int]) -> Double = { picks in
                let a = perCollision(picks.map { mine[$0] }), b = perCollision(picks.map { other[$0] })
                if a.isInfinite && b.isInfinite { return 1 }
                if b.isInfinite { return 0 }
                return min(a / b, Self.ratioCap)
            }
            // the same episode picks for both policies: the paired bootstrap
            let d = Statistics.bootstrapInterval(units: mine.count, resamples: resamples, rng: &rng) { ratio($0, meanDistance) }
            let k = Statistics.bootstrapInterval(units: mine.count, resamples: resamples, rng: &rng, statistic: perCollisionRatio)
            out.append(Comparison(policy: policies[p].label, baseline: spec.label, baselineIndex: q, distanceRatio: d, distancePerCollisionRatio: k))
        }
        return out
    }

    /// The comparisons of policy `p` as a Markdown table.
    public func comparisonMarkdown(policy p: Int) -> String {
        let rows = comparisons(policy: p)
        guard !rows.isEmpty else { return "" }
        var t = MarkdownTable(["policy", "versus", "mean distance before collision, ratio [95% CI]",
                               "distance per collision, ratio [95% CI]"], alignments: [.left, .left, .right, .right])
        for r in rows {
            // a baseline without collisions flies "infinitely" far per collision: say so instead of 0
            let none = !outcomes[r.baselineIndex].contains(where: \.collided)
            t.addRow([r.policy, r.baseline, Self.ratioText(r.distanceRatio),
                      none ? "n/a (\(r.baseline) had no collision)" : Self.ratioText(r.distancePerCollisionRatio)])
        }
        return t.render()
    }

    /// `a / b` capped at `ratioCap`, and `ratioCap` when `b` is not positive (a baseline that
    /// flew nowhere): the ratio every paired comparison reports (here and `eval --swarm`'s).
    public static func cappedRatio(_ a: Double, _ b: Double) -> Double { b > 0 ? min(a / b, ratioCap) : ratioCap }

    /// "estimate [lower, upper]" with a capped bound (resamples without a collision) as "∞".
    public static func ratioText(_ ci: ConfidenceInterval) -> String {
        func text(_ x: Double) -> String { x >= ratioCap ? "∞" : Statistics.format(x, digits: 3) }
        return "\(text(ci.estimate)) [\(text(ci.lower)), \(text(ci.upper))]"
    }
}
