import Geometry

/// A dense Float32 tensor: a shape and its elements in row-major (C) order.
///
/// Images are NHWC (`[batch, height, width, channels]`) throughout the engine; sequences are
/// `[batch, features]` per time step. Tensors are plain values: the autodiff graph copies them in
/// (`Graph.input`) and out (`Graph.value`).
public struct Tensor: Sendable, Equatable {
    /// Size of each axis, outermost first.
    public var shape: [Int]
    /// `shape.product` elements, row-major.
    public var data: [Float]

    /// A tensor from its shape and row-major elements (count must match).
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative axis in shape \(shape)")
        precondition(Tensor.count(shape) == data.count, "shape \(shape) needs \(Tensor.count(shape)) elements, got \(data.count)")
        self.shape = shape
        self.data = data
    }

    /// A tensor filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, data: [Float](repeating: value, count: Tensor.count(shape)))
    }

    /// A rank-0 tensor holding one number.
    public init(scalar: Float) { self.init(shape: [], data: [scalar]) }

    /// Elements drawn uniformly from [lo, hi) using `rng`.
    public static func uniform(_ shape: [Int], _ lo: Float, _ hi: Float, rng: inout RNG) -> Tensor {
        var t = Tensor(shape: shape)
        for i in t.data.indices { t.data[i] = lo + (hi - lo) * rng.uniformFloat() }
        return t
    }

    /// Elements drawn from a normal distribution using `rng`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout RNG) -> Tensor {
        var t = Tensor(shape: shape)
        for i in t.data.indices { t.data[i] = mean + std * Float(rng.normal()) }
        return t
    }

    /// Number of elements.
    public var count: Int { data.count }

    /// Number of elements of a shape.
    @inlinable public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(data.count == 1, "tensor of shape \(shape) is not a scalar")
        return data[0]
    }

    /// The same elements under another shape with equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, data: data) }

    /// Rows `indices` of the outermost axis, stacked (a minibatch from a dataset).
    public func gather(rows indices: [Int]) -> Tensor {
        precondition(!shape.isEmpty, "gather needs rank >= 1")
        let row = count / max(shape[0], 1)
        var out = [Float](repeating: 0, count: row * indices.count)
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < shape[0], "row \(i) outside 0..<\(shape[0])")
                    (dst.baseAddress! + k * row).update(from: src.baseAddress! + i * row, count: row)
                }
            }
        }
        return Tensor(shape: [indices.count] + shape.dropFirst(), data: out)
    }
}
