import Foundation

/// A query with its features and demonstrated token sequence.
public struct PreMemExample: Sendable, Equatable {
    public var query: PreMemQuery
    public var features: [Float]
    public var tokens: [Int]
}
