/// Why a least-squares fit was refused.
public enum LeastSquaresError: Error, Equatable, CustomStringConvertible {
    /// Fewer samples than unknowns per output.
    case tooFewSamples(samples: Int, features: Int)
    /// The Gram matrix is singular or so ill-conditioned that the fit means nothing.
    case illConditioned(conditionEstimate: Double)

    public var description: String {
        switch self {
        case .tooFewSamples(let s, let f): return "least squares with \(s) samples for \(f) features"
        case .illConditioned(let c): return "least squares on an ill-conditioned Gram matrix (condition ~ \(c))"
        }
    }
}

/// Linear least squares by Cholesky on the normal equations, with a conditioning check.
public enum LeastSquares {
    /// Largest accepted condition estimate of a Gram matrix (Cholesky on the normal equations
    /// loses log10(cond) digits; 1e12 leaves ~4 significant digits in Double).
    public static let maxCondition = 1e12

    /// The W minimising `sum |u - W x|^2` given `gram = sum x x^T` (n x n) and
    /// `cross = sum u x^T` (m x n): solves `W gram = cross`. The condition estimate is
    /// `(max L_ii / min L_ii)^2` of the Cholesky factor L (a lower bound of cond(gram), exact
    /// for diagonal matrices).
    public static func solve(gram: Matrix, cross: Matrix, ridge: Double = 0) throws -> Matrix {
        precondition(gram.isSquare && cross.cols == gram.rows, "LeastSquares.solve needs gram n x n and cross m x n")
        let n = gram.rows
        var g = gram.symmetrized
        if ridge > 0 { for i in 0..<n { g.values[i * n + i] += ridge } }
        guard let l = Cholesky.lower(g.values, n) else { throw LeastSquaresError.illConditioned(conditionEstimate: .infinity) }
        var lo = Double.infinity, hi = 0.0
        for i in 0..<n { lo = min(lo, l[i * n + i]); hi = max(hi, l[i * n + i]) }
        let cond = (hi / lo) * (hi / lo)
        guard cond <= maxCondition else { throw LeastSquaresError.illConditioned(conditionEstimate: cond) }
        // W gram = cross  <=>  gram W^T = cross^T (gram symmetric): two triangular solves per row of W
        var w = Matrix(rows: cross.rows, cols: n)
        var y = [Double](repeating: 0, count: n)
        for r in 0..<cross.rows {
            for i in 0..<n {
                var s = cross.values[r * n + i]
                for p in 0..<i { s -= l[i * n + p] * y[p] }
                y[i] = s / l[i * n + i]
            }
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = y[i]
                for p in (i + 1)..<n { s -= l[p * n + i] * w.values[r * n + p] }
                w.values[r * n + i] = s / l[i * n + i]
            }
        }
        return w
    }

    /// The gain W (nu x nx) of `u ~ W x` from the moments; needs at least nx samples.
    public static func fit(_ m: SecondMoments) throws -> Matrix {
        guard m.count >= m.stateDim else { throw LeastSquaresError.tooFewSamples(samples: m.count, features: m.stateDim) }
        return try solve(gram: m.xx, cross: m.ux)
    }
}
