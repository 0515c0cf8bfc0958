import Diagnostics
import Foundation
import Geometry
import Models
import Physics
import Runtime

/// The risk-model half of METHODS.md 5 (docs/hedging.md "Risk model"): pre-train the OCS safety
/// classifier on the hedging pre-training set, split the fine-tuning set by the base
/// classifier's p, fine-tune two arms from the same base weights with the same minibatch order
/// (standard labels; unfamiliar examples relabelled to "every primitive collides"), fly both with
/// one planner (abstain threshold by the OCS rule on the standard arm's outputs on the
/// in-distribution test scenes), count its
/// open-loop decisions on the held-out test scenes and fly both with `OCSClosedLoop` in
/// held-out worlds (paired episode seeds). Deterministic for a seed.
public enum HedgingRisk {
    /// Progress units (epochs and episodes).
    public static func workUnits(_ s: HedgingSettings) -> Int {
        guard s.risk.enabled else { return 0 }
        return s.pretraining.epochs + HedgingRiskArm.allCases.count * s.finetuning.epochs + OCSClosedLoop.workUnits(flightSettings(s))
    }

    /// The OCS settings the flights run with (the hedging data settings, seed and flight block).
    static func flightSettings(_ s: HedgingSettings) -> OCSSettings {
        var o = OCSSettings()
        o.seed = s.seed
        o.data = s.data
        o.closedLoop = s.risk.flights
        return o
    }

    /// Runs the part on the hedging data sets; `validation` = in-distribution test scenes,
    /// `heldOut` = held-out test scenes.
    public static func run(_ s: HedgingSettings, pretrain: OCSDataset, finetune: OCSDataset, validation: OCSDataset, heldOut: OCSDataset,
                           robot: RobotDescription, progress: Diagnostics.Progress? = nil) throws -> HedgingRiskResult {
        let r = s.risk
        let k = pretrain.actions
        var initRNG = RNG(seed: RNG.mix(s.seed, 0x7269_736b))
        var base = OCSModel(kind: .safetyClassifier, actions: k, config: s.network, positiveWeight: r.positiveWeight, rng: &initRNG)
        let pretrainLosses = OCSTrainer.train(&base, images: pretrain.images, collisions: pretrain.collisions, settings: s.pretraining,
                                              rng: &initRNG) { e, l in
            progress?.advance(note: "risk pre-training epoch \(e) loss \(Statistics.format(l, digits: 4))")
        }
        let p = HedgingRiskLabels.probabilityCorrect(base.predict(images: finetune.images, count: finetune.count), finetune)
        let unfamiliar = HedgingLabels.unfamiliar(p, threshold: s.unfamiliarThreshold)

        var arms: [HedgingRiskArmResult] = []
        for arm in HedgingRiskArm.allCases {
            let labels = arm == .standard ? finetune.collisions : HedgingRiskLabels.conservative(finetune.collisions, actions: k, unfamiliar: unfamiliar)
            var model = base
            var rng = RNG(seed: RNG.mix(s.seed, 0x7269_6674))
            let losses = OCSTrainer.train(&model, images: finetune.images, collisions: labels, settings: s.finetuning, rng: &rng) { e, l in
                progress?.advance(note: "risk \(arm.rawValue) epoch \(e) loss \(Statistics.format(l, digits: 4))")
            }
            let pv = model.predict(images: validation.images, count: validation.count)
            let own = OCSDecisions.bestThreshold(pv, data: validation, rewards: OCSRewardScheme())
            // the planner: by default the threshold the OCS rule gives the standard arm, for both arms
            let threshold: Double
            if let std = arms.first {
                switch r.planner {
                case .shared: threshold = std.threshold
                case .own: threshold = own.threshold
                case .matchedAbstain: threshold = matchedThreshold(pv, abstainRate: std.validationAbstainRate)
                }
            } else {
                threshold = own.threshold
            }
            let validationDecisions = (0..<validation.count).map { OCSDecisions.classifier(pv, $0, threshold: threshold) }
            let ph = model.predict(images: heldOut.images, count: heldOut.count)
            let decisions = (0..<heldOut.count).map { OCSDecisions.classifier(ph, $0, threshold: threshold) }
            let changed = (0..<finetune.count).filter { i in (0..<k).contains { labels[i * k + $0] != finetune.collisions[i * k + $0] } }.count
            arms.append(HedgingRiskArmResult(arm: arm, startParameters: base.parameters, model: model, losses: losses, changedRows: changed,
                                             threshold: threshold, ownThreshold: own.threshold,
                                             validationReward: OCSDecisions.meanReward(validationDecisions, data: validation, rewards: OCSRewardScheme()),
                                             validationAbstainRate: Double(validationDecisions.filter { $0 == nil }.count) / Double(validation.count),
                                             heldOutScenes: heldOut.count, heldOutAbstain: decisions.filter { $0 == nil }.count,
                                             heldOutFlownCollide: decisions.indices.filter { i in decisions[i].map { !heldOut.isSafe(i, $0) } ?? false }.count,
                                             flights: []))
        }

        // flights: both arms, the same episode seeds
        let summaries = arms.map { OCSModelSummary(model: $0.model, ocs: [], trainLosses: $0.losses, validationLoss: 0,
                                                   validationReward: $0.validationReward, validationAbstainRate: $0.validationAbstainRate,
                                                   threshold: $0.threshold) }
        let rows = try OCSClosedLoop.run(flightSettings(s), models: summaries, robot: robot, progress: progress)
        let perArm = r.flights.severities.count
        if !rows.isEmpty { for a in arms.indices { arms[a].flights = Array(rows[(a * perArm)..<((a + 1) * perArm)]) } }
        var comparisons: [HedgingRiskComparison] = []
        if !rows.isEmpty {
            comparisons.append(compare(arms.map { $0.flights }, severity: nil, resamples: r.bootstrapResamples, seed: s.seed))
            for (j, sev) in r.flights.severities.enumerated() {
                comparisons.append(compare(arms.map { [$0.flights[j]] }, severity: sev, resamples: r.bootstrapResamples, seed: s.seed))
            }
        }
        return HedgingRiskResult(settings: r, basePretrainLosses: pretrainLosses, finetuneP: p, unfamiliar: unfamiliar,
                                 baseParameters: base.parameters, arms: arms, comparisons: comparisons)
    }

