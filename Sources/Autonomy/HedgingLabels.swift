import Foundation
import Models

/// Labels, correctness and the familiarity split of the hedging experiment (METHODS.md 5,
/// docs/hedging.md). Classes are the K primitives 0..<K, then hover (K).
///
/// - Standard label of a sample: the collision-free primitive with the smallest |yaw rate|
///   (lowest index on ties), or hover when every primitive collides.
/// - Correct action: any collision-free primitive, or hover when every primitive collides.
/// - p (the base model's probability of being right): the base model's softmax probability
///   mass on the correct actions, i.e. the chance that an action drawn from its output is right.
/// - Unfamiliar: p <= the threshold (0.7, the authors' value).
public enum HedgingLabels {
    /// The authors' unfamiliarity threshold.
    public static let defaultThreshold = 0.7

    /// The standard label of every sample of `data` (yaw rates `yawRates`, one per primitive).
    public static func standard(_ data: OCSDataset, yawRates: [Double]) -> [Int] {
        precondition(yawRates.count == data.actions)
        let order = (0..<data.actions).sorted { (abs(yawRates[$0]), $0) < (abs(yawRates[$1]), $1) }
        return (0..<data.count).map { i in order.first { data.isSafe(i, $0) } ?? data.actions }
    }

    /// Whether class `a` (0..<K, or K = hover) is a correct action for sample `i`.
    public static func isCorrect(_ a: Int, _ data: OCSDataset, _ i: Int) -> Bool {
        if a < data.actions { return data.isSafe(i, a) }
        return (0..<data.actions).allSatisfy { !data.isSafe(i, $0) }
    }

    /// p for every sample: the probability mass of `probabilities` (`[count][K + 1]`) on the
    /// correct actions of `data`.
    public static func probabilityCorrect(_ probabilities: OCSPredictions, _ data: OCSDataset) -> [Double] {
        precondition(probabilities.count == data.count && probabilities.width == data.actions + 1)
        return (0..<data.count).map { i in
            (0...data.actions).reduce(0.0) { s, a in isCorrect(a, data, i) ? s + Double(probabilities.outputs[i * probabilities.width + a]) : s }
        }
    }

    /// The familiarity split: `true` (unfamiliar) where p <= `threshold`.
    public static func unfamiliar(_ p: [Double], threshold: Double = defaultThreshold) -> [Bool] {
        p.map { $0 <= threshold }
    }

    /// `labels` with every unfamiliar sample's label replaced by `action`; `nil` keeps them
    /// (the standard arm). Familiar samples are never changed.
    public static func relabel(_ labels: [Int], unfamiliar: [Bool], to action: Int?) -> [Int] {
        precondition(labels.count == unfamiliar.count)
        guard let action else { return labels }
        return zip(labels, unfamiliar).map { $1 ? action : $0 }
    }

    /// The arg-max class of row `i` (lowest index on ties).
    public static func argmax(_ p: OCSPredictions, _ i: Int) -> Int {
        let row = p.row(i)
        var best = row.startIndex
        for j in row.indices where row[j] > row[best] { best = j }
        return best - row.startIndex
    }

    /// The base model's familiarity of each sample without labels: its largest class probability.
    public static func maxProbability(_ p: OCSPredictions) -> [Double] {
        (0..<p.count).map { Double(p.row($0).max()!) }
    }

    /// Indices of the `fraction` of samples with the lowest (`least` = true) or highest
    /// familiarity, ties broken by index; at least one sample.
    public static func fifth(_ familiarity: [Double], least: Bool, fraction: Double = 0.2) -> [Int] {
        let n = max(1, Int((Double(familiarity.count) * fraction).rounded(.down)))
        let order = familiarity.indices.sorted { least ? (familiarity[$0], $0) < (familiarity[$1], $1) : (-familiarity[$0], $0) < (-familiarity[$1], $1) }
        return Array(order.prefix(n))
    }
}
