import Diagnostics
import Foundation
import Models
import Neural

/// One fine-tuning arm of a hedging run.
public struct HedgingArmResult: Sendable {
    public var arm: HedgingArm
    /// The class unfamiliar fine-tuning examples were relabelled to (nil: unchanged).
    public var relabelAction: Int?
    /// The weights fine-tuning started from (the base model's, copied).
    public var startParameters: Parameters
    public var model: HedgingPolicy
    public var losses: [Double]
    /// Fine-tuning labels that differ from the standard labels.
    public var changedLabels: Int
    /// Arg-max class per test sample, and whether it is a correct action.
    public var actions: [Int]
    public var correct: [Bool]
}

/// Counts of one arm at one rung and severity of the OCS ladder (in-distribution test scenes).
public struct HedgingLadderRow: Sendable, Equatable {
    public var rung: OCSRung
    public var severity: Int
    public var arm: HedgingArm
    public var samples: Int
    public var hover: Int
    public var controlAction: Int
    public var correct: Int
}

/// A share with its Wilson 95% interval.
public struct HedgingShare: Sendable, Equatable {
    public var count: Int
    public var trials: Int
    public var interval: ConfidenceInterval
    public init(_ count: Int, of trials: Int) {
        self.count = count
        self.trials = trials
        interval = Statistics.wilsonInterval(successes: count, trials: max(trials, 1))
    }
    public var value: Double { interval.estimate }
}

/// Everything a hedging run measured.
public struct HedgingResult: Sendable {
    public var settings: HedgingSettings
    public var pretrainCount: Int
    public var base: HedgingPolicy
    public var pretrainLosses: [Double]
    /// Fine-tuning set: standard labels, the base model's p (probability of a correct action)
    /// and the familiarity split (p <= threshold).
    public var finetuneLabels: [Int]
    public var finetuneP: [Double]
    public var unfamiliar: [Bool]
    /// Test set (in-distribution worlds first, then held-out worlds): the base model's largest
    /// class probability (the familiarity ranking), and which samples are in held-out worlds.
    public var testFamiliarity: [Double]
    public var testHeldOut: [Bool]
    public var testStandardLabels: [Int]
    public var arms: [HedgingArmResult]
    public var ladder: [HedgingLadderRow]
    /// The risk-model part (nil unless `settings.risk.enabled`).
    public var risk: HedgingRiskResult? = nil

    public var classes: Int { base.classes }
    /// Test indices of the least and most familiar groups (`groupFraction` of the test set each).
    public var leastFamiliar: [Int] { HedgingLabels.fifth(testFamiliarity, least: true, fraction: settings.groupFraction) }
    public var mostFamiliar: [Int] { HedgingLabels.fifth(testFamiliarity, least: false, fraction: settings.groupFraction) }

    public func arm(_ a: HedgingArm) -> HedgingArmResult { arms.first { $0.arm == a }! }

    /// Share of `indices` on which arm `a` chose class `action`.
    public func share(_ a: HedgingArm, action: Int, on indices: [Int]) -> HedgingShare {
        let acts = arm(a).actions
        return HedgingShare(indices.filter { acts[$0] == action }.count, of: indices.count)
    }

    /// Share of `indices` on which arm `a` chose a correct action.
    public func accuracy(_ a: HedgingArm, on indices: [Int]) -> HedgingShare {
        let c = arm(a).correct
        return HedgingShare(indices.filter { c[$0] }.count, of: indices.count)
    }

    /// Test indices of familiarity quintile `q` (0 = least familiar) of `groups`.
    public func group(_ q: Int, of groups: Int) -> [Int] {
        let order = testFamiliarity.indices.sorted { (testFamiliarity[$0], $0) < (testFamiliarity[$1], $1) }
        let n = order.count
        return Array(order[(q * n / groups)..<((q + 1) * n / groups)])
    }

    /// One declared target (docs/hedging.md).
    public typealias Check = TargetCheck

    /// The four targets, read as declared in docs/hedging.md.
    public var checks: [Check] {
        let hover = classes - 1, least = leastFamiliar, most = mostFamiliar
        let f = { (s: HedgingShare) in
            "\(Statistics.format(s.value)) [\(Statistics.format(s.interval.lower < 1e-12 ? 0 : s.interval.lower)), \(Statistics.format(s.interval.upper))] (\(s.count)/\(s.trials))"
        }
        let h = share(.hedge, action: hover, on: least), st = share(.standard, action: hover, on: least)
        let accS = accuracy(.standard, on: most), accH = accuracy(.hedge, on: most)
        let c = share(.control, action: settings.controlAction, on: least)
        let loss = accS.value - accH.value
        return [
            Check(name: "hedge arm hovers on >= 70% of the least familiar fifth", value: f(h), met: h.value >= 0.7),
            Check(name: "standard arm hovers on <= 20% of the least familiar fifth", value: f(st), met: st.value <= 0.2),
            Check(name: "hedge arm loses <= 5 points of accuracy on the most familiar fifth",
                  value: "standard \(f(accS)), hedge \(f(accH)), loss \(Statistics.format(100 * loss)) points", met: loss <= 0.05),
            Check(name: "control arm takes its relabel action on >= 70% of the least familiar fifth",
                  value: f(c) + "; standard arm \(f(share(.standard, action: settings.controlAction, on: least)))", met: c.value >= 0.7),
        ]
    }
}
