import Foundation
import Geometry

/// A small dense matrix of `Double`, row-major (`values[r * cols + c]`), for the linear-systems
/// numerics of the imitation study (state dimensions of tens, not thousands). Value type;
/// every operation is a plain loop in a fixed order, so results are bit-reproducible.
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
    public let rows: Int
    public let cols: Int
    /// Row-major entries, `rows * cols` of them.
    public var values: [Double]

    /// A `rows x cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, value: Double = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix needs non-negative dimensions")
        self.rows = rows
        self.cols = cols
        values = [Double](repeating: value, count: rows * cols)
    }

    /// A `rows x cols` matrix from row-major `values`.
    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(values.count == rows * cols, "Matrix(\(rows)x\(cols)) needs \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// A matrix from its rows (all of the same length).
    public init(_ rowArrays: [[Double]]) {
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "Matrix rows must have equal lengths")
        self.init(rows: rowArrays.count, cols: c, values: rowArrays.flatMap { $0 })
    }

    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m.values[i * n + i] = 1 }
        return m
    }

    /// A column vector.
    public static func column(_ v: [Double]) -> Matrix { Matrix(rows: v.count, cols: 1, values: v) }

    /// Entries drawn i.i.d. from N(0, std^2), row by row.
    public static func gaussian(rows: Int, cols: Int, std: Double = 1, rng: inout RNG) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<m.values.count { m.values[i] = std * rng.normal() }
        return m
    }

    @inlinable public subscript(r: Int, c: Int) -> Double {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    public var isSquare: Bool { rows == cols }

    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for r in 0..<rows { for c in 0..<cols { t.values[c * rows + r] = values[r * cols + c] } }
        return t
    }

    /// Sum of squared entries, square-rooted.
    public var frobeniusNorm: Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Sum of the diagonal.
    public var trace: Double {
        var s = 0.0
        for i in 0..<min(rows, cols) { s += values[i * cols + i] }
        return s
    }

    /// Rows `range` as a new matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, values: Array(values[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// `(self + self^T) / 2`.
    public var symmetrized: Matrix {
        precondition(isSquare)
        var s = self
        for i in 0..<rows { for j in 0..<i {
            let v = 0.5 * (values[i * cols + j] + values[j * cols + i])
            s.values[i * cols + j] = v
            s.values[j * cols + i] = v
        } }
        return s
    }

    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix + needs equal shapes, got \(a.rows)x\(a.cols) and \(b.rows)x\(b.cols)")
        var c = a
        for i in 0..<c.values.count { c.values[i] += b.values[i] }
        return c
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols, "Matrix - needs equal shapes, got \(a.rows)x\(a.cols) and \(b.rows)x\(b.cols)")
        var c = a
        for i in 0..<c.values.count { c.values[i] -= b.values[i] }
        return c
    }

    public static func * (s: Double, a: Matrix) -> Matrix {
        var c = a
        for i in 0..<c.values.count { c.values[i] *= s }
        return c
    }

    /// Matrix product (i-p-j loop order over contiguous rows).
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.cols == b.rows, "Matrix * needs inner dimensions to agree, got \(a.rows)x\(a.cols) * \(b.rows)x\(b.cols)")
        var c = Matrix(rows: a.rows, cols: b.cols)
        let n = a.cols, m = b.cols
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<a.rows {
                        for p in 0..<n {
                            let v = pa[i * n + p]
                            if v == 0 { continue }
                            for j in 0..<m { pc[i * m + j] += v * pb[p * m + j] }
                        }
                    }
                }
            }
        }
        return c
    }

    /// `self * x` for a vector `x` of length `cols`.
    public func apply(_ x: [Double]) -> [Double] {
        precondition(x.count == cols, "Matrix.apply needs \(cols) entries, got \(x.count)")
        var y = [Double](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                var s = 0.0
                for c in 0..<cols { s += p[r * cols + c] * x[c] }
                y[r] = s
            }
        }
        return y
    }

    /// The solution X of `self * X = b` by LU with partial pivoting; nil when singular
    /// (a pivot below 1e-300 or a non-finite result).
    public func solve(_ b: Matrix) -> Matrix? {
        precondition(isSquare && b.rows == rows, "Matrix.solve needs a square matrix and matching rows")
        let n = rows, m = b.cols
        var a = values, x = b.values
        for k in 0..<n {
            var piv = k, best = abs(a[k * n + k])
            for r in (k + 1)..<max(n, k + 1) where abs(a[r * n + k]) > best { piv = r; best = abs(a[r * n + k]) }
            guard best > 1e-300 else { return nil }
            if piv != k {
                for c in 0..<n { a.swapAt(k * n + c, piv * n + c) }
                for c in 0..<m { x.swapAt(k * m + c, piv * m + c) }
            }
            let d = a[k * n + k]
            for r in (k + 1)..<max(n, k + 1) {
                let f = a[r * n + k] / d
                if f == 0 { continue }
                for c in k..<n { a[r * n + c] -= f * a[k * n + c] }
                for c in 0..<m { x[r * m + c] -= f * x[k * m + c] }
            }
        }
        for k in stride(from: n - 1, through: 0, by: -1) {
            for c in 0..<m {
                var s = x[k * m + c]
                for p in (k + 1)..<max(n, k + 1) { s -= a[k * n + p] * x[p * m + c] }
                x[k * m + c] = s / a[k * n + k]
            }
        }
        guard x.allSatisfy({ $0.isFinite }) else { return nil }
        return Matrix(rows: n, cols: m, values: x)
    }

    /// The inverse (LU), nil when singular.
    public var inverse: Matrix? { solve(.identity(rows)) }

    /// The rows orthonormalised by modified Gram-Schmidt, with the factor R such that
    /// `self = R * Q` (R lower triangular, k x k). Nil when the rows are (numerically) dependent.
    public func orthonormalizedRows() -> (q: Matrix, r: Matrix)? {
        var q = self
        var r = Matrix(rows: rows, cols: rows)
        for i in 0..<rows {
            for j in 0..<i {
                var d = 0.0
                for c in 0..<cols { d += q.values[i * cols + c] * q.values[j * cols + c] }
                r.values[i * rows + j] = d
                for c in 0..<cols { q.values[i * cols + c] -= d * q.values[j * cols + c] }
            }
            var n2 = 0.0
            for c in 0..<cols { n2 += q.values[i * cols + c] * q.values[i * cols + c] }
            let norm = n2.squareRoot()
            guard norm > 1e-12 * max(1, frobeniusNorm) else { return nil }
            r.values[i * rows + i] = norm
            for c in 0..<cols { q.values[i * cols + c] /= norm }
        }
        return (q, r)
    }

    /// Largest singular value (power iteration on `self^T self`, fixed 200 steps from a
    /// deterministic start).
    public var spectralNorm: Double {
        let g = transposed * self
        var v = [Double](repeating: 1 / Double(max(cols, 1)).squareRoot(), count: cols)
        var lambda = 0.0
        for _ in 0..<200 {
            let w = g.apply(v)
            let n = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard n > 0 else { return 0 }
            lambda = n
            v = w.map { $0 / n }
        }
        return lambda.squareRoot()
    }

    /// Spectral radius by Gelfand's formula: `||M^(2^j)||_F^(1 / 2^j)` after 12 renormalised
    /// squarings (M^4096). Overestimates by at most a factor `c^(1/4096)` where c is the
    /// condition of the eigenvector basis; exact to ~1e-3 relative for the well-conditioned
    /// matrices here. Used to check and scale stability.
    public var spectralRadius: Double {
        precondition(isSquare)
        var s = self
        var logScale = 0.0, power = 1.0
        for _ in 0..<12 {
            let n = s.frobeniusNorm
            guard n > 0, n.isFinite else { return n == 0 ? 0 : .infinity }
            s = (1 / n) * s
            logScale += log(n) / power
            s = s * s
            power *= 2
        }
        let n = s.frobeniusNorm
        return n == 0 ? 0 : exp(logScale + log(n) / power)
    }

    /// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: eigenvalues in
    /// descending order and the matching unit eigenvectors as the rows of `vectors`.
    public func symmetricEigen() -> (values: [Double], vectors: Matrix) {
        precondition(isSquare)
        let n = rows
        var a = symmetrized.values
        var v = Matrix.identity(n).values
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<max(n, i + 1) { off += a[i * n + j] * a[i * n + j] } }
            if off <= 1e-30 * max(1, a.reduce(0) { $0 + $1 * $1 }) { break }
            for p in 0..<n {
                for q in (p + 1)..<max(n, p + 1) {
                    let apq = a[p * n + q]
                    if apq == 0 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] || (a[$0 * n + $0] == a[$1 * n + $1] && $0 < $1) }
        var vectors = Matrix(rows: n, cols: n)
        for (r, i) in order.enumerated() { for k in 0..<n { vectors.values[r * n + k] = v[k * n + i] } }
        return (order.map { a[$0 * n + $0] }, vectors)
    }

    public var description: String {
        (0..<rows).map { r in (0..<cols).map { c in "\(self[r, c])" }.joined(separator: " ") }.joined(separator: "\n")
    }
}