    /// The threshold of `OCSDecisions.thresholdGrid` whose abstain rate on the outputs `p` is
    /// closest to `abstainRate` (the lowest on ties).
    public static func matchedThreshold(_ p: OCSPredictions, abstainRate: Double) -> Double {
        let safe = (0..<p.count).map { OCSDecisions.safest(p, $0).safe }
        var best = (t: 0.0, gap: Double.infinity)
        for t in OCSDecisions.thresholdGrid {
            let gap = abs(Double(safe.filter { $0 < t }.count) / Double(max(1, p.count)) - abstainRate)
            if gap < best.gap { best = (t, gap) }
        }
        return best.t
    }

    /// Collisions per km and path length of the arms' flights `rows[arm]` (rows of the same
    /// severities in the same order, so episode i of every arm is the same seed), with a paired
    /// bootstrap over episodes.
    public static func compare(_ rows: [[OCSClosedLoopRow]], severity: Int?, resamples: Int, seed: UInt64) -> HedgingRiskComparison {
        precondition(rows.count == 2)
        let collided = rows.map { $0.flatMap(\.collided) }
        let dist = rows.map { $0.flatMap(\.distances) }
        let n = dist[0].count
        precondition(n > 0 && dist[1].count == n && collided.allSatisfy { $0.count == n })
        func stats(_ idx: [Int]) -> (c: [Int], m: [Double]) {
            var c = [0, 0], m = [0.0, 0.0]
            for i in idx { for a in 0..<2 { if collided[a][i] { c[a] += 1 }; m[a] += dist[a][i] } }
            return (c, m)
        }
        func perKm(_ c: Int, _ m: Double) -> Double { m > 0 ? Double(c) / (m / 1000) : .nan }
        func reduction(_ c: [Int], _ m: [Double]) -> Double {
            let s = perKm(c[0], m[0])
            return s > 0 ? 1 - perKm(c[1], m[1]) / s : .nan
        }
        let full = stats(Array(0..<n))
        var rng = RNG(seed: RNG.mix(seed, 0x626f_6f74 &+ UInt64(severity.map { $0 + 1 } ?? 0)))
        var cpk: [[Double]] = [[], []], len: [[Double]] = [[], []], red: [Double] = [], loss: [Double] = []
        var undefined = 0
        for _ in 0..<resamples {
            let idx = (0..<n).map { _ in rng.int(below: n) }
            let b = stats(idx)
            for a in 0..<2 { cpk[a].append(perKm(b.c[a], b.m[a])); len[a].append(b.m[a] / Double(n)) }
            let rd = reduction(b.c, b.m)
            if rd.isFinite { red.append(rd) } else { undefined += 1 }
            loss.append(b.m[0] > 0 ? 1 - b.m[1] / b.m[0] : .nan)
        }
        func ci(_ est: Double, _ draws: [Double]) -> ConfidenceInterval {
            let d = draws.filter(\.isFinite).sorted()
            guard !d.isEmpty else { return ConfidenceInterval(estimate: est, lower: .nan, upper: .nan, level: 0.95) }
            return ConfidenceInterval(estimate: est, lower: Statistics.quantile(sorted: d, 0.025), upper: Statistics.quantile(sorted: d, 0.975), level: 0.95)
        }
        return HedgingRiskComparison(
            severity: severity, episodes: n, collisions: full.c, kilometres: full.m.map { $0 / 1000 },
            collisionsPerKm: (0..<2).map { ci(perKm(full.c[$0], full.m[$0]), cpk[$0]) },
            pathLength: (0..<2).map { ci(full.m[$0] / Double(n), len[$0]) },
            collisionReduction: ci(reduction(full.c, full.m), red), undefinedDraws: undefined,
            progressLoss: ci(full.m[0] > 0 ? 1 - full.m[1] / full.m[0] : .nan, loss))
    }
}
