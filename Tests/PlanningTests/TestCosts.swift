import Foundation
import Planning

/// Sum over steps and components of (a - target)^2; target is `[horizon][actionDim]`.
struct QuadraticCost: SequenceCost {
    var target: [Float]
    mutating func cost(_ a: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                       into costs: UnsafeMutableBufferPointer<Float>) {
        let n = horizon * actionDim
        for i in 0..<count {
            var s: Float = 0
            for j in 0..<n { let x = a[i * n + j] - target[j]; s += x * x }
            costs[i] = s
        }
    }
}

/// A wide shallow basin at -0.5 and a narrow deep one at +0.7, per component, summed.
struct TwoBasinCost: SequenceCost {
    mutating func cost(_ a: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                       into costs: UnsafeMutableBufferPointer<Float>) {
        let n = horizon * actionDim
        for i in 0..<count {
            var s: Float = 0
            for j in 0..<n {
                let x = a[i * n + j]
                s -= 0.6 * exp(-(x + 0.5) * (x + 0.5) / 0.2)
                s -= 1.0 * exp(-(x - 0.7) * (x - 0.7) / 0.004)
            }
            costs[i] = s
        }
    }
}

/// Rejects everything.
struct RejectAll: SequenceCost {
    var nan = false
    mutating func cost(_ a: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                       into costs: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<count { costs[i] = nan ? .nan : .infinity }
    }
}

/// |first action component| per candidate (a constraint value).
struct FirstActionMagnitude: SequenceCost {
    mutating func cost(_ a: UnsafeBufferPointer<Float>, count: Int, horizon: Int, actionDim: Int,
                       into costs: UnsafeMutableBufferPointer<Float>) {
        let n = horizon * actionDim
        for i in 0..<count { costs[i] = abs(a[i * n]) }
    }
}
