import Foundation

/// Outcome of flying a rate sequence open loop.
public struct PreMemRollout: Sendable, Equatable {
    public var collided: Bool
    /// Position at the end of the last step flown (at the contact if collided), m.
    public var final: SIMD2<Double>
}
