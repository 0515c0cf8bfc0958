import Autonomy
import Diagnostics
import Geometry

/// Paired comparisons of `eval --swarm`: every policy against the first `--policy`.
///
/// Episode k starts from the same seed for every policy (the same spawns and headings), so the
/// episodes are pairs: the bootstrap draws one list of episode indices per resample and reads
/// both policies at those indices. What the spawns make easy or hard then cancels out of the
/// ratio and the differences, and two identical policies compare as exactly 1 (and 0) with a
/// zero-width interval. Each policy goes against the first only (not every pair): the first is
/// the reference the run is about (straight flight, or the planner a learned policy is measured
/// against), the table keeps N - 1 rows, and fewer intervals are read at 95% at once; reorder
/// `--policy` for another reference.
extension SwarmEvaluationReport {
    /// One policy against the first, over all episodes.
    public struct Comparison: Sendable, Equatable {
        public var policy: String
        public var baseline: String
        /// Mean distance per vehicle of `policy` / that of `baseline` (capped at
        /// `EvaluationReport.ratioCap`), paired bootstrap 95% interval over episodes.
        public var distanceRatio: ConfidenceInterval
        /// World collisions and vehicle contacts per km, `policy` minus `baseline` (per km;
        /// negative: fewer), paired bootstrap 95% intervals over episodes.
        public var worldCollisionsPerKmDifference: ConfidenceInterval
        public var contactsPerKmDifference: ConfidenceInterval
    }

    /// Every policy after the first against the first (empty for one policy). One seeded
    /// bootstrap stream, so the same report gives the same intervals.
    public func comparisons(resamples: Int = 2000) -> [Comparison] {
        guard policies.count > 1 else { return [] }
        var rng = RNG(seed: seed, stream: 0x5357_5052)
        let base = episodes[0]
        return (1..<policies.count).map { p in
            let mine = episodes[p]
            // paired: the same episodes, from the same seeds
            precondition(mine.count == base.count && zip(mine, base).allSatisfy { $0.seed == $1.seed },
                         "eval --swarm comparisons need the same episodes for every policy")
            typealias Summary = SwarmEvaluationSummary
            let d = Statistics.bootstrapInterval(units: base.count, resamples: resamples, rng: &rng) { picks in
                EvaluationReport.cappedRatio(Summary.meanDistance(mine, picks), Summary.meanDistance(base, picks))
            }
            let w = Statistics.bootstrapInterval(units: base.count, resamples: resamples, rng: &rng) { picks in
                Summary.perKm(mine, picks, \.worldCollisions) - Summary.perKm(base, picks, \.worldCollisions)
            }
            let c = Statistics.bootstrapInterval(units: base.count, resamples: resamples, rng: &rng) { picks in
                Summary.perKm(mine, picks, \.vehicleContacts) - Summary.perKm(base, picks, \.vehicleContacts)
            }
            return Comparison(policy: policies[p], baseline: policies[0], distanceRatio: d,
                              worldCollisionsPerKmDifference: w, contactsPerKmDifference: c)
        }
    }

    /// The comparisons as a Markdown table ("" for one policy).
    public func comparisonMarkdown() -> String {
        let rows = comparisons()
        guard !rows.isEmpty else { return "" }
        var t = MarkdownTable(["policy", "versus", "distance per vehicle, ratio [95% CI]",
                               "world collisions per km, difference [95% CI]", "vehicle contacts per km, difference [95% CI]"],
                              alignments: [.left, .left, .right, .right, .right])
        for r in rows {
            t.addRow([r.policy, r.baseline, EvaluationReport.ratioText(r.distanceRatio),
                      r.worldCollisionsPerKmDifference.formatted(digits: 3), r.contactsPerKmDifference.formatted(digits: 3)])
        }
        return t.render()
    }
}
