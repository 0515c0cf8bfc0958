/// Dense Cholesky factorisation shared by the models that need it (the LDM Gaussian mixture's
/// covariances, the imitation least squares' Gram matrices).
enum Cholesky {
    /// Lower factor L (row-major `[d, d]`, zeros above the diagonal) with `L L^T = a` for a
    /// symmetric positive-definite row-major `[d, d]` matrix `a`; nil when a pivot is not
    /// positive and finite (not positive definite to working precision). Reads only the lower
    /// triangle of `a`.
    static func lower(_ a: [Double], _ d: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for p in 0..<j { s -= l[i * d + p] * l[j * d + p] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * d + i] = s.squareRoot()
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
        return l
    }
}
