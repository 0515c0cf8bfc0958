/// Sufficient statistics of a linear regression `u ~ W x` over samples (x in R^nx, u in R^nu):
/// `xx = sum x x^T` (nx x nx), `ux = sum u x^T` (nu x nx), `uu = sum |u|^2`, and the count.
/// Every least-squares fit of the imitation study needs only these.
public struct SecondMoments: Sendable, Equatable {
    public var xx: Matrix
    public var ux: Matrix
    public var uu: Double
    public var count: Int

    public init(stateDim: Int, inputDim: Int) {
        xx = Matrix(rows: stateDim, cols: stateDim)
        ux = Matrix(rows: inputDim, cols: stateDim)
        uu = 0
        count = 0
    }

    public var stateDim: Int { xx.rows }
    public var inputDim: Int { ux.rows }

    /// Adds one sample (fixed loop order: same samples, same bits).
    public mutating func add(x: [Double], u: [Double]) {
        let n = xx.cols, m = ux.rows
        precondition(x.count == n && u.count == m, "SecondMoments.add needs x of \(n) and u of \(m)")
        xx.values.withUnsafeMutableBufferPointer { p in
            for i in 0..<n { let xi = x[i]; for j in 0..<n { p[i * n + j] += xi * x[j] } }
        }
        ux.values.withUnsafeMutableBufferPointer { p in
            for i in 0..<m { let ui = u[i]; for j in 0..<n { p[i * n + j] += ui * x[j] } }
        }
        for v in u { uu += v * v }
        count += 1
    }

    /// The same statistics for the features `z = phi x` (phi: k x nx).
    public func projected(_ phi: Matrix) -> SecondMoments {
        var out = SecondMoments(stateDim: phi.rows, inputDim: inputDim)
        out.xx = phi * xx * phi.transposed
        out.ux = ux * phi.transposed
        out.uu = uu
        out.count = count
        return out
    }

    /// Sum of squared residuals `sum |u - W x|^2` of a gain W (nu x nx), from the moments.
    public func residual(_ w: Matrix) -> Double {
        // |u|^2 - 2 tr(W ux^T) + tr(W xx W^T)
        let wxx = w * xx
        var cross = 0.0, quad = 0.0
        for i in 0..<w.values.count { cross += w.values[i] * ux.values[i]; quad += wxx.values[i] * w.values[i] }
        return uu - 2 * cross + quad
    }
}
