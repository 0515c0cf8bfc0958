import Foundation

/// The pre-memorisation train accuracy of METHODS.md 6, computed from per-checkpoint tables.
///
/// For one training example with accuracy a_i (fraction of sampled outputs that solve the task)
/// and target perplexity p_i at checkpoints i = 0..<C (in training order): the example is
/// memorised from the first checkpoint m with p_m < threshold. premem = min(a_{C-1},
/// max_{i < m} a_i); never memorised means m = C (every checkpoint counts, so premem = a_{C-1});
/// memorised at the first checkpoint leaves no checkpoint before memorisation and gives 0.
public enum PreMemScore {
    /// The authors' memorisation threshold on the target's perplexity.
    public static let memorizationPerplexity = 1.2

    /// First checkpoint whose perplexity is below `threshold`, or nil.
    public static func memorizedAt(perplexity: [Double], threshold: Double = memorizationPerplexity) -> Int? {
        perplexity.firstIndex { $0 < threshold }
    }

    /// premem of one example (see the type's comment). `accuracy` and `perplexity` have one value per checkpoint.
    public static func example(accuracy: [Double], perplexity: [Double], threshold: Double = memorizationPerplexity) -> Double {
        precondition(!accuracy.isEmpty && accuracy.count == perplexity.count, "premem needs one accuracy and one perplexity per checkpoint")
        let m = memorizedAt(perplexity: perplexity, threshold: threshold) ?? accuracy.count
        let before = accuracy[0..<m].max() ?? 0
        return min(accuracy[accuracy.count - 1], before)
    }

    /// Per-example premem for tables indexed [checkpoint][example].
    public static func examples(accuracy: [[Double]], perplexity: [[Double]], threshold: Double = memorizationPerplexity) -> [Double] {
        precondition(!accuracy.isEmpty && accuracy.count == perplexity.count, "premem needs matching tables")
        let n = accuracy[0].count
        return (0..<n).map { j in
            example(accuracy: accuracy.map { $0[j] }, perplexity: perplexity.map { $0[j] }, threshold: threshold)
        }
    }

    /// The dataset metric: mean over examples of premem_j.
    public static func dataset(accuracy: [[Double]], perplexity: [[Double]], threshold: Double = memorizationPerplexity) -> Double {
        let e = examples(accuracy: accuracy, perplexity: perplexity, threshold: threshold)
        return e.isEmpty ? 0 : e.reduce(0, +) / Double(e.count)
    }
}
