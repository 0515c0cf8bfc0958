import Foundation
import Models

/// How each OCS policy turns its outputs into a decision (an action primitive, or `nil` =
/// abstain: hover / stop), and the baseline's threshold rule.
public enum OCSDecisions {
    /// Reward regression: the argmax of the K + 1 predicted rewards (ties: lowest index);
    /// abstain when it is the last output.
    public static func rewardRegression(_ p: OCSPredictions, _ i: Int) -> Int? {
        let row = p.row(i)
        var best = row.startIndex
        for j in row.indices where row[j] > row[best] { best = j }
        let a = best - row.startIndex
        return a == p.width - 1 ? nil : a
    }

    /// Safety classifier (outputs = P(collide)): the primitive most likely safe (ties: lowest
    /// index); abstain when its P(safe) = 1 - P(collide) is below `threshold`.
    public static func classifier(_ p: OCSPredictions, _ i: Int, threshold: Double) -> Int? {
        let (a, safe) = safest(p, i)
        return safe < threshold ? nil : a
    }

    /// The classifier's safest primitive and its P(safe).
    public static func safest(_ p: OCSPredictions, _ i: Int) -> (action: Int, safe: Double) {
        let row = p.row(i)
        var best = row.startIndex
        for j in row.indices where row[j] < row[best] { best = j }
        return (best - row.startIndex, 1 - Double(row[best]))
    }

    /// Candidate thresholds of the baseline: 0, 0.01, ..., 1.
    public static let thresholdGrid: [Double] = (0...100).map { Double($0) / 100 }

    /// The baseline's rule: the threshold of `thresholdGrid` with the best mean reward on the
    /// (in-distribution validation) samples, the lowest such threshold on ties. Returns it with
    /// its mean reward and abstain rate.
    public static func bestThreshold(_ p: OCSPredictions, data: OCSDataset, rewards: OCSRewardScheme)
        -> (threshold: Double, reward: Double, abstainRate: Double) {
        precondition(p.count == data.count && data.count > 0)
        let best = (0..<data.count).map { safest(p, $0) }
        var out = (threshold: 0.0, reward: -Double.infinity, abstainRate: 0.0)
        for t in thresholdGrid {
            var sum = 0.0
            var abstained = 0
            for i in 0..<data.count {
                if best[i].safe < t { abstained += 1; sum += rewards.abstain } else { sum += data.isSafe(i, best[i].action) ? rewards.right : rewards.wrong }
            }
            let r = sum / Double(data.count)
            if r > out.reward { out = (t, r, Double(abstained) / Double(data.count)) }
        }
        return out
    }

    /// Mean reward of decisions on `data`.
    public static func meanReward(_ decisions: [Int?], data: OCSDataset, rewards: OCSRewardScheme) -> Double {
        precondition(decisions.count == data.count && !decisions.isEmpty)
        let total = decisions.enumerated().reduce(0.0) { s, e in s + rewards.reward(action: e.element) { data.isSafe(e.offset, $0) } }
        return total / Double(decisions.count)
    }
}
