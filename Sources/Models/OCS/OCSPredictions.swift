import Foundation

/// Model outputs for a set of images.
public struct OCSPredictions: Sendable, Equatable {
    /// `[count][width]` row-major.
    public var outputs: [Float]
    /// Penultimate-layer feature norm per image.
    public var featureNorms: [Float]
    /// Outputs per image.
    public var width: Int

    public init(outputs: [Float], featureNorms: [Float], width: Int) {
        precondition(outputs.count == featureNorms.count * width)
        self.outputs = outputs
        self.featureNorms = featureNorms
        self.width = width
    }

    public var count: Int { featureNorms.count }

    /// Outputs of image `i`.
    public func row(_ i: Int) -> ArraySlice<Float> { outputs[(i * width)..<((i + 1) * width)] }

    /// Mean absolute difference of image `i`'s outputs from `constant` (one value per output).
    public func distance(_ i: Int, to constant: [Double]) -> Double {
        precondition(constant.count == width)
        var s = 0.0
        for k in 0..<width { s += abs(Double(outputs[i * width + k]) - constant[k]) }
        return s / Double(width)
    }
}
