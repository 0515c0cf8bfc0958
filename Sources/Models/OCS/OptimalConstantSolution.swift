import Foundation

/// The optimal constant solution (OCS, METHODS.md 4): the constant prediction that minimises a
/// model's average training loss, the value its outputs are expected to revert to on inputs far
/// from the training distribution.
public enum OptimalConstantSolution {
    /// MSE: the mean of each output's training targets. `targets` is `[count][outputs]` row-major.
    public static func mse(targets: [Float], outputs: Int) -> [Double] {
        precondition(outputs > 0 && targets.count % outputs == 0 && !targets.isEmpty, "targets must be [count][outputs]")
        let n = targets.count / outputs
        var sum = [Double](repeating: 0, count: outputs)
        for i in 0..<n { for k in 0..<outputs { sum[k] += Double(targets[i * outputs + k]) } }
        return sum.map { $0 / Double(n) }
    }

    /// Weighted sigmoid cross-entropy (positive labels weighted by `positiveWeight` w) with
    /// positive-label rate `y`: the constant probability minimising
    /// `-w y log p - (1 - y) log(1 - p)` is `w y / (w y + 1 - y)`.
    @inlinable public static func weightedSigmoid(positiveRate y: Double, positiveWeight w: Double) -> Double {
        precondition(y >= 0 && y <= 1 && w > 0, "rate in [0, 1], weight > 0")
        return w * y / (w * y + 1 - y)
    }

    /// Per-output positive rates of `[count][outputs]` 0/1 labels.
    public static func positiveRates(labels: [Float], outputs: Int) -> [Double] { mse(targets: labels, outputs: outputs) }

    /// The weighted sigmoid OCS of every output of `[count][outputs]` 0/1 labels.
    public static func weightedSigmoid(labels: [Float], outputs: Int, positiveWeight: Double) -> [Double] {
        positiveRates(labels: labels, outputs: outputs).map { weightedSigmoid(positiveRate: $0, positiveWeight: positiveWeight) }
    }

    /// Average weighted sigmoid cross-entropy of the constant probability `p` on labels with
    /// positive rate `y` (the loss the closed form minimises; used to check it).
    public static func weightedCrossEntropy(constant p: Double, positiveRate y: Double, positiveWeight w: Double) -> Double {
        -w * y * log(p) - (1 - y) * log(1 - p)
    }
}
