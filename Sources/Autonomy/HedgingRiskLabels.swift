import Foundation
import Models

/// Familiarity and relabelling for the safety classifier (K sigmoid outputs = P(primitive k
/// collides)); see docs/hedging.md "Risk model".
///
/// - p (the base classifier's probability of being right on an example): the mean over the K
///   primitives of the probability it assigns to each primitive's true outcome, i.e. q_k where
///   primitive k collides and 1 - q_k where it is safe.
/// - Unfamiliar: p <= the threshold (the authors' 0.7).
/// - Conservative relabelling: every primitive of an unfamiliar example labelled 1 (collides).
public enum HedgingRiskLabels {
    /// p for every sample of `data` under classifier outputs `probabilities` (`[count][K]`).
    public static func probabilityCorrect(_ probabilities: OCSPredictions, _ data: OCSDataset) -> [Double] {
        precondition(probabilities.count == data.count && probabilities.width == data.actions)
        let k = data.actions
        return (0..<data.count).map { i in
            var sum = 0.0
            for a in 0..<k {
                let q = Double(probabilities.outputs[i * k + a])
                sum += data.isSafe(i, a) ? 1 - q : q
            }
            return sum / Double(k)
        }
    }

    /// Collision labels `[count][K]` with every primitive of each unfamiliar row set to 1;
    /// familiar rows unchanged.
    public static func conservative(_ collisions: [Float], actions k: Int, unfamiliar: [Bool]) -> [Float] {
        precondition(collisions.count == unfamiliar.count * k)
        var out = collisions
        for (i, u) in unfamiliar.enumerated() where u { for a in 0..<k { out[i * k + a] = 1 } }
        return out
    }
}
