import Foundation

/// The discretised yaw-rate vocabulary of the pre-memorisation task (METHODS.md 6, docs/premem.md):
/// `count` tokens evenly spaced over [-maxRate, maxRate] rad/s, token 0 = hardest right turn
/// (most negative rate), token count/2 = straight ahead when `count` is odd.
public struct PreMemTokens: Sendable, Equatable, Codable {
    /// Number of tokens (>= 2).
    public let count: Int
    /// Largest yaw rate, rad/s.
    public let maxRate: Double

    public init(count: Int, maxRate: Double) {
        precondition(count >= 2 && maxRate > 0, "PreMemTokens needs >= 2 tokens and a positive rate")
        self.count = count
        self.maxRate = maxRate
    }

    /// The yaw rate of `token`, rad/s.
    @inlinable public func rate(_ token: Int) -> Double {
        maxRate * (2 * Double(token) / Double(count - 1) - 1)
    }

    /// The token whose rate is nearest to `rate` (clamped to the vocabulary; halfway rounds up).
    @inlinable public func token(_ rate: Double) -> Int {
        guard rate.isFinite else { return count / 2 }
        let u = (rate / maxRate + 1) * 0.5 * Double(count - 1)
        return min(max(Int((u + 0.5).rounded(.down)), 0), count - 1)
    }
}
