import Foundation
import Geometry

/// Weight initialisers. `fanIn`/`fanOut` are inputs/outputs per unit (for conv: channels x kernel area).
public enum Initializer: Sendable, Equatable {
    case zeros
    case constant(Float)
    /// U(-a, a), a = sqrt(6 / (fanIn + fanOut)).
    case glorotUniform
    /// N(0, 2 / (fanIn + fanOut)).
    case glorotNormal
    /// U(-a, a), a = sqrt(6 / fanIn) (for ReLU layers).
    case heUniform
    /// N(0, 2 / fanIn).
    case heNormal
    /// U(-a, a) with a given bound.
    case uniform(Float)
    /// Orthogonal rows/columns of a [rows, fanIn] matrix (Gram-Schmidt on a Gaussian), times gain.
    case orthogonal(gain: Float)

    /// A tensor of `shape` initialised with `rng`.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, rng: inout RNG) -> Tensor {
        let fi = Float(Swift.max(fanIn, 1)), fo = Float(Swift.max(fanOut, 1))
        switch self {
        case .zeros: return Tensor(shape: shape)
        case .constant(let v): return Tensor(shape: shape, repeating: v)
        case .glorotUniform: let a = sqrtf(6 / (fi + fo)); return .uniform(shape, -a, a, rng: &rng)
        case .glorotNormal: return .normal(shape, std: sqrtf(2 / (fi + fo)), rng: &rng)
        case .heUniform: let a = sqrtf(6 / fi); return .uniform(shape, -a, a, rng: &rng)
        case .heNormal: return .normal(shape, std: sqrtf(2 / fi), rng: &rng)
        case .uniform(let a): return .uniform(shape, -a, a, rng: &rng)
        case .orthogonal(let gain): return Initializer.orthogonal(shape, gain: gain, rng: &rng)
        }
    }

    private static func orthogonal(_ shape: [Int], gain: Float, rng: inout RNG) -> Tensor {
        let rows = shape.first ?? 1, cols = Tensor.count(shape) / Swift.max(rows, 1)
        // orthonormalise the shorter side's vectors
        let (vecs, len) = rows <= cols ? (rows, cols) : (cols, rows)
        var q = [[Double]](repeating: [], count: vecs)
        for i in 0..<vecs {
            var v = (0..<len).map { _ in rng.normal() }
            for j in 0..<i {
                let d = zip(v, q[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for t in 0..<len { v[t] -= d * q[j][t] }
            }
            let norm = Swift.max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            q[i] = v.map { $0 / norm }
        }
        var out = Tensor(shape: shape)
        for r in 0..<rows {
            for c in 0..<cols {
                out.data[r * cols + c] = gain * Float(rows <= cols ? q[r][c] : q[c][r])
            }
        }
        return out
    }
}
