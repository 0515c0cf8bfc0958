import Foundation

/// A density p(s, a) over the pairs of a `TabularMDP`: the "where the training data is" model
/// of METHODS.md section 3, exact in the tabular case. Probabilities sum to 1 over all pairs;
/// the energy is E(s, a) = -log p(s, a) (`+infinity` where p = 0), always >= 0.
public struct TabularDensity: Sendable, Equatable {
    /// p(s, a), indexed `s * actionCount + a`, summing to 1.
    public let probabilities: [Double]

    /// A density proportional to non-negative `weights` (e.g. visit counts), one per pair.
    public init(weights: [Double]) {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 >= 0 && $0.isFinite }, "TabularDensity needs finite non-negative weights")
        let total = weights.reduce(0, +)
        precondition(total > 0, "TabularDensity needs a positive total weight")
        probabilities = weights.map { $0 / total }
    }

    /// The empirical density of observed pairs (indices `s * actionCount + a`), with
    /// `smoothing` added to every pair's count (0 keeps unseen pairs at p = 0).
    public init(pairs: [Int], pairCount: Int, smoothing: Double = 0) {
        var counts = [Double](repeating: smoothing, count: pairCount)
        for p in pairs {
            precondition(p >= 0 && p < pairCount, "TabularDensity pair index \(p) out of range")
            counts[p] += 1
        }
        self.init(weights: counts)
    }

    /// p of pair index `i`.
    @inlinable public func probability(_ i: Int) -> Double { probabilities[i] }

    /// Energy -log p of pair index `i`.
    @inlinable public func energy(_ i: Int) -> Double { -log(probabilities[i]) }

    /// All energies, one per pair.
    public var energies: [Double] { probabilities.map { -log($0) } }
}
