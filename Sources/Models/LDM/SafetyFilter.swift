import Foundation
import Planning

/// One filter of any kind behind a single concrete type, so a driver can sweep filter kinds and
/// levels with one `ConstrainedCost<Objective, SafetyFilter>`.
public struct SafetyFilter: DensitySafetyFilter {
    public let kind: SafetyFilterKind
    /// The level (nil for `.none`).
    public let level: DensityLevel?
    var greedy: GreedyDensityFilter?
    var ldm: LDMFilter?
    public var state: [Float] {
        didSet {
            greedy?.state = state
            ldm?.state = state
        }
    }

    /// No filter: constraint 0 everywhere, threshold 0.
    public static func unfiltered(stateDim: Int) -> SafetyFilter {
        SafetyFilter(kind: .none, level: nil, greedy: nil, ldm: nil, state: [Float](repeating: 0, count: stateDim))
    }

    /// The greedy density filter at `level`.
    public static func greedy(density: any DensityModel, stateDim: Int, level: DensityLevel) -> SafetyFilter {
        SafetyFilter(kind: .greedy, level: level, greedy: GreedyDensityFilter(density: density, stateDim: stateDim, level: level),
                     ldm: nil, state: [Float](repeating: 0, count: stateDim))
    }

    /// The LDM filter at `level`.
    public static func ldm(_ model: LearnedLDM, level: DensityLevel) -> SafetyFilter {
        SafetyFilter(kind: .ldm, level: level, greedy: nil, ldm: LDMFilter(ldm: model, level: level),
                     state: [Float](repeating: 0, count: model.stateDim))
    }

    public var threshold: Float { level?.threshold ?? 0 }

    public mutating func cost(_ actions: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                              into costs: UnsafeMutableBufferPointer<Float>) {
        switch kind {
        case .none:
            for i in 0..<count { costs[i] = 0 }
        case .greedy:
            // take the filter out while it runs so its scratch is not copied
            var f = greedy!
            greedy = nil
            f.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
            greedy = f
        case .ldm:
            var f = ldm!
            ldm = nil
            f.cost(actions, count: count, horizon: horizon, actionDim: actionDim, into: costs)
            ldm = f
        }
    }
}
